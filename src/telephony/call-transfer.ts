/**
 * Transfers of one ARI call ({@link TransferLine}): blind hand-off (continueInDialplan at a
 * context/extension/priority, or redirect to an endpoint), and the attended steps: the agent's
 * leg is created in the app and dialled (`channels.create` + `channels.dial`, answered when its
 * `Dial` event says ANSWER), the caller steps out of the bot's bridge while the bot speaks to
 * the agent, steps back in, and the bot leaves (its media channel goes; caller and agent stay
 * bridged, and when either hangs up the Stasis app hangs up the other). While the agent rings
 * the caller may hear music on hold (`channels/{id}/moh`), stopped before the caller rejoins
 * the bridge or the bot. Every request goes
 * through `AriRest`, which guards it with a deadline.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { BlindTarget, TransferLine } from '../calls/transfer-line.js';
import { AbortedError, TransferError } from '../errors.js';
import type { AriRest } from './ari-rest.js';
import type { CallState } from './call-state.js';

/** What a call's transfer needs from the Stasis app. */
export interface TransferHost {
  rest: AriRest;
  app: string;
  state: CallState;
  /** Routes the agent leg's StasisStart, Dial and end events to `transfer`. */
  trackAgent(channelId: string, transfer: AriCallTransfer): void;
  forgetAgent(channelId: string): void;
  /**
   * Ends the call for the bot with reason `transferred`: releases its media; with `agentId`,
   * keeps the bridge and watches caller and agent, hanging up one when the other goes.
   */
  handOver(agentId?: string): Promise<void>;
}

type DialWait = { resolve(): void; reject(err: Error): void };

const FAILURES: Record<string, TransferError['failure']> = {
  NOANSWER: 'noanswer',
  BUSY: 'busy',
  CONGESTION: 'busy',
  CHANUNAVAIL: 'failed',
  CANCEL: 'hangup',
};

/** The transfer operations of one ARI call. */
export class AriCallTransfer implements TransferLine {
  readonly #host: TransferHost;
  #agentId: string | undefined;
  #answered = false;
  #callerOut = false;
  #dialWait: DialWait | undefined;
  /** The music-on-hold start in flight or done; undefined: none playing. */
  #hold: Promise<void> | undefined;
  #holdStop: Promise<void> | undefined;
  readonly #hangupListeners = new Set<() => void>();

  constructor(host: TransferHost) {
    this.#host = host;
  }

  async handOff(target: BlindTarget, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new AbortedError('blind transfer');
    const { rest, state } = this.#host;
    state.handedOff = true;
    try {
      if (target.kind === 'dialplan') {
        const { context, extension, priority } = target;
        await rest.continueAt(state.channelId, { context, extension, priority });
      } else {
        await rest.redirect(state.channelId, target.endpoint);
      }
    } catch (err) {
      state.handedOff = false;
      throw new TransferError(`blind transfer failed: ${(err as Error).message}`, 'failed', {
        cause: err,
      });
    }
    await this.#host.handOver();
  }

  async dialAgent(endpoint: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new AbortedError('dialling the agent');
    const { rest, app } = this.#host;
    const channelId = randomUUID();
    this.#agentId = channelId;
    this.#answered = false;
    this.#host.trackAgent(channelId, this);
    const answered = new Promise<void>((resolve, reject) => {
      this.#dialWait = { resolve, reject };
    });
    answered.catch(() => undefined);
    const fail = (err: Error) => this.#dialWait?.reject(err);
    const timer = setTimeout(
      () => fail(new TransferError(`agent ${endpoint} did not answer`, 'noanswer')),
      timeoutMs,
    );
    const onAbort = () => fail(new AbortedError('dialling the agent'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await rest.createChannel({ endpoint, app, channelId });
      await rest.dial(channelId, Math.max(1, Math.ceil(timeoutMs / 1000)));
      await answered;
      this.#answered = true;
    } catch (err) {
      await this.#dropAgent();
      if (err instanceof TransferError || err instanceof AbortedError) throw err;
      throw new TransferError(`dialling agent ${endpoint} failed`, 'failed', { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.#dialWait = undefined;
    }
  }

  async agentOnly(): Promise<void> {
    const { rest, state } = this.#host;
    const agentId = this.#requireAgent();
    this.#callerOut = true;
    await rest.removeChannels(state.bridgeId!, [state.channelId]);
    await rest.addChannels(state.bridgeId!, [agentId]);
  }

  async joinCaller(): Promise<void> {
    const { rest, state } = this.#host;
    this.#requireAgent();
    await rest.addChannels(state.bridgeId!, [state.channelId]);
    this.#callerOut = false;
  }

  async leave(): Promise<void> {
    const agentId = this.#requireAgent();
    this.#host.forgetAgent(agentId);
    this.#agentId = undefined;
    this.#answered = false;
    this.#hangupListeners.clear();
    await this.#host.handOver(agentId);
  }

  async startHold(music: string): Promise<void> {
    const { rest, state } = this.#host;
    await this.#holdStop;
    this.#holdStop = undefined;
    const started = rest.startMoh(state.channelId, music);
    this.#hold = started.catch(() => undefined);
    await started;
  }

  stopHold(): Promise<void> {
    const hold = this.#hold;
    if (!hold) return this.#holdStop ?? Promise.resolve();
    this.#hold = undefined;
    const { rest, state } = this.#host;
    this.#holdStop = hold.then(() =>
      state.ending ? undefined : rest.stopMoh(state.channelId).catch(() => undefined),
    );
    return this.#holdStop;
  }

  async resume(): Promise<void> {
    await this.stopHold();
    const callerOut = this.#callerOut;
    this.#callerOut = false;
    await this.#dropAgent();
    const { rest, state } = this.#host;
    if (callerOut && !state.ending) await rest.addChannels(state.bridgeId!, [state.channelId]);
  }

  onAgentHangup(listener: () => void): () => void {
    this.#hangupListeners.add(listener);
    return () => this.#hangupListeners.delete(listener);
  }

  /** @internal A `Dial` event about the agent's leg. */
  dialStatus(status: string): void {
    const failure = FAILURES[status];
    if (status === 'ANSWER') this.#dialWait?.resolve();
    else if (failure)
      this.#dialWait?.reject(new TransferError(`agent leg: dial status ${status}`, failure));
  }

  /** @internal The agent's leg left the app or was destroyed. */
  agentGone(): void {
    const id = this.#agentId;
    if (id) this.#host.forgetAgent(id);
    this.#agentId = undefined;
    this.#dialWait?.reject(new TransferError('the agent hung up', 'hangup'));
    if (!this.#answered) return;
    this.#answered = false;
    for (const listener of [...this.#hangupListeners]) listener();
  }

  #requireAgent(): string {
    if (!this.#agentId || !this.#answered)
      throw new TransferError('no answered agent leg', 'hangup');
    return this.#agentId;
  }

  async #dropAgent(): Promise<void> {
    const id = this.#agentId;
    if (!id) return;
    this.#agentId = undefined;
    this.#answered = false;
    this.#host.forgetAgent(id);
    await this.#host.rest.hangup(id).catch(() => undefined);
  }
}
