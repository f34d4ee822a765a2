/**
 * The ARI REST operations voxstate uses, each with a deadline (ari-client's calls never settle
 * when Asterisk stops answering) and Asterisk's refusals turned into {@link AriRequestError}.
 *
 * @module
 */

import { AriRequestError, TimeoutError, VoxstateError } from '../errors.js';
import { ariDeadline } from './ari-deadline.js';
import { type AriMetrics, type AriRequestOutcome, NO_ARI_METRICS } from './ari-metrics.js';
import type {
  Bridge,
  Channel,
  Client,
  ExternalMediaChannel,
  ExternalMediaParams,
  OriginateParams,
  Playback,
} from './ari-types.js';

/** Turns an ari-client rejection (an Error whose message is the JSON body) into a typed error. */
export function toAriError(operation: string, err: unknown): Error {
  if (err instanceof VoxstateError) return err;
  const text = err instanceof Error ? err.message : String(err);
  let message = text;
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    message = String(body.message ?? body.error ?? text);
  } catch {
    // not JSON: keep the text
  }
  return new AriRequestError(operation, message, {
    cause: err,
    notFound: /not found/i.test(message),
  });
}

/**
 * The outcome a failed request is counted with: `timeout`, `gone` (404: the channel, bridge or
 * playback does not exist, which ending operations count as done) or `error`.
 */
function outcomeOf(err: Error): AriRequestOutcome {
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof AriRequestError && err.notFound) return 'gone';
  return 'error';
}

/**
 * Guarded REST calls on one ari-client `Client`.
 *
 * @example
 * ```ts
 * await rest.answer(channelId);
 * const bridge = await rest.createBridge();
 * await rest.addChannels(bridge.id, [channelId, mediaChannelId]);
 * ```
 */
export class AriRest {
  readonly #client: Client;
  readonly #timeoutMs: number;
  readonly #metrics: AriMetrics;

  constructor(client: Client, timeoutMs: number, metrics: AriMetrics = NO_ARI_METRICS) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
    this.#metrics = metrics;
  }

  /** Runs one call with the deadline and error mapping. */
  async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      const result = await ariDeadline(run(), this.#timeoutMs, `ARI ${operation}`);
      this.#metrics.request(operation, 'ok', performance.now() - t0);
      return result;
    } catch (err) {
      const error = toAriError(operation, err);
      this.#metrics.request(operation, outcomeOf(error), performance.now() - t0);
      throw error;
    }
  }

  /**
   * Runs a call that ends something (hang-up, bridge destroy, playback stop): a target that is
   * already gone (404) is what was wanted, so it resolves, counted with outcome `gone`.
   */
  async #end(operation: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await this.call(operation, run);
    } catch (err) {
      if (!(err instanceof AriRequestError && err.notFound)) throw err;
    }
  }

  getChannel(channelId: string): Promise<Channel> {
    return this.call('channels.get', () => this.#client.channels.get({ channelId }));
  }

  answer(channelId: string): Promise<void> {
    return this.call('channels.answer', () => this.#client.channels.answer({ channelId }));
  }

  /** Hangs a channel up; a channel that is already gone (404) counts as done. */
  hangup(channelId: string): Promise<void> {
    return this.#end('channels.hangup', () => this.#client.channels.hangup({ channelId }));
  }

  /**
   * Sends a channel back to the dialplan at its next priority (it leaves the Stasis app), e.g.
   * to the next instance's `Stasis()` or a queue while this instance drains.
   */
  continueInDialplan(channelId: string): Promise<void> {
    return this.call('channels.continueInDialplan', () =>
      this.#client.channels.continueInDialplan({ channelId }),
    );
  }

  /**
   * Sends a channel into the dialplan at `context,extension,priority` (it leaves the Stasis
   * app): a blind transfer.
   */
  continueAt(
    channelId: string,
    at: { context: string; extension: string; priority: number },
  ): Promise<void> {
    return this.call('channels.continueInDialplan', () =>
      this.#client.channels.continueInDialplan({ channelId, ...at }),
    );
  }

  /** Starts music on hold of class `mohClass` on a channel (the person there hears it). */
  startMoh(channelId: string, mohClass: string): Promise<void> {
    return this.call('channels.startMoh', () =>
      this.#client.channels.startMoh({ channelId, mohClass }),
    );
  }

  /** Stops a channel's music on hold; a channel already gone (404) counts as done. */
  stopMoh(channelId: string): Promise<void> {
    return this.#end('channels.stopMoh', () => this.#client.channels.stopMoh({ channelId }));
  }

  /** Sends DTMF to the far end of a channel, `durationMs` each, `betweenMs` apart. */
  sendDtmf(
    channelId: string,
    dtmf: string,
    timing: { betweenMs: number; durationMs: number },
  ): Promise<void> {
    return this.call('channels.sendDTMF', () =>
      this.#client.channels.sendDTMF({
        channelId,
        dtmf,
        between: timing.betweenMs,
        duration: timing.durationMs,
      }),
    );
  }

  /** Redirects a channel to another endpoint (SIP 302 or REFER): a blind transfer. */
  redirect(channelId: string, endpoint: string): Promise<void> {
    return this.call('channels.redirect', () =>
      this.#client.channels.redirect({ channelId, endpoint }),
    );
  }

  /** Creates a channel to `endpoint` in the Stasis app without dialling it (`channels.create`). */
  createChannel(params: { endpoint: string; app: string; channelId: string }): Promise<Channel> {
    return this.call('channels.create', () => this.#client.channels.create(params));
  }

  /** Dials a channel made by {@link createChannel}; `timeoutSec` rings before NOANSWER. */
  dial(channelId: string, timeoutSec: number): Promise<void> {
    return this.call('channels.dial', () =>
      this.#client.channels.dial({ channelId, timeout: timeoutSec }),
    );
  }

  externalMedia(params: ExternalMediaParams): Promise<ExternalMediaChannel> {
    type Loose = (p: unknown) => Promise<ExternalMediaChannel>;
    const fn = this.#client.channels.externalMedia.bind(this.#client.channels) as unknown as Loose;
    return this.call('channels.externalMedia', () => fn(params));
  }

  originate(params: OriginateParams): Promise<Channel> {
    type Loose = (p: unknown) => Promise<Channel>;
    const fn = this.#client.channels.originate.bind(this.#client.channels) as unknown as Loose;
    return this.call('channels.originate', () => fn(params));
  }

  async getChannelVar(channelId: string, variable: string): Promise<string> {
    const v = await this.call('channels.getChannelVar', () =>
      this.#client.channels.getChannelVar({ channelId, variable }),
    );
    return v.value;
  }

  play(channelId: string, media: string, playbackId?: string): Promise<Playback> {
    return this.call('channels.play', () =>
      this.#client.channels.play({ channelId, media, ...(playbackId ? { playbackId } : {}) }),
    );
  }

  /** Stops a playback; one that already finished (404) counts as done. */
  stopPlayback(playbackId: string): Promise<void> {
    return this.#end('playbacks.stop', () => this.#client.playbacks.stop({ playbackId }));
  }

  createBridge(type = 'mixing'): Promise<Bridge> {
    return this.call('bridges.create', () => this.#client.bridges.create({ type }));
  }

  addChannels(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('bridges.addChannel', () =>
      this.#client.bridges.addChannel({ bridgeId, channel: channelIds }),
    );
  }

  removeChannels(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('bridges.removeChannel', () =>
      this.#client.bridges.removeChannel({ bridgeId, channel: channelIds }),
    );
  }

  /** Destroys a bridge; one that is already gone (404) counts as done. */
  destroyBridge(bridgeId: string): Promise<void> {
    return this.#end('bridges.destroy', () => this.#client.bridges.destroy({ bridgeId }));
  }
}
