/**
 * Typed errors for the whole runtime, in one module.
 *
 * Every error carries a stable `code`, a `retryable` flag the caller can act on, and the
 * underlying `cause`. Add new kinds here rather than throwing bare `Error`s.
 *
 * @module
 */

/** Options shared by every voxstate error. */
export interface VoxstateErrorOptions {
  /** True when the same operation may succeed if tried again (a full queue, a timeout). */
  retryable?: boolean;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every error voxstate throws on purpose.
 *
 * @example
 * ```ts
 * try { await pool.run(task) } catch (err) {
 *   if (err instanceof VoxstateError && err.retryable) retryLater();
 * }
 * ```
 */
export class VoxstateError extends Error {
  /** A stable, machine-readable kind, used as a metric label. */
  readonly code: string;
  /** True when trying again may succeed. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: VoxstateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Configuration is missing or has a wrong value. Never retryable. */
export class ConfigError extends VoxstateError {
  constructor(message: string, options: VoxstateErrorOptions = {}) {
    super('config', message, { ...options, retryable: false });
  }
}

/** An operation took longer than its deadline. */
export class TimeoutError extends VoxstateError {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number, options: VoxstateErrorOptions = {}) {
    super('timeout', `${what} timed out after ${timeoutMs} ms`, { retryable: true, ...options });
    this.timeoutMs = timeoutMs;
  }
}

/** The work was cancelled (hang-up, barge-in, shutdown). Not a failure to report. */
export class AbortedError extends VoxstateError {
  constructor(what: string, options: VoxstateErrorOptions = {}) {
    super('aborted', `${what} was aborted`, { ...options, retryable: false });
  }
}

/** A worker pool refused a task because its queue is full. Retry later or degrade. */
export class QueueFullError extends VoxstateError {
  constructor(pool: string, options: VoxstateErrorOptions = {}) {
    super('queue_full', `the ${pool} worker pool queue is full`, { ...options, retryable: true });
  }
}

/** A worker thread died or a model threw while running a task. */
export class WorkerError extends VoxstateError {
  constructor(pool: string, message: string, options: VoxstateErrorOptions = {}) {
    super('worker', `${pool} worker: ${message}`, { retryable: true, ...options });
  }
}

/** A model is not available locally and may not be downloaded (offline mode). */
export class ModelMissingError extends VoxstateError {
  constructor(modelId: string, modelDir: string, options: VoxstateErrorOptions = {}) {
    super(
      'model_missing',
      `model "${modelId}" is not in ${modelDir} and offline mode is on; ` +
        `run \`voxstate models pull ${modelId}\` on a machine with internet access ` +
        `and copy ${modelDir} here, or set VOXSTATE_MODEL_DIR`,
      { ...options, retryable: false },
    );
  }
}

/** An external provider (LLM, STT, TTS, embeddings API) failed. */
export class ProviderError extends VoxstateError {
  readonly provider: string;
  readonly status: number | undefined;
  constructor(
    provider: string,
    message: string,
    options: VoxstateErrorOptions & { status?: number } = {},
  ) {
    super('provider', `${provider}: ${message}`, {
      retryable: options.retryable ?? (options.status === undefined || options.status >= 500),
      cause: options.cause,
    });
    this.provider = provider;
    this.status = options.status;
  }
}

/** Why a speech-to-text engine failed, the `kind` label of its fallback metric. */
export type SttFailure =
  | 'refused'
  | 'auth'
  | 'rate_limit'
  | 'timeout'
  | 'dropped'
  | 'server'
  | 'bad_response';

/**
 * A remote speech-to-text engine failed for one utterance: connection refused, key rejected
 * (401), rate limited (429), no final transcript in time, the socket dropped mid-utterance, a
 * server error or an answer it could not read. Every kind lets a fallback engine try.
 */
export class SttEngineError extends ProviderError {
  readonly failure: SttFailure;
  constructor(
    engine: string,
    failure: SttFailure,
    message: string,
    options: VoxstateErrorOptions & { status?: number } = {},
  ) {
    super(`stt ${engine}`, message, { ...options, retryable: failure !== 'auth' });
    this.failure = failure;
  }
}

/** Why a speech-to-speech (OpenAI Realtime) session failed. */
export type RealtimeFailure =
  /** The connection could not be made (refused, DNS, TLS). */
  | 'connect'
  /** The server refused the key (HTTP 401 or 403 on the upgrade). */
  | 'auth'
  /** The server refused the upgrade with another HTTP status (429, 5xx, 404). */
  | 'rejected'
  /** The session did not start, or an answer did not come, within its deadline. */
  | 'timeout'
  /** The server sent a fatal `error` event. */
  | 'server'
  /** The socket closed or dropped while the session was in use. */
  | 'closed';

/**
 * A speech-to-speech session could not be opened or failed mid-call. The call carries on in
 * cascade mode; `failure` says what happened and `retryable` whether a new session may work.
 */
export class RealtimeSessionError extends ProviderError {
  readonly failure: RealtimeFailure;
  constructor(
    failure: RealtimeFailure,
    message: string,
    options: VoxstateErrorOptions & { status?: number } = {},
  ) {
    super('realtime', message, {
      ...options,
      retryable:
        options.retryable ??
        (failure === 'auth'
          ? false
          : failure === 'rejected'
            ? options.status === undefined || options.status === 429 || options.status >= 500
            : true),
    });
    this.failure = failure;
  }
}

/** A per-turn budget (LLM calls, tokens, steps) was exceeded. */
export class BudgetExceededError extends VoxstateError {
  readonly budget: string;
  constructor(budget: string, limit: number, options: VoxstateErrorOptions = {}) {
    super('budget_exceeded', `turn budget exceeded: ${budget} > ${limit}`, {
      ...options,
      retryable: false,
    });
    this.budget = budget;
  }
}

/** Outside input (audio frame, RTP packet, ARI event, file) could not be parsed. */
export class ParseError extends VoxstateError {
  /** Where the bad input came from, such as `file.jsonl:12` or `audiosocket`. */
  readonly source: string;
  constructor(source: string, message: string, options: VoxstateErrorOptions = {}) {
    super('parse', `${source}: ${message}`, { ...options, retryable: false });
    this.source = source;
  }
}

/** A storage backend (Redis, LanceDB) is unavailable. */
export class StorageError extends VoxstateError {
  constructor(store: string, message: string, options: VoxstateErrorOptions = {}) {
    super('storage', `${store}: ${message}`, { retryable: true, ...options });
  }
}

/** The telephony layer (ARI, media connection) failed. */
export class TelephonyError extends VoxstateError {
  constructor(message: string, options: VoxstateErrorOptions = {}) {
    super('telephony', message, { retryable: true, ...options });
  }
}

/** The metric label for any thrown value: the voxstate code, or `unknown`. */
export function errorKind(err: unknown): string {
  return err instanceof VoxstateError ? err.code : 'unknown';
}

/** True for errors that mean "cancelled", from voxstate or from `AbortController`. */
export function isAbortError(err: unknown): boolean {
  if (err instanceof AbortedError) return true;
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'APIUserAbortError');
}

/** Asterisk refused an ARI REST request (status >= 400), e.g. a channel that is already gone. */
export class AriRequestError extends TelephonyError {
  /** The operation, such as `channels.hangup`. */
  readonly operation: string;
  /** True when the target no longer exists (404): a channel already hung up, a bridge destroyed. */
  readonly notFound: boolean;
  constructor(
    operation: string,
    message: string,
    options: VoxstateErrorOptions & { notFound?: boolean } = {},
  ) {
    super(`ARI ${operation}: ${message}`, { retryable: false, cause: options.cause });
    this.operation = operation;
    this.notFound = options.notFound ?? false;
  }
}

/** A transfer to a person that did not happen: the agent did not answer, was busy, or hung up. */
export class TransferError extends TelephonyError {
  /** Why: `noanswer`, `busy`, `failed` (a request failed) or `hangup` (the agent hung up). */
  readonly failure: 'noanswer' | 'busy' | 'failed' | 'hangup';

  constructor(
    message: string,
    failure: TransferError['failure'],
    options: VoxstateErrorOptions = {},
  ) {
    super(message, { retryable: false, ...options });
    this.failure = failure;
  }
}
