/**
 * The REST half of the simulated ARI: one handler per operation the swagger documents list,
 * answering like Asterisk (JSON for typed results, 204 for void, status >= 400 with a
 * `{ message }` body on errors).
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { MediaClock } from './media-clock.js';
import type { MediaLink, MediaLinkHooks } from './media-link.js';
import { connectAudioSocket } from './sim-audiosocket.js';
import {
  bridgeJson,
  channelJson,
  playbackJson,
  type SimBridge,
  type SimChannel,
  type SimPlayback,
} from './sim-model.js';
import { openRtpLink, type SimRtpFormat } from './sim-rtp.js';
import type { CalleeBehavior } from './simulated-asterisk.js';

/** A REST reply. */
export interface RestReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What the REST handlers need from the simulator. */
export interface RestContext {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  readonly playbacks: Map<string, SimPlayback>;
  readonly clock: MediaClock;
  readonly options: {
    rtpHost: string;
    onOriginate?: (endpoint: string, variables: Record<string, string>) => CalleeBehavior;
  };
  createChannel: (init: {
    kind: SimChannel['kind'];
    name: string;
    state: SimChannel['state'];
    caller?: { name: string; number: string };
    connected?: { name: string; number: string };
    exten?: string;
    app: string;
    id?: string;
  }) => SimChannel;
  destroyChannel: (ch: SimChannel, cause?: number, notify?: boolean) => void;
  emitEvent: (app: string, type: string, fields: Record<string, unknown>) => void;
  pullFor: (ch: SimChannel, framesSent: number) => Buffer | undefined;
  deliverFrom: (ch: SimChannel, frame: Buffer) => void;
  finishPlayback: (p: SimPlayback, state: 'done' | 'stopped') => void;
  answerOriginated: (
    ch: SimChannel,
    behavior: CalleeBehavior,
    appArgs: string[],
    timeoutSec: number,
  ) => Promise<void>;
  nextHex: () => string;
  bridgeJsonOf: (b: SimBridge) => Record<string, unknown>;
}

const notFound = (what: string): RestReply => ({
  status: 404,
  body: { message: `${what} not found` },
});
const bad = (message: string, status = 400): RestReply => ({ status, body: { message } });
const NO_CONTENT: RestReply = { status: 204 };

/** Routes one request (path under `/ari`) to its handler. */
export async function handleRest(
  ctx: RestContext,
  method: string,
  url: URL,
  body: Record<string, unknown>,
): Promise<RestReply> {
  const q = url.searchParams;
  const parts = url.pathname
    .replace(/^\/ari\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const [resource, id, action] = parts;
  const route = `${method} ${resource ?? ''}${id === undefined ? '' : id === 'externalMedia' ? '/externalMedia' : '/:id'}${action ? `/${action}` : ''}`;
  switch (route) {
    case 'GET asterisk/:id':
      return {
        status: 200,
        body: {
          system: { version: '22.0.0-voxstate-sim', entity_id: 'sim' },
          build: {},
          config: {},
          status: {},
        },
      };
    case 'GET channels':
      return { status: 200, body: [...ctx.channels.values()].map((c) => channelJson(c)) };
    case 'POST channels':
      return originate(ctx, q, body);
    case 'POST channels/externalMedia':
      return externalMedia(ctx, q, body);
    case 'GET channels/:id': {
      const ch = ctx.channels.get(id!);
      return ch ? { status: 200, body: channelJson(ch) } : notFound('Channel');
    }
    case 'DELETE channels/:id': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      ctx.destroyChannel(ch, 16);
      return NO_CONTENT;
    }
    case 'POST channels/:id/answer':
    case 'POST channels/:id/ring': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      if (!ch.inStasis) return bad('Channel not in Stasis application', 409);
      const state = action === 'answer' ? 'Up' : 'Ringing';
      if (ch.state !== state && ch.state !== 'Up') {
        ch.state = state;
        ctx.emitEvent(ch.app, 'ChannelStateChange', { channel: channelJson(ch) });
      }
      return NO_CONTENT;
    }
    case 'POST channels/:id/dtmf':
      return ctx.channels.has(id!) ? NO_CONTENT : notFound('Channel');
    case 'POST channels/:id/play':
      return play(ctx, id!, q);
    case 'GET channels/:id/variable': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      const name = q.get('variable');
      if (!name) return bad('Variable name is required');
      const value = ch.variables.get(name) ?? ch.channelvars?.[name];
      return value === undefined
        ? notFound('Provided variable was')
        : { status: 200, body: { value } };
    }
    case 'POST channels/:id/variable': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      const name = q.get('variable');
      if (!name) return bad('Variable name is required');
      ch.variables.set(name, q.get('value') ?? '');
      return NO_CONTENT;
    }
    case 'GET bridges':
      return { status: 200, body: [...ctx.bridges.values()].map(bridgeJson) };
    case 'POST bridges': {
      const bridge: SimBridge = {
        id: q.get('bridgeId') ?? randomUUID(),
        name: q.get('name') ?? '',
        type: q.get('type') ?? 'mixing',
        channels: [],
        creationtime: new Date().toISOString().replace('Z', '+0000'),
      };
      ctx.bridges.set(bridge.id, bridge);
      return { status: 200, body: bridgeJson(bridge) };
    }
    case 'GET bridges/:id': {
      const b = ctx.bridges.get(id!);
      return b ? { status: 200, body: bridgeJson(b) } : notFound('Bridge');
    }
    case 'DELETE bridges/:id': {
      const b = ctx.bridges.get(id!);
      if (!b) return notFound('Bridge');
      for (const cid of b.channels) {
        const ch = ctx.channels.get(cid);
        if (!ch) continue;
        ch.bridgeId = undefined;
        ctx.emitEvent(ch.app, 'ChannelLeftBridge', {
          bridge: { ...bridgeJson(b), channels: [] },
          channel: channelJson(ch),
        });
      }
      ctx.bridges.delete(b.id);
      return NO_CONTENT;
    }
    case 'POST bridges/:id/addChannel':
    case 'POST bridges/:id/removeChannel':
      return bridgeMembers(ctx, id!, action!, q);
    case 'GET playbacks/:id': {
      const p = ctx.playbacks.get(id!);
      return p ? { status: 200, body: playbackJson(p) } : notFound('Playback');
    }
    case 'DELETE playbacks/:id': {
      const p = ctx.playbacks.get(id!);
      if (!p) return notFound('Playback');
      ctx.finishPlayback(p, 'stopped');
      return NO_CONTENT;
    }
    default:
      return { status: 404, body: { message: `no such operation: ${method} ${url.pathname}` } };
  }
}

function list(q: URLSearchParams, name: string): string[] {
  return q
    .getAll(name)
    .flatMap((v) => v.split(','))
    .filter(Boolean);
}

function variablesOf(body: Record<string, unknown>): Record<string, string> {
  const vars = (body.variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
}

function bridgeMembers(
  ctx: RestContext,
  id: string,
  action: string,
  q: URLSearchParams,
): RestReply {
  const bridge = ctx.bridges.get(id);
  if (!bridge) return notFound('Bridge');
  const ids = list(q, 'channel');
  if (ids.length === 0) return bad('Missing parameter channel');
  const chans = ids.map((c) => ctx.channels.get(c));
  if (chans.some((c) => c === undefined)) return bad('Channel not found');
  if (action === 'addChannel') {
    if (chans.some((c) => !c!.inStasis)) return bad('Channel not in Stasis application', 422);
    for (const ch of chans as SimChannel[]) {
      if (ch.bridgeId === bridge.id) continue;
      const old = ch.bridgeId ? ctx.bridges.get(ch.bridgeId) : undefined;
      if (old) old.channels = old.channels.filter((c) => c !== ch.id);
      ch.bridgeId = bridge.id;
      bridge.channels.push(ch.id);
      ctx.emitEvent(ch.app, 'ChannelEnteredBridge', {
        bridge: bridgeJson(bridge),
        channel: channelJson(ch),
      });
    }
    return NO_CONTENT;
  }
  for (const ch of chans as SimChannel[]) {
    if (ch.bridgeId !== bridge.id) return bad('Channel not in this bridge', 422);
    bridge.channels = bridge.channels.filter((c) => c !== ch.id);
    ch.bridgeId = undefined;
    ctx.emitEvent(ch.app, 'ChannelLeftBridge', {
      bridge: bridgeJson(bridge),
      channel: channelJson(ch),
    });
  }
  return NO_CONTENT;
}

function play(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
  const ch = ctx.channels.get(id);
  if (!ch) return notFound('Channel');
  if (!ch.inStasis) return bad('Channel not in Stasis application', 409);
  const media = list(q, 'media');
  if (media.length === 0) return bad('Missing parameter media');
  const playback: SimPlayback = {
    id: q.get('playbackId') ?? randomUUID(),
    media_uri: media[0]!,
    target_uri: `channel:${ch.id}`,
    language: q.get('lang') ?? ch.language,
    state: 'playing',
    app: ch.app,
  };
  ctx.playbacks.set(playback.id, playback);
  setImmediate(() => {
    if (!ctx.playbacks.has(playback.id)) return;
    ctx.emitEvent(ch.app, 'PlaybackStarted', { playback: playbackJson(playback) });
    // The person on the channel hears it: the tone's frequency, or 400 Hz for sounds.
    const runner = ch.runner;
    if (runner) {
      const hz = Number(/^tone:(\d+)/.exec(playback.media_uri)?.[1] ?? 400);
      let phase = 0;
      playback.source = {
        tick: (n) => {
          for (let f = 0; f < n; f++) {
            const frame = Buffer.alloc(640);
            for (let i = 0; i < 320; i++, phase++) {
              frame.writeInt16LE(
                Math.round(4000 * Math.sin((2 * Math.PI * hz * phase) / 16_000)),
                i * 2,
              );
            }
            runner.hear(frame);
          }
        },
      };
      ctx.clock.add(playback.source);
    }
    // Tones play until stopped; anything else "lasts" one second.
    if (!playback.media_uri.startsWith('tone:')) {
      playback.timer = setTimeout(() => ctx.finishPlayback(playback, 'done'), 1000);
    }
  });
  return { status: 201, body: playbackJson(playback) };
}

function parseCallerId(callerId: string | null): { name: string; number: string } {
  if (!callerId) return { name: '', number: '' };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(callerId);
  return m ? { name: m[1] ?? '', number: m[2] ?? '' } : { name: '', number: callerId.trim() };
}

function originate(ctx: RestContext, q: URLSearchParams, body: Record<string, unknown>): RestReply {
  const endpoint = q.get('endpoint');
  if (!endpoint) return bad('Endpoint parameter not provided');
  const app = q.get('app');
  if (!app) return bad('The simulator originates into Stasis only: give app=');
  if (!/^[A-Za-z]+\/.+/.test(endpoint)) return bad('Endpoint must be TECH/resource');
  const variables = variablesOf(body);
  const number = endpoint.slice(endpoint.indexOf('/') + 1).replace(/@.*$/, '');
  const ch = ctx.createChannel({
    kind: 'outbound',
    name: `${endpoint.replace(/@.*$/, '')}-${ctx.nextHex()}`,
    state: 'Down',
    caller: parseCallerId(q.get('callerId')),
    connected: { name: '', number },
    exten: number,
    app,
    ...(q.get('channelId') ? { id: q.get('channelId')! } : {}),
  });
  for (const [k, v] of Object.entries(variables)) ch.variables.set(k, v);
  const behavior = ctx.options.onOriginate?.(endpoint, variables) ?? {};
  const appArgs = (q.get('appArgs') ?? '').split(',').filter(Boolean);
  const timeoutSec = Number(q.get('timeout') ?? 30);
  void ctx
    .answerOriginated(ch, behavior, appArgs, timeoutSec > 0 ? timeoutSec : 30)
    .catch(() => ctx.destroyChannel(ch, 38));
  return { status: 200, body: channelJson(ch) };
}

async function externalMedia(
  ctx: RestContext,
  q: URLSearchParams,
  body: Record<string, unknown>,
): Promise<RestReply> {
  const app = q.get('app');
  const externalHost = q.get('external_host');
  const format = q.get('format');
  if (!app || !externalHost || !format) return bad('app, external_host and format are required');
  const encapsulation = q.get('encapsulation') ?? 'rtp';
  const transport = q.get('transport') ?? (encapsulation === 'audiosocket' ? 'tcp' : 'udp');
  const data = q.get('data') ?? '';
  if (encapsulation === 'audiosocket') {
    if (transport !== 'tcp') return bad('audiosocket requires transport=tcp');
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(data)) {
      return bad('AudioSocket requires a UUID in data');
    }
    if (format !== 'slin16') return bad('the simulator speaks AudioSocket in slin16 only');
  } else if (encapsulation === 'rtp') {
    if (transport !== 'udp') return bad('rtp requires transport=udp');
    if (!['slin16', 'ulaw', 'slin'].includes(format)) return bad(`unsupported format ${format}`);
  } else {
    return bad(`unsupported encapsulation ${encapsulation}`);
  }
  const ch = ctx.createChannel({
    kind: 'external',
    name:
      encapsulation === 'audiosocket'
        ? `AudioSocket/${externalHost}-${data}`
        : `UnicastRTP/${externalHost}-0x${ctx.nextHex()}`,
    state: 'Up',
    app,
    ...(q.get('channelId') ? { id: q.get('channelId')! } : {}),
  });
  for (const [k, v] of Object.entries(variablesOf(body))) ch.variables.set(k, v);
  let framesSent = () => 0;
  const hooks: MediaLinkHooks = {
    pull: () => ctx.pullFor(ch, framesSent()),
    onAudio: (frame) => ctx.deliverFrom(ch, frame),
    onClosedByApp: () => ctx.destroyChannel(ch, 16),
  };
  let link: MediaLink;
  try {
    if (encapsulation === 'audiosocket') {
      ch.uuid = data.toLowerCase();
      link = await connectAudioSocket(externalHost, data, ctx.clock, hooks);
    } else {
      const rtp = await openRtpLink(
        ctx.options.rtpHost,
        externalHost,
        format as SimRtpFormat,
        ctx.clock,
        hooks,
      );
      ch.channelvars = {
        UNICASTRTP_LOCAL_ADDRESS: rtp.local.address,
        UNICASTRTP_LOCAL_PORT: String(rtp.local.port),
      };
      link = rtp;
    }
  } catch (err) {
    ctx.channels.delete(ch.id);
    return {
      status: 500,
      body: { message: `Failed to create external media channel: ${(err as Error).message}` },
    };
  }
  ch.link = link;
  framesSent = () => link.framesSent;
  ch.inStasis = true;
  // As on Asterisk, the media channel enters the app too: args [] for RTP, [<uuid>] for AudioSocket.
  ctx.emitEvent(app, 'StasisStart', {
    args: encapsulation === 'audiosocket' ? [data] : [],
    channel: channelJson(ch),
  });
  return { status: 200, body: channelJson(ch, true) };
}
