/**
 * The ARI REST operations voxstate uses, each with a deadline (ari-client's calls never settle
 * when Asterisk stops answering) and Asterisk's refusals turned into {@link AriRequestError}.
 *
 * @module
 */

import { AriRequestError, TimeoutError, VoxstateError } from '../errors.js';
import { type AriMetrics, NO_ARI_METRICS } from './ari-metrics.js';
import type {
  Bridge,
  Channel,
  Client,
  ExternalMediaChannel,
  ExternalMediaParams,
  OriginateParams,
  Playback,
} from './ari-types.js';
import { withTimeout } from './with-timeout.js';

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
      const result = await withTimeout(run(), this.#timeoutMs, `ARI ${operation}`);
      this.#metrics.request(operation, 'ok', performance.now() - t0);
      return result;
    } catch (err) {
      this.#metrics.request(
        operation,
        err instanceof TimeoutError ? 'timeout' : 'error',
        performance.now() - t0,
      );
      throw toAriError(operation, err);
    }
  }

  getChannel(channelId: string): Promise<Channel> {
    return this.call('channels.get', () => this.#client.channels.get({ channelId }));
  }

  answer(channelId: string): Promise<void> {
    return this.call('channels.answer', () => this.#client.channels.answer({ channelId }));
  }

  /** Hangs a channel up; a channel that is already gone (404) counts as done. */
  async hangup(channelId: string): Promise<void> {
    try {
      await this.call('channels.hangup', () => this.#client.channels.hangup({ channelId }));
    } catch (err) {
      if (!(err instanceof AriRequestError && err.notFound)) throw err;
    }
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
  async stopPlayback(playbackId: string): Promise<void> {
    try {
      await this.call('playbacks.stop', () => this.#client.playbacks.stop({ playbackId }));
    } catch (err) {
      if (!(err instanceof AriRequestError && err.notFound)) throw err;
    }
  }

  createBridge(type = 'mixing'): Promise<Bridge> {
    return this.call('bridges.create', () => this.#client.bridges.create({ type }));
  }

  addChannels(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('bridges.addChannel', () =>
      this.#client.bridges.addChannel({ bridgeId, channel: channelIds }),
    );
  }

  /** Destroys a bridge; one that is already gone (404) counts as done. */
  async destroyBridge(bridgeId: string): Promise<void> {
    try {
      await this.call('bridges.destroy', () => this.#client.bridges.destroy({ bridgeId }));
    } catch (err) {
      if (!(err instanceof AriRequestError && err.notFound)) throw err;
    }
  }
}
