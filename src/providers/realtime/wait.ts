/**
 * A bounded wait for one server event of a Realtime session: it settles on the first matching
 * event, and fails on the deadline, on an abort, or on a server error the caller names.
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { AbortedError, TimeoutError } from '../../errors.js';

/** Bus event carrying a server `error` event's `error` object. */
export const SERVER_ERROR = 'server.error';

/** Options of {@link waitForEvent}. */
export interface WaitOptions<E> {
  /** What is awaited, for the timeout message: `realtime session.updated`. */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  match?: (event: E) => boolean;
  /** Server error codes that end the wait with an error (`*`: any server error). */
  failOn?: readonly string[];
  /** The error for a server error in `failOn`. */
  onServerError?: (error: { code?: string | null; message: string }) => Error;
}

/**
 * Waits for `type` on `bus`.
 *
 * @throws TimeoutError at the deadline; the signal's reason (or AbortedError) when it aborts.
 */
export function waitForEvent<E>(
  bus: EventEmitter,
  type: string,
  options: WaitOptions<E>,
): Promise<E> {
  const { signal, timeoutMs } = options;
  return new Promise<E>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new AbortedError(options.what));
      return;
    }
    const cleanup = () => {
      clearTimeout(timer);
      bus.off(type, onEvent);
      bus.off(SERVER_ERROR, onServerError);
      signal.removeEventListener('abort', onAbort);
    };
    const onEvent = (event: E) => {
      if (options.match && !options.match(event)) return;
      cleanup();
      resolve(event);
    };
    const onServerError = (error: { code?: string | null; message: string }) => {
      const codes = options.failOn ?? [];
      if (!codes.includes('*') && !codes.includes(error.code ?? '')) return;
      cleanup();
      reject(options.onServerError?.(error) ?? new Error(error.message));
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason instanceof Error ? signal.reason : new AbortedError(options.what));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new TimeoutError(options.what, timeoutMs));
    }, timeoutMs);
    bus.on(type, onEvent);
    bus.on(SERVER_ERROR, onServerError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
