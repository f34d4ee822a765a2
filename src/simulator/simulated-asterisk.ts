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
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { TelephonyError } from '../errors.js';
import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { CallRecording } from './call-recording.js';
import { type CallerScript, CallerScriptRunner, type ScriptUtterance } from './caller-script.js';
import { MediaClock } from './media-clock.js';
import { synthesizeScript } from './script-audio.js';
import {
  ariTimestamp,
  channelJson,
  type SimBridge,
  type SimChannel,
  type SimPlayback,
} from './sim-model.js';
import { handleRest, type RestContext, type RestReply } from './sim-rest.js';
import { resourceDocument, resourceListing } from './swagger-docs.js';

/** Options of {@link SimulatedAsterisk}. */
export interface SimulatedAsteriskOptions {
  /** HTTP interface; default `127.0.0.1`. */
  host?: string;
  /** HTTP port (Asterisk uses 8088); default 0 = any free port. */
  port?: number;
  /** ARI user; default `voxstate`. */
  user?: string;
  /** ARI password; default `voxstate`. */
  password?: string;
  /** Interface the simulated RTP sockets bind to; default `127.0.0.1`. */
  rtpHost?: string;
  /** Synthesizes `say` steps that carry no audio (e.g. the espeak-ng engine). */
  tts?: TtsEngine;
  /** How an originated channel behaves; default: answers after 300 ms and stays silent. */
  onOriginate?: (endpoint: string, variables: Record<string, string>) => CalleeBehavior;
}

/** How a simulated callee of an originate behaves. */
export interface CalleeBehavior {
  /** False: never answers (the originate times out). Default true. */
  answer?: boolean;
  /** Ring time before answering; default 300 ms. */
  answerAfterMs?: number;
  /** What the callee says and does once answered. */
  script?: CallerScript;
}

/** Options of {@link SimulatedAsterisk.placeCall}. */
export interface PlaceCallOptions {
  /** Stasis app to enter; default the first app with a connected events socket. */
  app?: string;
  callerNumber?: string;
  callerName?: string;
  /** Dialled extension; default `100`. */
  exten?: string;
  /** Stasis args from the dialplan. */
  args?: string[];
  /** Channel language; default `en`. */
  language?: string;
  script?: CallerScript;
}

/** A call the simulator placed (or a callee it answered). */
export interface SimCall {
  /** The caller's channel id. */
  channelId: string;
  /** The scripted person (caller or callee). */
  runner: CallerScriptRunner;
  /** Both sides of the audio and the event timeline. */
  recording: CallRecording;
  /** Resolves when the caller's channel is destroyed, whoever hung up. */
  ended: Promise<void>;
  /** Hangs the caller up now (as if they put the phone down). */
  hangup(): void;
}

/** Fault switches for resilience tests. */
export interface SimFaults {
  /** Terminates every events WebSocket at once (clients see an abnormal close). */
  dropEventSockets(): void;
  /** While on, new events WebSocket upgrades are refused with 503. */
  refuseEventSockets(on: boolean): void;
  /** Resets the AudioSocket TCP connection (or closes the RTP socket) of one channel, or of all. */
  resetMedia(channelId?: string): void;
  /** While on, REST requests are accepted but never answered (like a hung Asterisk). */
  stallRest(on: boolean): void;
}

/** Events the simulator emits for observers (tests, the demo). */
export interface SimulatorEvents {
  /** A caller finished an utterance; times are media ms of `mediaChannelId`'s stream when known. */
  utterance: [info: ScriptUtterance & { channelId: string; mediaChannelId?: string }];
  /** A channel was destroyed. */
  channelDestroyed: [channelId: string, kind: SimChannel['kind']];
  /** Every REST request, for tests that count calls. */
  request: [method: string, path: string];
}

/** The simulated Asterisk. */
export class SimulatedAsterisk extends EventEmitter<SimulatorEvents> implements RestContext {
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly playbacks = new Map<string, SimPlayback>();
  readonly clock = new MediaClock();
  readonly options: Required<
    Pick<SimulatedAsteriskOptions, 'host' | 'port' | 'user' | 'password' | 'rtpHost'>
  > &
    SimulatedAsteriskOptions;
  readonly faults: SimFaults;
  readonly #http: http.Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #appSockets = new Map<string, Set<WebSocket>>();
  readonly #stalled = new Set<http.ServerResponse>();
  readonly #asteriskId = '00:00:5e:00:53:01';
  #refuseEvents = false;
  #stallRest = false;
  #seq = 0;
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
    this.#http = http.createServer((req, res) => void this.#onRequest(req, res));
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
    this.faults = {
      dropEventSockets: () => {
        for (const set of this.#appSockets.values()) for (const ws of set) ws.terminate();
      },
      refuseEventSockets: (on) => {
        this.#refuseEvents = on;
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

  /** Stasis apps with at least one connected events WebSocket. */
  get connectedApps(): string[] {
    return [...this.#appSockets].filter(([, s]) => s.size > 0).map(([app]) => app);
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
    this.clock.stop();
    for (const res of this.#stalled) res.destroy();
    this.#stalled.clear();
    for (const set of this.#appSockets.values()) for (const ws of set) ws.terminate();
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  /**
   * Places an inbound call into a Stasis app: a caller channel, answered by the dialplan, enters
   * the app (StasisStart) and follows its script once its audio flows in a bridge. Speech is
   * synthesized before the call starts.
   */
  async placeCall(options: PlaceCallOptions = {}): Promise<SimCall> {
    const app = options.app ?? this.connectedApps[0];
    if (app === undefined || !this.connectedApps.includes(app)) {
      throw new TelephonyError(`no Stasis app ${app ?? ''} is connected`, { retryable: true });
    }
    const runner = await this.#runner(options.script);
    const number = options.callerNumber ?? '+15550100';
    const ch = this.createChannel({
      kind: 'caller',
      name: `PJSIP/${number.replace(/^\+/, '')}-${this.#hex()}`,
      state: 'Up',
      caller: { name: options.callerName ?? '', number },
      exten: options.exten ?? '100',
      app,
      language: options.language ?? 'en',
    });
    const call = this.#attachRunner(ch, runner);
    ch.inStasis = true;
    this.emitEvent(app, 'StasisStart', { args: options.args ?? [], channel: channelJson(ch) });
    return call;
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
    const found = this.#scriptFor(id);
    return found ? found.runner.textAt(atMs - found.offsetMs) : undefined;
  }

  /** Scripted utterances overlapping [startMs, endMs) of a media stream, joined (simulator only). */
  scriptTextBetween(id: string, startMs: number, endMs: number): string | undefined {
    const found = this.#scriptFor(id);
    if (!found) return undefined;
    const from = startMs - found.offsetMs;
    const to = endMs - found.offsetMs;
    const texts = found.runner.utterances
      .filter((u) => u.startMs < to && u.endMs > from)
      .map((u) => u.text);
    return texts.length > 0 ? texts.join(' ') : undefined;
  }

  // ---- RestContext: used by sim-rest.ts ----

  /** @internal */
  createChannel(init: {
    kind: SimChannel['kind'];
    name: string;
    state: SimChannel['state'];
    caller?: { name: string; number: string };
    connected?: { name: string; number: string };
    exten?: string;
    app: string;
    language?: string;
    id?: string;
  }): SimChannel {
    const ch: SimChannel = {
      id: init.id ?? `${Math.floor(Date.now() / 1000)}.${++this.#seq}`,
      name: init.name,
      state: init.state,
      caller: init.caller ?? { name: '', number: '' },
      connected: init.connected ?? { name: '', number: '' },
      dialplan: { context: 'default', exten: init.exten ?? 's', priority: 1 },
      creationtime: ariTimestamp(),
      language: init.language ?? 'en',
      kind: init.kind,
      app: init.app,
      inStasis: false,
      variables: new Map(),
      destroyed: false,
      onDestroyed: [],
    };
    this.channels.set(ch.id, ch);
    return ch;
  }

  /** @internal Ends a channel the way Asterisk does: leave bridge, StasisEnd, ChannelDestroyed. */
  destroyChannel(ch: SimChannel, cause = 16, notify = true): void {
    if (ch.destroyed) return;
    ch.destroyed = true;
    if (notify && ch.kind !== 'external') {
      this.emitEvent(ch.app, 'ChannelHangupRequest', { cause, channel: channelJson(ch) });
    }
    const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    if (bridge) {
      bridge.channels = bridge.channels.filter((c) => c !== ch.id);
      ch.bridgeId = undefined;
      if (notify)
        this.emitEvent(ch.app, 'ChannelLeftBridge', {
          bridge: this.bridgeJsonOf(bridge),
          channel: channelJson(ch),
        });
    }
    ch.link?.close();
    ch.runner?.stop();
    for (const p of this.playbacks.values()) {
      if (p.target_uri === `channel:${ch.id}`) this.finishPlayback(p, 'done');
    }
    if (notify && ch.inStasis) this.emitEvent(ch.app, 'StasisEnd', { channel: channelJson(ch) });
    ch.inStasis = false;
    if (notify)
      this.emitEvent(ch.app, 'ChannelDestroyed', {
        cause,
        cause_txt: causeText(cause),
        channel: channelJson(ch),
      });
    this.channels.delete(ch.id);
    this.emit('channelDestroyed', ch.id, ch.kind);
    for (const fn of ch.onDestroyed.splice(0)) fn();
  }

  /** @internal */
  bridgeJsonOf(b: SimBridge): Record<string, unknown> {
    return {
      id: b.id,
      technology: 'simple_bridge',
      bridge_type: b.type,
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: b.name,
      channels: [...b.channels],
      creationtime: b.creationtime,
    };
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
    const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    if (bridge) {
      for (const id of bridge.channels) {
        const other = this.channels.get(id);
        if (other && other !== ch && other.runner && !other.destroyed) {
          other.scriptOffsetMs ??= framesSent * 20;
          return other.runner.pull();
        }
      }
    }
    return SILENCE;
  }

  /** @internal Audio the app sent on media channel `ch`, heard by the others in its bridge. */
  deliverFrom(ch: SimChannel, frame: Buffer): void {
    const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    if (!bridge) return;
    for (const id of bridge.channels) {
      const other = this.channels.get(id);
      if (other && other !== ch && other.runner) other.runner.hear(frame);
    }
  }

  /** @internal */
  finishPlayback(p: SimPlayback, state: 'done' | 'stopped'): void {
    if (!this.playbacks.has(p.id)) return;
    clearTimeout(p.timer);
    if (p.source) this.clock.remove(p.source);
    this.playbacks.delete(p.id);
    p.state = state;
    this.emitEvent(p.app, 'PlaybackFinished', {
      playback: {
        id: p.id,
        media_uri: p.media_uri,
        target_uri: p.target_uri,
        language: p.language,
        state: 'done',
      },
    });
  }

  /** @internal Answers an originated channel after its ring time, per the callee behaviour. */
  async answerOriginated(
    ch: SimChannel,
    behavior: CalleeBehavior,
    appArgs: string[],
    timeoutSec: number,
  ): Promise<void> {
    const runner = await this.#runner(behavior.script);
    this.#attachRunner(ch, runner);
    ch.state = 'Ringing';
    this.emitEvent(ch.app, 'ChannelStateChange', { channel: channelJson(ch) });
    if (behavior.answer === false) {
      setTimeout(() => this.destroyChannel(ch, 19), timeoutSec * 1000).unref();
      return;
    }
    setTimeout(() => {
      if (ch.destroyed) return;
      ch.state = 'Up';
      this.emitEvent(ch.app, 'ChannelStateChange', { channel: channelJson(ch) });
      ch.inStasis = true;
      this.emitEvent(ch.app, 'StasisStart', { args: appArgs, channel: channelJson(ch) });
    }, behavior.answerAfterMs ?? 300).unref();
  }

  /** @internal */
  nextHex(): string {
    return this.#hex();
  }

  #hex(): string {
    return (++this.#seq).toString(16).padStart(8, '0');
  }

  async #runner(script: CallerScript | undefined): Promise<CallerScriptRunner> {
    const s = script ?? { steps: [] };
    const needsSpeech = s.steps.some((st) => 'say' in st && st.audio === undefined);
    if (needsSpeech && !this.options.tts) {
      throw new TelephonyError(
        'this script has `say` steps without audio: give the simulator a tts engine',
        {
          retryable: false,
        },
      );
    }
    const audio =
      needsSpeech && this.options.tts ? await synthesizeScript(s, this.options.tts) : new Map();
    return new CallerScriptRunner(s, audio);
  }

  #attachRunner(ch: SimChannel, runner: CallerScriptRunner): SimCall {
    ch.runner = runner;
    runner.on('dtmf', (digit) => {
      if (ch.destroyed) return;
      this.emitEvent(ch.app, 'ChannelDtmfReceived', {
        digit,
        duration_ms: 100,
        channel: channelJson(ch),
      });
      const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
      for (const id of bridge?.channels ?? []) this.channels.get(id)?.link?.sendDtmf(digit);
    });
    runner.on('hangup', () => setImmediate(() => this.destroyChannel(ch, 16)));
    runner.on('utterance', (u) => {
      const media = this.#mediaOf(ch);
      const offset = ch.scriptOffsetMs ?? 0;
      this.emit('utterance', {
        ...u,
        startMs: u.startMs + offset,
        endMs: u.endMs + offset,
        channelId: ch.id,
        ...(media ? { mediaChannelId: media.id } : {}),
      });
    });
    const ended = new Promise<void>((resolve) => ch.onDestroyed.push(resolve));
    return {
      channelId: ch.id,
      runner,
      recording: runner.recording,
      ended,
      hangup: () => this.destroyChannel(ch, 16),
    };
  }

  #mediaOf(ch: SimChannel): SimChannel | undefined {
    const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
    for (const id of bridge?.channels ?? []) {
      const other = this.channels.get(id);
      if (other?.link) return other;
    }
    return undefined;
  }

  #scriptFor(id: string): { runner: CallerScriptRunner; offsetMs: number } | undefined {
    let ch = this.channels.get(id) ?? [...this.channels.values()].find((c) => c.uuid === id);
    if (ch?.link) {
      const bridge = ch.bridgeId ? this.bridges.get(ch.bridgeId) : undefined;
      ch = bridge?.channels.map((c) => this.channels.get(c)).find((c) => c?.runner);
    }
    if (!ch?.runner) return undefined;
    return { runner: ch.runner, offsetMs: ch.scriptOffsetMs ?? 0 };
  }

  #send(app: string, event: Record<string, unknown>): void {
    const sockets = this.#appSockets.get(app);
    if (!sockets) return;
    const data = JSON.stringify(event);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(data);
  }

  #authorized(req: http.IncomingMessage, url: URL): boolean {
    const expected = `${this.options.user}:${this.options.password}`;
    const apiKey = url.searchParams.get('api_key');
    if (apiKey !== null) return apiKey === expected;
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Basic ')) return false;
    return Buffer.from(auth.slice(6), 'base64').toString('utf8') === expected;
  }

  async #onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    this.emit('request', method, url.pathname);
    if (this.#stallRest) {
      this.#stalled.add(res);
      res.on('close', () => this.#stalled.delete(res));
      return;
    }
    if (!this.#authorized(req, url)) {
      reply(res, {
        status: 401,
        body: { message: 'Authentication required' },
        headers: { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' },
      });
      return;
    }
    const host = req.headers.host ?? `${this.options.host}:${this.options.port}`;
    const docs = /^\/ari\/api-docs\/([a-zA-Z]+)\.json$/.exec(url.pathname);
    if (docs) {
      const doc =
        docs[1] === 'resources' ? resourceListing(host) : resourceDocument(docs[1]!, host);
      reply(
        res,
        doc === undefined
          ? { status: 404, body: { message: 'Resource not found' } }
          : { status: 200, body: doc },
      );
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      const raw = await readBody(req);
      if (raw.length > 0) body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      reply(res, { status: 400, body: { message: 'Invalid JSON body' } });
      return;
    }
    try {
      reply(res, await handleRest(this, method, url, body));
    } catch (err) {
      reply(res, {
        status: 500,
        body: { message: err instanceof Error ? err.message : String(err) },
      });
    }
  }

  #onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/ari/events') {
      refuse(404, 'Not Found');
      return;
    }
    if (this.#refuseEvents) {
      refuse(503, 'Service Unavailable');
      return;
    }
    if (!this.#authorized(req, url)) {
      refuse(401, 'Unauthorized');
      return;
    }
    const apps = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
    if (apps.length === 0) {
      refuse(400, 'Bad Request');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      for (const app of apps) {
        const set = this.#appSockets.get(app) ?? new Set<WebSocket>();
        this.#appSockets.set(app, set);
        set.add(ws);
      }
      ws.on('error', () => undefined);
      ws.on('close', () => {
        for (const app of apps) this.#appSockets.get(app)?.delete(ws);
      });
    });
  }
}

const SILENCE = Buffer.alloc(640);

function causeText(cause: number): string {
  switch (cause) {
    case 16:
      return 'Normal Clearing';
    case 17:
      return 'User busy';
    case 19:
      return 'No user responding';
    default:
      return 'Unknown';
  }
}

function reply(res: http.ServerResponse, r: RestReply): void {
  if (res.writableEnded || res.destroyed) return;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.status === 204 || r.body === undefined) {
    res.writeHead(r.status, headers);
    res.end();
    return;
  }
  const data = JSON.stringify(r.body);
  res.writeHead(r.status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(data),
  });
  res.end(data);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
