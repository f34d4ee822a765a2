/**
 * Outbound calls placed but not answered yet: each waits, under the channel id voxstate chose,
 * for the callee's channel to enter the app (then the call is set up) or to be destroyed (busy,
 * no answer), with an overall deadline.
 *
 * @module
 */

import { TelephonyError, TimeoutError } from '../errors.js';
import type { PhoneCall } from './phone-call.js';

interface Pending {
  resolve: (call: PhoneCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  endpoint: string;
}

/** The originates in flight, by channel id. */
export class PendingOriginates {
  readonly #pending = new Map<string, Pending>();

  /**
   * Registers an originate of `channelId` to `endpoint`; the promise settles through
   * {@link answered}, {@link failed}, {@link destroyed} or, after `waitMs`, with a TimeoutError
   * (then `onTimeout` runs, e.g. to hang the channel up).
   */
  add(
    channelId: string,
    endpoint: string,
    waitMs: number,
    onTimeout: () => void,
  ): Promise<PhoneCall> {
    const promise = new Promise<PhoneCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(channelId);
        onTimeout();
        reject(new TimeoutError(`originate to ${endpoint}`, waitMs));
      }, waitMs);
      this.#pending.set(channelId, { resolve, reject, timer, endpoint });
    });
    promise.catch(() => undefined);
    return promise;
  }

  /** True when `channelId` is an originate in flight. */
  has(channelId: string): boolean {
    return this.#pending.has(channelId);
  }

  /** The endpoint `channelId` was originated to. */
  endpointOf(channelId: string): string | undefined {
    return this.#pending.get(channelId)?.endpoint;
  }

  /** The callee answered and the call is ready. */
  answered(channelId: string, call: PhoneCall): void {
    this.#take(channelId)?.resolve(call);
  }

  /** The originate request or the call's set-up failed. */
  failed(channelId: string, err: Error): void {
    this.#take(channelId)?.reject(err);
  }

  /** The callee's channel was destroyed before it entered the app (busy, no answer). */
  destroyed(channelId: string, cause: string): void {
    const pending = this.#take(channelId);
    pending?.reject(new TelephonyError(`originate to ${pending.endpoint} failed: ${cause}`));
  }

  /** Rejects every originate in flight with `err`. */
  rejectAll(err: Error): void {
    for (const id of [...this.#pending.keys()]) this.#take(id)?.reject(err);
  }

  #take(channelId: string): Pending | undefined {
    const pending = this.#pending.get(channelId);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(channelId);
    return pending;
  }
}
