/**
 * The Stasis application: turns caller channels entering the app into {@link PhoneCall}s with
 * two-way media, originates outbound calls, and releases everything when a call ends.
 *
 * For each caller channel: answer, create the externalMedia channel (AudioSocket by default: the
 * channel connects out to our {@link AudioSocketServer} and announces a UUID we chose; or RTP to an
 * {@link RtpEndpoint}), create a mixing bridge holding both, wait for the media connection, then
 * emit `call`. The externalMedia channels enter the app too (StasisStart with args `[]` for RTP,
 * `[<uuid>]` for AudioSocket, possibly before the externalMedia response arrives); they are told
 * from callers by the ids and UUIDs we created and by their channel names. A call ends on StasisEnd
 * or ChannelDestroyed of either channel, on the media connection closing, or on `hangup()`; then
 * the bridge is destroyed and both channels are hung up.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AriRequestError, TelephonyError, TimeoutError } from '../errors.js';
import type { AudioSocketServer } from '../media/audiosocket-server.js';
import type { MediaConnection } from '../media/media-connection.js';
import { RtpEndpoint } from '../media/rtp.js';
import { type Logger, silentLogger } from '../telemetry/logger.js';
import type { AriConnection } from './ari-connection.js';
import type { Channel } from './ari-types.js';
import { type CallDirection, type HangupReason, PhoneCall } from './phone-call.js';

/** How calls get their audio. */
export type AriMediaOptions =
  | {
      transport: 'audiosocket';
      /** The server Asterisk connects to; must be listening. */
      server: AudioSocketServer;
      /** `host:port` of that server as Asterisk can reach it (`external_host`). */
      externalHost: string;
    }
  | {
      transport: 'rtp';
      /** Local interface the per-call UDP sockets bind to; default `0.0.0.0`. */
      bindHost?: string;
      /** Our address as Asterisk can reach it; the port is each call's socket port. */
      externalAddress: string;
      /**
       * The externalMedia `format`: `ulaw` (default) or `slin16` (16 kHz in, PT 118). Audio
       * back to Asterisk is always mu-law, since Asterisk 22 drops slin16 sent to it.
       */
      format?: 'ulaw' | 'slin16';
    };

/** Options of {@link AriApp}. */
export interface AriAppOptions {
  ari: AriConnection;
  /** Stasis app name; default the connection's first app. */
  app?: string;
  media: AriMediaOptions;
  /** Deadline for the media connection after externalMedia; default 5000 ms. */
  mediaTimeoutMs?: number;
  logger?: Logger;
}

/** Options of {@link AriApp.originate}. */
export interface OriginateOptions {
  /** Caller ID shown to the callee, e.g. `"Voxstate" <1000>`. */
  callerId?: string;
  /** Seconds to wait for an answer; default 30. */
  timeoutSec?: number;
  /** Channel variables to set. */
  variables?: Record<string, string>;
  /** Stasis args for the answered channel. */
  appArgs?: string[];
}

/** Events of an {@link AriApp}. */
export interface AriAppEvents {
  /** A call is ready: answered, bridged, media flowing. */
  call: [call: PhoneCall];
  /** A call could not be set up (its channels were released). */
  callFailed: [channelId: string, err: Error];
  /** A call ended and its resources were released. */
  callEnded: [call: PhoneCall, reason: HangupReason];
  /** A recoverable problem (a cleanup request that failed). */
  error: [err: Error];
}

interface CallState {
  channelId: string;
  mediaChannelId?: string;
  bridgeId?: string;
  media?: MediaConnection;
  call?: PhoneCall;
  ending?: Promise<void>;
  gone: boolean;
  /** Resources already released (`media`, `bridge:<id>`, `channel:<id>`). */
  released: Set<string>;
}

interface PendingOriginate {
  resolve: (call: PhoneCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  endpoint: string;
}

const MEDIA_NAME = /^(AudioSocket|UnicastRTP|WebSocket)\//;

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
  readonly #media: AriMediaOptions;
  readonly #mediaTimeoutMs: number;
  readonly #log: Logger;
  /** Every channel id we know: callers and our media channels, to their call. */
  readonly #byChannel = new Map<string, CallState>();
  /** Ids and UUIDs of media channels we created or are creating. */
  readonly #ownMedia = new Set<string>();
  readonly #originates = new Map<string, PendingOriginate>();
  readonly #listeners: Array<[string, (...args: never[]) => void]> = [];
  #started = false;
  #accepting = true;
  #offConnected: (() => void) | undefined;

  constructor(options: AriAppOptions) {
    super();
    this.#ari = options.ari;
    this.#app = options.app ?? options.ari.apps[0]!;
    this.#media = options.media;
    this.#mediaTimeoutMs = options.mediaTimeoutMs ?? 5_000;
    this.#log = options.logger ?? silentLogger();
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
    on('ChannelDestroyed', (event, channel) => this.#onChannelDestroyed(event, channel as Channel));
    const onReconnect = () => void this.#reconcile();
    this.#ari.on('connected', onReconnect);
    this.#offConnected = () => this.#ari.off('connected', onReconnect);
    on('ChannelDtmfReceived', (event, channel) => {
      const state = this.#byChannel.get((channel as Channel).id);
      if (state?.call && state.channelId === (channel as Channel).id)
        state.call.emit('dtmf', String(event.digit));
    });
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
    for (const p of this.#originates.values()) {
      clearTimeout(p.timer);
      p.reject(new TelephonyError('the ARI app stopped'));
    }
    this.#originates.clear();
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
    const waitMs = timeoutSec * 1000 + this.#mediaTimeoutMs + 2_000;
    const answered = new Promise<PhoneCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#originates.delete(channelId);
        void this.#ari.rest.hangup(channelId).catch(() => undefined);
        reject(new TimeoutError(`originate to ${endpoint}`, waitMs));
      }, waitMs);
      this.#originates.set(channelId, { resolve, reject, timer, endpoint });
    });
    answered.catch(() => undefined);
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
      const pending = this.#originates.get(channelId);
      if (pending) clearTimeout(pending.timer);
      this.#originates.delete(channelId);
      throw err;
    }
    return answered;
  }

  /**
   * After the events socket comes back, events sent while it was down are lost (a caller may
   * have hung up meanwhile): ask Asterisk about every live call's channels and end the gone ones.
   */
  async #reconcile(): Promise<void> {
    const states = [...new Set(this.#byChannel.values())].filter((s) => s.call && !s.ending);
    await Promise.all(
      states.map(async (state) => {
        for (const [id, reason] of [
          [state.channelId, 'remote'],
          [state.mediaChannelId, 'media'],
        ] as const) {
          if (!id) continue;
          try {
            await this.#ari.rest.getChannel(id);
          } catch (err) {
            if (err instanceof AriRequestError && err.notFound) {
              if (reason === 'remote') state.gone = true;
              await this.#end(state, reason);
              return;
            }
          }
        }
      }),
    );
  }

  #isOwnMedia(channel: Channel, args: unknown): boolean {
    if (this.#ownMedia.has(channel.id)) return true;
    const first = Array.isArray(args) ? args[0] : undefined;
    if (typeof first === 'string' && this.#ownMedia.has(first.toLowerCase())) return true;
    return MEDIA_NAME.test(channel.name ?? '');
  }

  #onStasisStart(event: Record<string, unknown>, channel: Channel): void {
    if (!channel?.id || this.#isOwnMedia(channel, event.args)) return;
    if (this.#byChannel.has(channel.id)) return;
    const pending = this.#originates.get(channel.id);
    if (!pending && !this.#accepting) {
      // Back to the dialplan, whose next priority can send it to another instance (or a
      // queue); hung up only when that fails.
      this.#log.info({ channelId: channel.id }, 'shutting down: new call returned to the dialplan');
      void this.#ari.rest
        .continueInDialplan(channel.id)
        .catch(() => this.#ari.rest.hangup(channel.id))
        .catch(() => undefined);
      return;
    }
    const direction: CallDirection = pending ? 'outbound' : 'inbound';
    const args = Array.isArray(event.args) ? (event.args as unknown[]).map(String) : [];
    this.#setup(channel, direction, args).then(
      (call) => {
        if (pending) {
          clearTimeout(pending.timer);
          this.#originates.delete(channel.id);
          pending.resolve(call);
        } else {
          this.emit('call', call);
        }
      },
      (err: Error) => {
        if (pending) {
          clearTimeout(pending.timer);
          this.#originates.delete(channel.id);
          pending.reject(err);
        }
        this.#log.warn({ err, channelId: channel.id }, 'call set-up failed');
        this.emit('callFailed', channel.id, err);
      },
    );
  }

  #onChannelDestroyed(event: Record<string, unknown>, channel: Channel): void {
    const pending = this.#originates.get(channel.id);
    if (pending) {
      clearTimeout(pending.timer);
      this.#originates.delete(channel.id);
      pending.reject(
        new TelephonyError(
          `originate to ${pending.endpoint} failed: ${String(event.cause_txt ?? 'channel destroyed')}`,
        ),
      );
    }
    this.#onChannelGone(channel.id);
  }

  #onChannelGone(channelId: string): void {
    this.#ownMedia.delete(channelId);
    const state = this.#byChannel.get(channelId);
    if (!state) return;
    if (channelId === state.channelId) state.gone = true;
    void this.#end(state, channelId === state.channelId ? 'remote' : 'media');
  }

  async #setup(channel: Channel, direction: CallDirection, args: string[]): Promise<PhoneCall> {
    const rest = this.#ari.rest;
    const state: CallState = { channelId: channel.id, gone: false, released: new Set() };
    this.#byChannel.set(channel.id, state);
    const abortIfGone = () => {
      if (state.gone || state.ending)
        throw new TelephonyError(`caller ${channel.id} hung up during set-up`, {
          retryable: false,
        });
    };
    try {
      if (direction === 'inbound') await rest.answer(channel.id);
      abortIfGone();
      state.media = await this.#createMedia(state);
      abortIfGone();
      const bridge = await rest.createBridge('mixing');
      state.bridgeId = bridge.id;
      abortIfGone();
      await rest.addChannels(bridge.id, [channel.id, state.mediaChannelId!]);
      abortIfGone();
    } catch (err) {
      await this.#end(state, state.gone ? 'remote' : 'local');
      await this.#sweep(state);
      throw err;
    }
    const call = new PhoneCall(
      {
        id: channel.id,
        direction,
        callerNumber:
          direction === 'inbound'
            ? (channel.caller?.number ?? '')
            : (channel.connected?.number ?? ''),
        callerName:
          direction === 'inbound' ? (channel.caller?.name ?? '') : (channel.connected?.name ?? ''),
        called:
          direction === 'inbound'
            ? (channel.dialplan?.exten ?? '')
            : (this.#originates.get(channel.id)?.endpoint ?? ''),
        language: channel.language ?? 'en',
        args,
        mediaChannelId: state.mediaChannelId!,
        bridgeId: state.bridgeId!,
      },
      state.media,
      (reason) => this.#end(state, reason),
    );
    state.call = call;
    state.media.once('close', () => void this.#end(state, 'media'));
    if (state.media.closed) void this.#end(state, 'media');
    return call;
  }

  async #createMedia(state: CallState): Promise<MediaConnection> {
    const rest = this.#ari.rest;
    const media = this.#media;
    if (media.transport === 'audiosocket') {
      const uuid = randomUUID();
      this.#ownMedia.add(uuid);
      const connected = media.server.waitFor(uuid, this.#mediaTimeoutMs);
      connected.catch(() => undefined);
      try {
        const ch = await rest.externalMedia({
          app: this.#app,
          external_host: media.externalHost,
          format: 'slin16',
          encapsulation: 'audiosocket',
          transport: 'tcp',
          data: uuid,
        });
        this.#trackMedia(state, ch.id);
        return await connected;
      } finally {
        this.#ownMedia.delete(uuid);
      }
    }
    const endpoint = new RtpEndpoint({ id: state.channelId, host: media.bindHost ?? '0.0.0.0' });
    try {
      const { port } = await endpoint.bind();
      const ch = await rest.externalMedia({
        app: this.#app,
        external_host: `${media.externalAddress}:${port}`,
        format: media.format ?? 'ulaw',
        encapsulation: 'rtp',
        transport: 'udp',
      });
      this.#trackMedia(state, ch.id);
      const address =
        ch.channelvars?.UNICASTRTP_LOCAL_ADDRESS ??
        (await rest.getChannelVar(ch.id, 'UNICASTRTP_LOCAL_ADDRESS'));
      const rport =
        ch.channelvars?.UNICASTRTP_LOCAL_PORT ??
        (await rest.getChannelVar(ch.id, 'UNICASTRTP_LOCAL_PORT'));
      endpoint.setRemote(address, Number(rport));
      return endpoint;
    } catch (err) {
      endpoint.close();
      throw err;
    }
  }

  #trackMedia(state: CallState, mediaChannelId: string): void {
    state.mediaChannelId = mediaChannelId;
    this.#ownMedia.add(mediaChannelId);
    this.#byChannel.set(mediaChannelId, state);
  }

  /** Releases a call's resources once; every trigger funnels here. */
  #end(state: CallState, reason: HangupReason): Promise<void> {
    if (!state.ending) {
      // Assigned before releasing: closing the media re-enters here synchronously.
      let done!: () => void;
      state.ending = new Promise<void>((resolve) => {
        done = resolve;
      });
      void this.#release(state, reason).finally(done);
    }
    return state.ending;
  }

  /**
   * Releases whatever the call holds and was not released yet. Runs at the end, and again after
   * a failed set-up, since a set-up step may finish after the call already ended.
   */
  async #sweep(state: CallState): Promise<void> {
    const rest = this.#ari.rest;
    const media = state.media;
    if (media && !media.closed && !state.released.has('media')) {
      state.released.add('media');
      if (media.transport === 'audiosocket') {
        // A hangup message, then the socket half-closes; force it shut if the far end lingers.
        media.hangup();
        setTimeout(() => media.close(), 1_000).unref();
      } else {
        media.close();
      }
    }
    const steps: Array<Promise<void>> = [];
    const once = (key: string, run: () => Promise<void>) => {
      if (state.released.has(key)) return;
      state.released.add(key);
      steps.push(run());
    };
    const { bridgeId, mediaChannelId } = state;
    if (bridgeId) once(`bridge:${bridgeId}`, () => rest.destroyBridge(bridgeId));
    if (mediaChannelId) once(`channel:${mediaChannelId}`, () => rest.hangup(mediaChannelId));
    if (!state.gone) once(`channel:${state.channelId}`, () => rest.hangup(state.channelId));
    const results = await Promise.allSettled(steps);
    for (const r of results) {
      if (r.status === 'rejected') {
        const err = r.reason instanceof Error ? r.reason : new TelephonyError(String(r.reason));
        if (this.listenerCount('error') > 0) this.emit('error', err);
        else this.#log.warn({ err }, 'call clean-up request failed');
      }
    }
    this.#forget(state);
  }

  #forget(state: CallState): void {
    if (this.#byChannel.get(state.channelId) === state) this.#byChannel.delete(state.channelId);
    if (state.mediaChannelId) {
      if (this.#byChannel.get(state.mediaChannelId) === state)
        this.#byChannel.delete(state.mediaChannelId);
      this.#ownMedia.delete(state.mediaChannelId);
    }
  }

  async #release(state: CallState, reason: HangupReason): Promise<void> {
    state.call?.markEnded(reason);
    await this.#sweep(state);
    if (state.call) this.emit('callEnded', state.call, reason);
  }
}
