/**
 * A bounded wait for one server event of a Realtime session: it settles on the first matching
 * event, and fails on the deadline, on an abort, or on a server error caused by the client event
 * it waits on (matched by `event_id`).
 *
 * @module
 */
import type { EventEmitter } from 'node:events';
import { AbortedError, TimeoutError } from '../../errors.js';

/** Bus event carrying a server `error` event's `error` object. */
export const SERVER_ERROR = 'server.error';

/** The part of a server `error` event's `error` a wait looks at. */
export interface ServerErrorLike {
  code?: string | null;
  message: string;
  /** The client event that caused it. */
  event_id?: string | null;
}

/** Options of {@link waitForEvent}. */
export interface WaitOptions<E> {
  /** What is awaited, for the timeout message: `realtime session.updated`. */
  what: string;
  timeoutMs: number;
  signal: AbortSignal;
  match?: (event: E) => boolean;
  /** The `event_id` of the client event awaited: a server error caused by it ends the wait. */
  causedBy?: string;
  /** The error for a server error caused by `causedBy`. */
  onServerError?: (error: ServerErrorLike) => Error;
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
    const onServerError = (error: ServerErrorLike) => {
      if (options.causedBy === undefined || error.event_id !== options.causedBy) return;
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
