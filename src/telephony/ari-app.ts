/**
 * The Stasis application: turns caller channels entering the app into {@link PhoneCall}s with
 * two-way media, originates outbound calls, and releases everything when a call ends.
 *
 * For each caller channel, at once and side by side: answer it unless it is up already (the
 * dialplan need not `Answer()`: see docs/asterisk.md), create the externalMedia channel
 * (AudioSocket by default, or RTP; see `external-media.ts`) and a mixing bridge. Once the media
 * channel has entered the app (its StasisStart may come after the externalMedia response) and
 * its audio connected, both channels are bridged and `call` is emitted. The externalMedia
 * channels' own StasisStarts are told from callers by the ids and UUIDs we chose and by their
 * channel names. A call ends on StasisEnd or ChannelDestroyed of either channel, on the media
 * connection closing, or on `hangup()`; then the bridge is destroyed and both channels are hung
 * up. `voxstate_call_setup_seconds{transport,outcome}` measures StasisStart to ready.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { TelephonyError } from '../errors.js';
import { type Logger, silentLogger } from '../telemetry/logger.js';
import { AgentLegs } from './agent-legs.js';
import type { AriAppEvents, AriAppOptions, OriginateOptions } from './ari-app-types.js';
import type { AriConnection } from './ari-connection.js';
import {
  type CallSetupMetric,
  type CallSetupOutcome,
  callSetupMetric,
  NO_CALL_SETUP_METRIC,
} from './ari-metrics.js';
import type { Channel } from './ari-types.js';
import { type CallState, newCallState, reconcileCalls, releaseCall } from './call-state.js';
import { AriCallTransfer } from './call-transfer.js';
import { connectCaller } from './connect-caller.js';
import { isOwnMedia, type MediaSetup } from './external-media.js';
import { PendingOriginates } from './pending-originates.js';
import { type CallDirection, callInfoOf, type HangupReason, PhoneCall } from './phone-call.js';
import { StasisWaits } from './stasis-waits.js';

export type { AriAppEvents, AriAppOptions, OriginateOptions } from './ari-app-types.js';
export type { AriMediaOptions } from './external-media.js';

/** Asterisk's defaults for `channels/{id}/dtmf`: each digit 100 ms long, 100 ms apart. */
const DTMF_TIMING = { betweenMs: 100, durationMs: 100 };

/**
 * The voxstate Stasis application.
 *
 * @example
 * ```ts
 * const audio = new AudioSocketServer({ host: '0.0.0.0', port: 9092 });
 * await audio.listen();
 * const app = new AriApp({ ari, media: { transport: 'audiosocket', server: audio, externalHost: 'voxstate.lan:9092' } });
 * app.on('call', (call) => runCall(call));
 * app.start();
 * const call = await app.originate('PJSIP/1000', { callerId: '"Clinic" <100>' });
 * ```
 */
export class AriApp extends EventEmitter<AriAppEvents> {
  readonly #ari: AriConnection;
  readonly #app: string;
  readonly #media: MediaSetup;
  readonly #log: Logger;
  readonly #setupMetric: CallSetupMetric;
  /** Every channel id we know: callers and our media channels, to their call. */
  readonly #byChannel = new Map<string, CallState>();
  readonly #originates = new PendingOriginates();
  /** Agents' legs of attended transfers and the caller/agent pairs they left bridged. */
  readonly #agents: AgentLegs;
  readonly #listeners: Array<[string, (...args: never[]) => void]> = [];
  #started = false;
  #accepting = true;
  #offConnected: (() => void) | undefined;

  constructor(options: AriAppOptions) {
    super();
    this.#ari = options.ari;
    this.#app = options.app ?? options.ari.apps[0]!;
    this.#log = options.logger ?? silentLogger();
    this.#setupMetric = options.registry ? callSetupMetric(options.registry) : NO_CALL_SETUP_METRIC;
    this.#media = {
      rest: options.ari.rest,
      app: this.#app,
      media: options.media,
      timeoutMs: options.mediaTimeoutMs ?? 5_000,
      waits: new StasisWaits(),
      ownMedia: new Set(),
      track: (state, id) => {
        state.mediaChannelId = id;
        this.#media.ownMedia.add(id);
        this.#byChannel.set(id, state);
      },
    };
    this.#agents = new AgentLegs({
      rest: options.ari.rest,
      app: this.#app,
      endTransferred: (state) => this.#end(state, 'transferred'),
      reportCleanup: (errors) => this.#reportCleanup(errors),
    });
  }

  /** Calls in progress (set-up or live). */
  get activeCalls(): number {
    return new Set([...this.#byChannel.values()].filter((s) => !s.gone)).size;
  }

  /** False once {@link stopAccepting} was called: new inbound calls are refused. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Stops taking new calls (graceful shutdown): caller channels that enter the app from now on
   * are sent back to the dialplan unanswered (its next priority decides: another instance's
   * app, a queue, or the end of the dialplan, which hangs up), and originates are refused. Calls
   * in progress go on, and their events keep being handled.
   */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /** Starts listening to Stasis events. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const client = this.#ari.client;
    const on = (type: string, fn: (event: Record<string, unknown>, resource: unknown) => void) => {
      const handler = (event: Record<string, unknown>, resource: unknown) => {
        if (event.application !== undefined && event.application !== this.#app) return;
        fn(event, resource);
      };
      (client as unknown as EventEmitter).on(type, handler);
      this.#listeners.push([type, handler]);
    };
    on('StasisStart', (event, channel) => this.#onStasisStart(event, channel as Channel));
    on('StasisEnd', (_e, channel) => this.#onChannelGone((channel as Channel).id));
    on('Dial', (event) =>
      this.#agents.dialStatus(
        (event.peer as Channel | undefined)?.id,
        String(event.dialstatus ?? ''),
      ),
    );
    on('ChannelDestroyed', (event, channel) => {
      const id = (channel as Channel).id;
      this.#originates.destroyed(id, String(event.cause_txt ?? 'channel destroyed'));
      this.#onChannelGone(id);
    });
    on('ChannelDtmfReceived', (event, channel) => {
      const state = this.#byChannel.get((channel as Channel).id);
      if (state?.call && state.channelId === (channel as Channel).id)
        state.call.emit('dtmf', String(event.digit));
    });
    const onReconnect = () => void this.#reconcile();
    this.#ari.on('connected', onReconnect);
    this.#offConnected = () => this.#ari.off('connected', onReconnect);
  }

  /** Stops listening; with `hangupCalls`, ends every call first. */
  async stop(hangupCalls = true): Promise<void> {
    if (hangupCalls) {
      const states = new Set(this.#byChannel.values());
      await Promise.all([...states].map((s) => this.#end(s, 'shutdown')));
    }
    this.#offConnected?.();
    this.#offConnected = undefined;
    const client = this.#ari.client as unknown as EventEmitter;
    for (const [type, fn] of this.#listeners.splice(0))
      client.off(type, fn as (...args: unknown[]) => void);
    this.#originates.rejectAll(new TelephonyError('the ARI app stopped'));
    this.#started = false;
  }

  /**
   * Places an outbound call into this app; resolves with the call once the callee answered (their
   * channel entered Stasis) and media is flowing. Rejects with TimeoutError when nobody answers in
   * `timeoutSec`, or TelephonyError when the channel is destroyed first.
   */
  async originate(endpoint: string, options: OriginateOptions = {}): Promise<PhoneCall> {
    if (!this.#accepting) throw new TelephonyError('the ARI app is shutting down: no new calls');
    this.start();
    const channelId = randomUUID();
    const timeoutSec = options.timeoutSec ?? 30;
    const waitMs = timeoutSec * 1000 + this.#media.timeoutMs + 2_000;
    const answered = this.#originates.add(channelId, endpoint, waitMs, () => {
      void this.#ari.rest.hangup(channelId).catch(() => undefined);
    });
    try {
      await this.#ari.rest.originate({
        endpoint,
        app: this.#app,
        channelId,
        timeout: timeoutSec,
        ...(options.appArgs ? { appArgs: options.appArgs.join(',') } : {}),
        ...(options.callerId ? { callerId: options.callerId } : {}),
        ...(options.variables ? { variables: options.variables } : {}),
      });
    } catch (err) {
      this.#originates.failed(channelId, err as Error);
      throw err;
    }
    return answered;
  }

  /** After the events socket comes back: ends the calls whose channels went away meanwhile. */
  #reconcile(): Promise<void> {
    const live = [...new Set(this.#byChannel.values())].filter((s) => s.call && !s.ending);
    return reconcileCalls(this.#ari.rest, live, (state, reason) => this.#end(state, reason));
  }

  #onStasisStart(event: Record<string, unknown>, channel: Channel): void {
    const at = performance.now();
    if (!channel?.id) return;
    if (isOwnMedia(this.#media, channel, event.args)) {
      this.#media.waits.entered(channel.id);
      return;
    }
    if (this.#byChannel.has(channel.id) || this.#agents.has(channel.id)) return;
    const outbound = this.#originates.has(channel.id);
    if (!outbound && !this.#accepting) {
      // Back to the dialplan, whose next priority can send it to another instance (or a
      // queue); hung up only when that fails.
      this.#log.info({ channelId: channel.id }, 'shutting down: new call returned to the dialplan');
      void this.#ari.rest
        .continueInDialplan(channel.id)
        .catch(() => this.#ari.rest.hangup(channel.id))
        .catch(() => undefined);
      return;
    }
    const direction: CallDirection = outbound ? 'outbound' : 'inbound';
    const args = Array.isArray(event.args) ? (event.args as unknown[]).map(String) : [];
    const state = newCallState(channel.id, at);
    this.#byChannel.set(channel.id, state);
    this.#setup(state, channel, direction, args).then(
      (call) => {
        if (outbound) this.#originates.answered(channel.id, call);
        else this.emit('call', call);
      },
      (err: Error) => {
        this.#originates.failed(channel.id, err);
        this.#log.warn({ err, channelId: channel.id }, 'call set-up failed');
        this.emit('callFailed', channel.id, err);
      },
    );
  }

  #onChannelGone(channelId: string): void {
    this.#agents.channelGone(channelId);
    this.#media.ownMedia.delete(channelId);
    this.#media.waits.gone(channelId);
    const state = this.#byChannel.get(channelId);
    if (!state) return;
    if (channelId === state.channelId) state.gone = true;
    const reason = state.handedOff ? 'transferred' : 'remote';
    void this.#end(state, channelId === state.channelId ? reason : 'media');
  }

  async #setup(
    state: CallState,
    channel: Channel,
    direction: CallDirection,
    args: string[],
  ): Promise<PhoneCall> {
    try {
      await connectCaller(this.#media, state, channel);
    } catch (err) {
      this.#observeSetup(state, state.gone ? 'abandoned' : 'failed');
      await this.#end(state, state.gone ? 'remote' : 'local');
      this.#reportCleanup(await releaseCall(this.#ari.rest, state));
      this.#forget(state);
      throw err;
    }
    const media = state.media!;
    const called =
      direction === 'inbound'
        ? (channel.dialplan?.exten ?? '')
        : (this.#originates.endpointOf(channel.id) ?? '');
    const call = new PhoneCall(
      {
        ...callInfoOf(channel, direction, called, args),
        mediaChannelId: state.mediaChannelId!,
        bridgeId: state.bridgeId!,
        answeredAt: state.stasisStartAt,
      },
      media,
      (reason) => this.#end(state, reason),
      new AriCallTransfer(this.#agents.hostFor(state)),
      direction === 'outbound'
        ? (dtmf) => this.#ari.rest.sendDtmf(state.channelId, dtmf, DTMF_TIMING)
        : undefined,
    );
    state.call = call;
    this.#observeSetup(state, 'ok');
    media.once('close', () => void this.#end(state, 'media'));
    if (media.closed) void this.#end(state, 'media');
    return call;
  }

  #observeSetup(state: CallState, outcome: CallSetupOutcome): void {
    const ms = performance.now() - state.stasisStartAt;
    this.#setupMetric.observe(this.#media.media.transport, outcome, ms);
  }

  /** Releases a call's resources once; every trigger funnels here. */
  #end(state: CallState, reason: HangupReason): Promise<void> {
    if (!state.ending) {
      // Assigned before releasing: closing the media re-enters here synchronously.
      let done!: () => void;
      state.ending = new Promise<void>((resolve) => {
        done = resolve;
      });
      state.setup.abort();
      void this.#release(state, reason).finally(done);
    }
    return state.ending;
  }

  async #release(state: CallState, reason: HangupReason): Promise<void> {
    state.call?.markEnded(reason);
    this.#reportCleanup(await releaseCall(this.#ari.rest, state));
    this.#forget(state);
    if (state.call) this.emit('callEnded', state.call, reason);
  }

  #reportCleanup(errors: Error[]): void {
    for (const err of errors) {
      if (this.listenerCount('error') > 0) this.emit('error', err);
      else this.#log.warn({ err }, 'call clean-up request failed');
    }
  }

  #forget(state: CallState): void {
    if (this.#byChannel.get(state.channelId) === state) this.#byChannel.delete(state.channelId);
    if (state.mediaChannelId) {
      if (this.#byChannel.get(state.mediaChannelId) === state)
        this.#byChannel.delete(state.mediaChannelId);
      this.#media.ownMedia.delete(state.mediaChannelId);
    }
  }
}
