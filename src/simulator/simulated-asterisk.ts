/**
 * A simulated Asterisk for development and tests: the ARI REST API and events WebSocket that the
 * real `ari-client` accepts, externalMedia over AudioSocket (connecting out to the app) and RTP,
 * and scripted callers that speak, pause, press keys, barge in and hang up, while both sides of
 * each call are recorded.
 *
 * It behaves like the Asterisk 22 measured in docs/asterisk.md: externalMedia channels enter the
 * app with their own StasisStart (args `[]` for RTP, `[<uuid>]` for AudioSocket), RTP slin16 sent
 * back is dropped, wrong credentials get 401, void operations answer 204.
 *
 * Everything about scripted text (`scriptTextAt`, `utterance` events) is simulator-only ground
 * truth, for offline demos with `--stt=script`; a real Asterisk has no such thing.
 *
 * @example
 * ```ts
 * const sim = new SimulatedAsterisk({ user: 'voxstate', password: 'secret' });
 * const { url } = await sim.start();
 * // ... connect voxstate to url, then:
 * const call = await sim.placeCall({ app: 'voxstate', callerNumber: '+15551234567',
 *   script: { steps: [{ waitForBot: {} }, { say: 'What are your opening hours?' }, { waitForBot: {} }, { hangup: true }] } });
 * await call.ended;
 * await writeFile('call.wav', call.recording.toWav());
 * await sim.stop();
 * ```
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import http from 'node:http';
import { TelephonyError } from '../errors.js';
import { MediaClock } from './media-clock.js';
import { bridgeAudioFor, deliverToBridge } from './sim-bridge-audio.js';
import {
  attachRunner,
  type CallerHost,
  scriptRunner,
  scriptTextAt,
  scriptTextBetween,
} from './sim-callers.js';
import { type ChannelInit, destroySimChannel, newSimChannel } from './sim-channels.js';
import { continueInDialplan, enterStasis } from './sim-dialplan.js';
import { SimEventSockets } from './sim-events.js';
import { type HttpContext, isAuthorized, serveRequest } from './sim-http.js';
import { type BridgeMixer, refreshMixer } from './sim-mixer.js';
import {
  ariTimestamp,
  bridgeJson,
  channelJson,
  type SimBridge,
  type SimChannel,
  type SimPlayback,
} from './sim-model.js';
import { finishPlayback } from './sim-rest-media.js';
import type { DialplanLocation } from './sim-rest-types.js';
import type {
  PlaceCallOptions,
  SimCall,
  SimDialReport,
  SimFaults,
  SimulatedAsteriskOptions,
  SimulatorEvents,
} from './sim-types.js';

export type {
  CalleeBehavior,
  EventSocketClose,
  LateMediaStasisStart,
  PlaceCallOptions,
  SimCall,
  SimDialReport,
  SimFaults,
  SimulatedAsteriskOptions,
  SimulatorEvents,
} from './sim-types.js';

/** The simulated Asterisk. */
export class SimulatedAsterisk
  extends EventEmitter<SimulatorEvents>
  implements HttpContext, CallerHost
{
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly playbacks = new Map<string, SimPlayback>();
  /** @internal Mixers of the bridges holding two or more scripted persons. */
  readonly mixers = new Map<string, BridgeMixer>();
  readonly clock = new MediaClock();
  readonly options: Required<
    Pick<SimulatedAsteriskOptions, 'host' | 'port' | 'user' | 'password' | 'rtpHost'>
  > &
    SimulatedAsteriskOptions;
  readonly faults: SimFaults;
  readonly #http: http.Server;
  readonly #events: SimEventSockets;
  readonly #held = new Set<http.ServerResponse>();
  readonly #asteriskId = '00:00:5e:00:53:01';
  #stallRest = false;
  #seq = 0;
  #inbound = 0;
  #url = '';

  constructor(options: SimulatedAsteriskOptions = {}) {
    super();
    this.options = {
      ...options,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      user: options.user ?? 'voxstate',
      password: options.password ?? 'voxstate',
      rtpHost: options.rtpHost ?? '127.0.0.1',
    };
    this.#events = new SimEventSockets({
      authorized: (req, url) => isAuthorized(req, url, this.options.user, this.options.password),
      closed: (info) => this.emit('eventSocketClosed', info),
    });
    this.#http = http.createServer((req, res) => void serveRequest(this, req, res));
    this.#http.on('upgrade', (req, socket, head) => this.#events.upgrade(req, socket, head));
    this.faults = {
      dropEventSockets: () => this.#events.dropAll(),
      refuseEventSockets: (on) => {
        this.#events.refuse = on;
      },
      resetMedia: (channelId) => {
        for (const ch of this.channels.values()) {
          if (ch.link && (channelId === undefined || ch.id === channelId)) ch.link.reset();
        }
      },
      stallRest: (on) => {
        this.#stallRest = on;
      },
    };
  }

  /** Starts the HTTP/WebSocket server; resolves with its base URL (`http://host:port`). */
  async start(): Promise<{ url: string; host: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.options.port, this.options.host, () => {
        this.#http.off('error', reject);
        resolve();
      });
    });
    const addr = this.#http.address();
    const port = typeof addr === 'object' && addr ? addr.port : this.options.port;
    this.#url = `http://${this.options.host}:${port}`;
    return { url: this.#url, host: this.options.host, port };
  }

  /** Base URL once started. */
  get url(): string {
    return this.#url;
  }

  /** Stasis apps with at least one connected events WebSocket (the registered apps). */
  get connectedApps(): string[] {
    return this.#events.apps;
  }

  /** Resolves once `app` has a connected events WebSocket (polling every 10 ms). */
  async waitForApp(app: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.connectedApps.includes(app)) {
      if (Date.now() > deadline)
        throw new TelephonyError(`app ${app} did not connect within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Hangs up every channel, closes every socket and stops the server. */
  async stop(): Promise<void> {
    for (const ch of [...this.channels.values()]) this.destroyChannel(ch, 16, false);
    for (const p of this.playbacks.values()) clearTimeout(p.timer);
    this.playbacks.clear();
    this.mixers.clear();
    this.clock.stop();
    for (const res of this.#held) res.destroy();
    this.#held.clear();
    this.#events.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  /**
   * Places an inbound call into a Stasis app: a caller channel enters the app (StasisStart),
   * ringing unless `answered`, and follows its script once its audio flows in a bridge. Speech
   * is synthesized before the call starts. Like Asterisk's `Stasis()`, it fails with "Stasis app
   * '<app>' doesn't exist" when no events socket has registered the app.
   */
  async placeCall(options: PlaceCallOptions = {}): Promise<SimCall> {
    const number = options.callerNumber ?? '+15550100';
    const exten = options.exten ?? '100';
    const candidates = options.app
      ? [options.app]
      : (this.options.dialplan?.({ seq: this.#inbound++, exten, callerNumber: number }) ??
        this.connectedApps.slice(0, 1));
    const { app, next } = enterStasis(candidates, this.connectedApps);
    const runner = await scriptRunner(options.script, this.options.tts);
    const ch = this.createChannel({
      kind: 'caller',
      name: `PJSIP/${number.replace(/^\+/, '')}-${this.#hex()}`,
      state: options.answered ? 'Up' : 'Ring',
      caller: { name: options.callerName ?? '', number },
      exten,
      app,
      language: options.language ?? 'en',
    });
    ch.nextApps = next;
    const call = attachRunner(this, ch, runner);
    ch.inStasis = true;
    this.emitEvent(app, 'StasisStart', { args: options.args ?? [], channel: channelJson(ch) });
    return call;
  }

  /**
   * @internal The app sent `ch` back to the dialplan: it leaves the app (StasisEnd) and goes to
   * `location` (see sim-dialplan.ts), or enters the next registered application of its
   * dialplan, or is hung up when none is left.
   */
  continueInDialplan(ch: SimChannel, location?: DialplanLocation): void {
    continueInDialplan(this, ch, location);
  }

  /** Pushes a raw event to an app's sockets (e.g. a type missing from events.json, for tests). */
  pushRawEvent(app: string, event: Record<string, unknown>): void {
    this.#send(app, {
      application: app,
      timestamp: ariTimestamp(),
      asterisk_id: this.#asteriskId,
      ...event,
    });
  }

  /**
   * The scripted text the caller is speaking at `atMs` of a media stream (simulator-only ground
   * truth for `--stt=script`). `id` is the caller channel id, an externalMedia channel id, or an
   * AudioSocket UUID; `atMs` is media time of that stream (20 ms per frame received).
   */
  scriptTextAt(id: string, atMs: number): string | undefined {
    return scriptTextAt(this, id, atMs);
  }

  /**
   * Scripted utterances overlapping the audio from `startMs` to `endMs` of a media stream,
   * joined (simulator only). The positions count the audio sent on the stream, which is the
   * audio the app received (20 ms a frame), not time: see `scriptTextBetween` in sim-callers.ts.
   */
  scriptTextBetween(id: string, startMs: number, endMs: number): string | undefined {
    return scriptTextBetween(this, id, startMs, endMs);
  }

  // ---- HttpContext and CallerHost: used by sim-http.ts, sim-rest*.ts, sim-callers.ts ----

  /** @internal */
  get stalled(): boolean {
    return this.#stallRest;
  }

  /** @internal */
  hold(res: http.ServerResponse): void {
    this.#held.add(res);
    res.on('close', () => this.#held.delete(res));
  }

  /** @internal */
  requested(method: string, path: string): void {
    this.emit('request', method, path);
  }

  /** @internal */
  utterance(info: SimulatorEvents['utterance'][0]): void {
    this.emit('utterance', info);
  }

  /** @internal */
  createChannel(init: ChannelInit): SimChannel {
    const ch = newSimChannel(init, init.id ?? `${Math.floor(Date.now() / 1000)}.${++this.#seq}`);
    this.channels.set(ch.id, ch);
    return ch;
  }

  /** @internal Ends a channel the way Asterisk does: leave bridge, StasisEnd, ChannelDestroyed. */
  destroyChannel(ch: SimChannel, cause = 16, notify = true): void {
    const bridgeId = ch.bridgeId;
    if (!destroySimChannel(this, ch, cause, notify)) return;
    if (bridgeId !== undefined) refreshMixer(this, bridgeId);
    this.emit('channelDestroyed', ch.id, ch.kind);
    for (const fn of ch.onDestroyed.splice(0)) fn();
  }

  /** @internal */
  bridgeJsonOf(b: SimBridge): Record<string, unknown> {
    return bridgeJson(b);
  }

  /** @internal Sends an event to an app, with the common fields. */
  emitEvent(app: string, type: string, fields: Record<string, unknown>): void {
    this.#send(app, {
      type,
      timestamp: ariTimestamp(),
      asterisk_id: this.#asteriskId,
      application: app,
      ...fields,
    });
  }

  /**
   * @internal The next 20 ms heard by media channel `ch` in its bridge; undefined when its
   * caller is silent and suppresses silence.
   */
  pullFor(ch: SimChannel, framesSent: number): Buffer | undefined {
    return bridgeAudioFor(this, ch, framesSent);
  }

  /** @internal Audio the app sent on media channel `ch`, heard by the others in its bridge. */
  deliverFrom(ch: SimChannel, frame: Buffer): void {
    deliverToBridge(this, ch, frame);
  }

  /** @internal */
  finishPlayback(p: SimPlayback, state: 'done' | 'stopped'): void {
    finishPlayback(this, p, state);
  }

  /** @internal Bridge `id` changed members: its mixer starts or stops. */
  bridgeChanged(id: string): void {
    refreshMixer(this, id);
  }

  /** @internal A dial attempt finished. */
  dialed(report: SimDialReport): void {
    this.emit('dial', report);
  }

  /** @internal */
  nextHex(): string {
    return this.#hex();
  }

  #hex(): string {
    return (++this.#seq).toString(16).padStart(8, '0');
  }

  #send(app: string, event: Record<string, unknown>): void {
    this.#events.send(app, JSON.stringify(event));
  }
}
