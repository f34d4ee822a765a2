/**
 * The guarded deadline for ari-client, and only for it. ari-client's REST calls, its Swagger
 * document loads and its events socket take no `AbortSignal` and cannot be cancelled, so a
 * deadline can only stop waiting for them: the call runs on and its late outcome is dropped.
 * Everything that can take a signal (`fetch`, the SDKs, `pool.run`) gets the request's own
 * signal instead (`AbortSignal.timeout(ms)`, joined with the caller's by `AbortSignal.any`), so
 * that the request itself is cancelled; see `ari-login.ts` for the one fetch in this folder.
 *
 * @module
 */

import { AbortedError, TimeoutError, VoxstateError } from '../errors.js';

/**
 * Resolves or rejects like the ari-client call `promise`, or rejects with {@link TimeoutError}
 * after `timeoutMs`. The call keeps running (ari-client cannot cancel it); its late outcome is
 * ignored. Not for anything that takes an `AbortSignal`.
 *
 * @example
 * ```ts
 * await ariDeadline(client.channels.answer({ channelId }), 5000, 'ARI channels.answer');
 * ```
 */
export function ariDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, timeoutMs)), timeoutMs);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** The error for an aborted `signal`: its reason when that is a voxstate error, else AbortedError. */
export function abortReason(signal: AbortSignal, what: string): VoxstateError {
  return signal.reason instanceof VoxstateError ? signal.reason : new AbortedError(what);
}

/**
 * Settles like the ari-client call `promise`, or rejects with {@link abortReason} once `signal`
 * aborts. Like {@link ariDeadline}, the call keeps running; its late outcome is ignored.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what: string,
): Promise<T> {
  if (!signal) return promise;
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal, what));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits `ms`; rejects with {@link abortReason} as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal, what));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal, what));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
