/**
 * Classifies what a remote STT engine threw (SDK errors, socket errors, HTTP statuses) into an
 * {@link SttEngineError} with one failure kind, the label of the fallback metric.
 *
 * @module
 */
import { AbortedError, isAbortError, SttEngineError, type SttFailure } from '../../errors.js';

const CAUSE_DEPTH = 5;

/** Class names, codes and messages of `err` and its causes, as one searchable string. */
function chainText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < CAUSE_DEPTH && e; i++) {
    const x = e as { name?: unknown; code?: unknown; message?: unknown };
    parts.push(String(e.constructor?.name ?? ''), String(x.name ?? ''), String(x.code ?? ''));
    parts.push(String(x.message ?? ''));
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(' ');
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown; statusCode?: unknown })?.status;
  if (typeof status === 'number') return status;
  const statusCode = (err as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number') return statusCode;
  const m = /\b(401|403|429|5\d\d)\b/.exec(String((err as Error)?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

/** The failure kind of an HTTP status. */
export function failureOfStatus(status: number): SttFailure {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server';
  return 'bad_response';
}

/**
 * Wraps `err` as an {@link SttEngineError} (kept as is when it already is one). An abort of
 * `signal` becomes an {@link AbortedError}, which no fallback retries.
 */
export function sttFailure(engine: string, err: unknown, signal?: AbortSignal): Error {
  if (err instanceof SttEngineError || err instanceof AbortedError) return err;
  if (signal?.aborted || isAbortError(err))
    return new AbortedError(`stt ${engine}`, { cause: err });
  const message = (err as Error)?.message ?? String(err);
  const status = statusOf(err);
  const chain = chainText(err);
  let failure: SttFailure;
  if (/APIConnectionTimeoutError|ETIMEDOUT|timed? ?out/i.test(chain)) failure = 'timeout';
  else if (status !== undefined) failure = failureOfStatus(status);
  else if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN/.test(chain)) failure = 'refused';
  else if (/ECONNRESET|EPIPE|UND_ERR_SOCKET|socket hang up|other side closed|closed/i.test(chain)) {
    failure = 'dropped';
  } else if (/APIConnectionError/.test(chain)) failure = 'refused';
  else failure = 'bad_response';
  return new SttEngineError(engine, failure, message, {
    cause: err,
    ...(status !== undefined ? { status } : {}),
  });
}
