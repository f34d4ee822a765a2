/**
 * Caller and agent left together in a bridge after the bot handed a call over: when one side
 * hangs up, the other side and the bridge go too.
 *
 * @module
 */
import type { AriRest } from './ari-rest.js';

/** The caller/agent pairs of transferred calls, by channel id. */
export class TransferredPairs {
  readonly #links = new Map<string, { other: string; bridgeId: string }>();

  /** Remembers that `a` and `b` share `bridgeId` without the bot. */
  link(a: string, b: string, bridgeId: string): void {
    this.#links.set(a, { other: b, bridgeId });
    this.#links.set(b, { other: a, bridgeId });
  }

  /**
   * `channelId` hung up: hangs up its partner and destroys the bridge; the failures go to
   * `onErrors`. Does nothing for a channel of no pair.
   */
  unlink(channelId: string, rest: AriRest, onErrors: (errors: Error[]) => void): void {
    const link = this.#links.get(channelId);
    if (!link) return;
    this.#links.delete(channelId);
    this.#links.delete(link.other);
    void Promise.allSettled([rest.hangup(link.other), rest.destroyBridge(link.bridgeId)]).then(
      (results) =>
        onErrors(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []))),
    );
  }
}
