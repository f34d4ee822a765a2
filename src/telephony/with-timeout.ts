/**
 * Deadline for a promise that may never settle (ari-client's REST calls have none of their own).
 *
 * @module
 */

import { TimeoutError } from '../errors.js';

/**
 * Resolves or rejects like `promise`, or rejects with {@link TimeoutError} after `timeoutMs`.
 * The original promise keeps running (it cannot be cancelled); its late outcome is ignored.
 *
 * @example
 * ```ts
 * await withTimeout(client.channels.answer({ channelId }), 5000, 'ARI channels.answer');
 * ```
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, timeoutMs)), timeoutMs);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
