/**
 * The agents' legs of attended transfers, as the Stasis app sees them: which transfer a leg being
 * dialled or spoken to belongs to (its StasisStart, Dial and end events go there), and the
 * caller/agent pairs a finished transfer left bridged without the bot. The app hands each call's
 * transfer a {@link TransferHost} built here.
 *
 * @module
 */
import type { AriRest } from './ari-rest.js';
import type { CallState } from './call-state.js';
import type { AriCallTransfer, TransferHost } from './call-transfer.js';
import { TransferredPairs } from './transferred-pairs.js';

/** What the app lends a call's transfer: its REST client, its app name and its call ending. */
export interface AgentLegsHost {
  rest: AriRest;
  app: string;
  /** Ends the call for the bot with reason `transferred` (media released, state forgotten). */
  endTransferred(state: CallState): Promise<void>;
  /** Clean-up requests that failed (hang-up of a partner, bridge destroy). */
  reportCleanup(errors: Error[]): void;
}

/** Agent legs in progress and the caller/agent pairs left by finished transfers. */
export class AgentLegs {
  readonly #host: AgentLegsHost;
  /** Agents' legs being dialled or spoken to, to their call's transfer. */
  readonly #agents = new Map<string, AriCallTransfer>();
  /** Callers and agents bridged by a finished attended transfer: each to the other and the bridge. */
  readonly #bridged = new TransferredPairs();

  constructor(host: AgentLegsHost) {
    this.#host = host;
  }

  /** True when `channelId` is an agent's leg of a transfer in progress. */
  has(channelId: string): boolean {
    return this.#agents.has(channelId);
  }

  /** A `Dial` event: its peer's dial status goes to the transfer dialling that peer. */
  dialStatus(peerId: string | undefined, status: string): void {
    if (peerId) this.#agents.get(peerId)?.dialStatus(status);
  }

  /**
   * A channel left the app or was destroyed: an agent's leg tells its transfer, and a channel
   * of a transferred pair takes its partner and their bridge with it.
   */
  channelGone(channelId: string): void {
    this.#agents.get(channelId)?.agentGone();
    this.#bridged.unlink(channelId, this.#host.rest, (errors) => this.#host.reportCleanup(errors));
  }

  /** The transfer host of one call. */
  hostFor(state: CallState): TransferHost {
    return {
      rest: this.#host.rest,
      app: this.#host.app,
      state,
      trackAgent: (id, transfer) => this.#agents.set(id, transfer),
      forgetAgent: (id) => this.#agents.delete(id),
      handOver: (agentId) => {
        state.handedOff = true;
        state.gone = true;
        if (agentId && state.bridgeId) {
          state.released.add(`bridge:${state.bridgeId}`);
          this.#bridged.link(state.channelId, agentId, state.bridgeId);
        }
        return this.#host.endTransferred(state);
      },
    };
  }
}
