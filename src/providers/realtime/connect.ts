/**
 * Opens a Realtime WebSocket with the `openai` SDK's client (`openai/realtime/ws`) and waits for
 * `session.created`, within a deadline and an abort signal. Every way it can fail becomes a
 * {@link RealtimeSessionError} saying what happened: no key or a refused key (`auth`), another
 * HTTP status on the upgrade (`rejected`), no connection (`connect`), a socket closed early
 * (`closed`), a server error (`server`) or no session in time (`timeout`).
 *
 * @module
 */
import OpenAI from 'openai';
import type { OpenAIRealtimeError } from 'openai/realtime/internal-base';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { SessionCreatedEvent } from 'openai/resources/realtime/realtime';
import type { ClientOptions } from 'ws';
import { AbortedError, isAbortError, ProviderError, RealtimeSessionError } from '../../errors.js';

/** Options of {@link connectRealtime}. */
export interface RealtimeConnectOptions {
  model: string;
  apiKey?: string | undefined;
  /** API base URL (`https://api.openai.com/v1` by default); the SDK connects over `wss:`. */
  baseUrl?: string | undefined;
  /** A ready client; `apiKey` and `baseUrl` are then ignored. */
  client?: OpenAI;
  /** WebSocket options, such as `ca` for a private certificate authority. */
  wsOptions?: ClientOptions;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** An open socket whose session has been created. */
export interface RealtimeConnection {
  rt: OpenAIRealtimeWS;
  created: SessionCreatedEvent;
}

const STATUS = /Unexpected server response: (\d{3})/;

/** Maps an error of the SDK's realtime client before the session started. */
export function connectError(err: OpenAIRealtimeError): RealtimeSessionError {
  if (err.error) {
    return new RealtimeSessionError(
      'server',
      `server error before the session started: ${err.error.message}`,
      {
        cause: err,
      },
    );
  }
  const status = STATUS.exec(err.message)?.[1];
  if (status !== undefined) {
    const code = Number(status);
    return code === 401 || code === 403
      ? new RealtimeSessionError('auth', `the server refused the API key (HTTP ${code})`, {
          status: code,
          cause: err,
        })
      : new RealtimeSessionError('rejected', `the server refused the session (HTTP ${code})`, {
          status: code,
          cause: err,
        });
  }
  return new RealtimeSessionError('connect', `cannot connect: ${err.message}`, { cause: err });
}

/**
 * Maps a failure to apply the first `session.update`: a refusal is a `server` failure that is
 * not retried (the configuration itself is wrong), anything else a `timeout`.
 */
export function configureError(err: unknown, timeoutMs: number): Error {
  if (err instanceof RealtimeSessionError || isAbortError(err)) return err as Error;
  if (err instanceof ProviderError) {
    return new RealtimeSessionError(
      'server',
      `the session configuration was refused: ${err.message}`,
      {
        retryable: false,
        cause: err,
      },
    );
  }
  return new RealtimeSessionError(
    'timeout',
    `the session was not configured within ${timeoutMs} ms`,
    {
      cause: err,
    },
  );
}

/**
 * Connects and waits for `session.created`.
 *
 * @throws RealtimeSessionError when the session cannot be opened; AbortedError when `signal` aborts.
 * @example
 * ```ts
 * const { rt } = await connectRealtime({ model: 'gpt-realtime', apiKey, timeoutMs: 3000, signal });
 * ```
 */
export async function connectRealtime(
  options: RealtimeConnectOptions,
): Promise<RealtimeConnection> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) throw new AbortedError('realtime connect');
  if (!options.client && !options.apiKey) {
    throw new RealtimeSessionError(
      'auth',
      'no API key: set VOXSTATE_REALTIME_API_KEY or OPENAI_API_KEY',
    );
  }
  const client = options.client ?? new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl });
  let rt: OpenAIRealtimeWS;
  try {
    rt = await OpenAIRealtimeWS.create(client, {
      model: options.model,
      ...(options.wsOptions ? { options: options.wsOptions } : {}),
    });
  } catch (err) {
    throw new RealtimeSessionError('connect', `cannot open the socket: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const socket = rt;
  return new Promise<RealtimeConnection>((resolve, reject) => {
    const ignore = () => {};
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('session.created', onCreated);
      socket.off('error', onError);
      socket.socket.off('close', onClose);
    };
    const fail = (err: Error) => {
      cleanup();
      socket.on('error', ignore);
      socket.socket.terminate();
      reject(err);
    };
    const onCreated = (created: SessionCreatedEvent) => {
      cleanup();
      resolve({ rt: socket, created });
    };
    const onError = (err: OpenAIRealtimeError) => fail(connectError(err));
    const onClose = (code: number) =>
      fail(
        new RealtimeSessionError(
          'closed',
          `the socket closed (${code}) before the session started`,
        ),
      );
    const onAbort = () => fail(new AbortedError('realtime connect'));
    const timer = setTimeout(
      () => fail(new RealtimeSessionError('timeout', `no session within ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('session.created', onCreated);
    socket.on('error', onError);
    socket.socket.on('close', onClose);
  });
}
