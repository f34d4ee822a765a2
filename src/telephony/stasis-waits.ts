/**
 * Waiting for a channel to enter the Stasis app. Asterisk puts an externalMedia channel into the
 * app on another thread, so its StasisStart may arrive after the externalMedia response, and
 * until it has, `bridges.addChannel` fails with "Channel not in Stasis application" (measured:
 * 3 of 37 RTP calls on Asterisk 22). The set-up registers a wait under the channel id it chose
 * before asking for the channel, so a StasisStart that comes first is not missed either.
 *
 * @module
 */

import { AbortedError, TelephonyError, TimeoutError } from '../errors.js';

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/** Pending waits for StasisStart, by channel id. */
export class StasisWaits {
  readonly #waiting = new Map<string, Waiter>();

  /** Channels waited for now. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Resolves when {@link entered} is called for `channelId`. Rejects with TimeoutError after
   * `timeoutMs`, TelephonyError when {@link gone} is called for it first, or AbortedError when
   * `signal` aborts.
   */
  wait(channelId: string, app: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#waiting.has(channelId))
      return Promise.reject(
        new TelephonyError(`already waiting for channel ${channelId}`, { retryable: false }),
      );
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiting.delete(channelId);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new TimeoutError(
            `media channel ${channelId} did not enter the Stasis app '${app}': waiting for its StasisStart`,
            timeoutMs,
          ),
        );
      }, timeoutMs);
      const onAbort = () => {
        done();
        reject(new AbortedError(`waiting for the StasisStart of ${channelId}`));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(channelId, {
        resolve: () => {
          done();
          resolve();
        },
        reject: (err) => {
          done();
          reject(err);
        },
      });
    });
  }

  /** `channelId` entered the app; true when someone was waiting for it. */
  entered(channelId: string): boolean {
    const waiter = this.#waiting.get(channelId);
    waiter?.resolve();
    return waiter !== undefined;
  }

  /** `channelId` was destroyed before it entered the app. */
  gone(channelId: string): void {
    this.#waiting
      .get(channelId)
      ?.reject(
        new TelephonyError(`media channel ${channelId} was destroyed before it entered Stasis`),
      );
  }
}
