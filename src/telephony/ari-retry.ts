/**
 * Reaching ARI when Asterisk may not be up yet: {@link connectAri} tried again with backoff,
 * bounded by a deadline and an abort signal.
 *
 * @module
 */

import { TelephonyError, VoxstateError } from '../errors.js';
import { type AriConnection, connectAri } from './ari-connection.js';
import type { AriConnectionOptions } from './ari-connection-types.js';
import { abortableSleep } from './ari-deadline.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';

/** Options of {@link connectAriWithRetry}. */
export interface AriRetryOptions {
  /** Stops the attempts (and the attempt in flight) with AbortedError. */
  signal?: AbortSignal;
  /**
   * Longest time for all attempts together, ms; past it the attempt in flight is abandoned and
   * the connect fails with a non-retryable {@link TelephonyError} naming the last failure.
   * Default: no bound (keep trying until aborted).
   */
  deadlineMs?: number;
  backoff?: BackoffOptions;
  onRetry?: (err: Error, delayMs: number) => void;
}

/**
 * {@link connectAri}, tried again with backoff while the failure is retryable (Asterisk not up
 * yet, a timeout); wrong credentials and configuration errors fail at once. Stops with
 * AbortedError when `signal` aborts, and with a TelephonyError once `deadlineMs` has passed;
 * either way the attempt in flight is abandoned and nothing it opened stays open.
 *
 * @example
 * ```ts
 * const ari = await connectAriWithRetry(options, { signal, deadlineMs: 30_000,
 *   onRetry: (err, ms) => log.warn({ err, ms }) });
 * ```
 */
export async function connectAriWithRetry(
  options: AriConnectionOptions,
  retry: AriRetryOptions = {},
): Promise<AriConnection> {
  const bound = new AbortController();
  const timer =
    retry.deadlineMs === undefined ? undefined : setTimeout(() => bound.abort(), retry.deadlineMs);
  const signal = retry.signal ? AbortSignal.any([retry.signal, bound.signal]) : bound.signal;
  let last: Error | undefined;
  const gaveUp = () => {
    const host = URL.canParse(options.url) ? new URL(options.url).host : options.url;
    return new TelephonyError(
      `ARI at ${host} not reachable within ${retry.deadlineMs} ms${last ? `: ${last.message}` : ''}`,
      { retryable: false, ...(last ? { cause: last } : {}) },
    );
  };
  const pastDeadline = () => bound.signal.aborted && !retry.signal?.aborted;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await connectAri(options, signal);
      } catch (err) {
        if (pastDeadline()) throw gaveUp();
        if (!(err instanceof VoxstateError) || !err.retryable) throw err;
        last = err;
      }
      const delay = backoffDelay(attempt, retry.backoff);
      retry.onRetry?.(last, delay);
      try {
        await abortableSleep(delay, signal, 'ARI connect');
      } catch (err) {
        if (pastDeadline()) throw gaveUp();
        throw err;
      }
    }
  } finally {
    clearTimeout(timer);
  }
}
