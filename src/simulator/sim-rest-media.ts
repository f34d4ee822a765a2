/**
 * The simulated ARI's operations that create channels or sound: `channels.externalMedia`
 * (AudioSocket connecting out, or RTP), `channels.originate` and `channels.play`.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { MediaLink, MediaLinkHooks } from './media-link.js';
import { connectAudioSocket } from './sim-audiosocket.js';
import { answerOriginated, calleeFor } from './sim-dial.js';
import { channelJson, playbackJson, type SimChannel, type SimPlayback } from './sim-model.js';
import {
  bad,
  list,
  notFound,
  type RestContext,
  type RestReply,
  variablesOf,
} from './sim-rest-types.js';
import { openRtpLink, type SimRtpFormat } from './sim-rtp.js';

/** `POST /channels/externalMedia`. */
export async function externalMedia(
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
  const channelId = q.get('channelId');
  if (channelId && ctx.channels.has(channelId)) return bad('Channel with this id exists', 409);
  const ch = ctx.createChannel({
    kind: 'external',
    name:
      encapsulation === 'audiosocket'
        ? `AudioSocket/${externalHost}-${data}`
        : `UnicastRTP/${externalHost}-0x${ctx.nextHex()}`,
    state: 'Up',
    app,
    ...(channelId ? { id: channelId } : {}),
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
  // As on Asterisk, the media channel enters the app too: args [] for RTP, [<uuid>] for
  // AudioSocket. Asterisk puts it there on another thread, so StasisStart may come before or
  // after this response; until it comes, the channel cannot be bridged.
  const enter = () => {
    if (ch.destroyed || ch.inStasis) return;
    ch.inStasis = true;
    ctx.emitEvent(app, 'StasisStart', {
      args: encapsulation === 'audiosocket' ? [data] : [],
      channel: channelJson(ch),
    });
  };
  const lateMs = lateStasisStartMs(ctx, encapsulation);
  if (lateMs === undefined) {
    enter();
    return { status: 200, body: channelJson(ch, true) };
  }
  return {
    status: 200,
    body: channelJson(ch, true),
    after: () => setTimeout(enter, lateMs).unref(),
  };
}

/** How long after the response this channel's StasisStart comes, or undefined for before it. */
function lateStasisStartMs(ctx: RestContext, encapsulation: string): number | undefined {
  const late = ctx.options.lateMediaStasisStart;
  if (!late) return undefined;
  if (late.encapsulation !== undefined && late.encapsulation !== encapsulation) return undefined;
  const share = late.share ?? 1;
  if ((late.random ?? Math.random)() >= share) return undefined;
  return Math.max(0, late.delayMs ?? 50);
}

/** A caller id `"Name" <number>` or a bare number, as ARI takes it. */
export function parseCallerId(callerId: string | null): { name: string; number: string } {
  if (!callerId) return { name: '', number: '' };
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(callerId);
  return m ? { name: m[1] ?? '', number: m[2] ?? '' } : { name: '', number: callerId.trim() };
}

/** `POST /channels` (originate into a Stasis app). */
export function originate(
  ctx: RestContext,
  q: URLSearchParams,
  body: Record<string, unknown>,
): RestReply {
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
  const behavior = calleeFor(ctx, endpoint, variables);
  const appArgs = (q.get('appArgs') ?? '').split(',').filter(Boolean);
  const timeoutSec = Number(q.get('timeout') ?? 30);
  void answerOriginated(
    ctx,
    ch,
    behavior,
    appArgs,
    timeoutSec > 0 ? timeoutSec : 30,
    endpoint,
  ).catch(() => ctx.destroyChannel(ch, 38));
  return { status: 200, body: channelJson(ch) };
}

/** `POST /channels/{id}/play`: tones play until stopped, anything else "lasts" one second. */
export function play(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
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
  setImmediate(() => startPlayback(ctx, ch, playback));
  return { status: 201, body: playbackJson(playback) };
}

function startPlayback(ctx: RestContext, ch: SimChannel, playback: SimPlayback): void {
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
  if (!playback.media_uri.startsWith('tone:')) {
    playback.timer = setTimeout(() => ctx.finishPlayback(playback, 'done'), 1000);
  }
}

/**
 * Ends a playback (`done` when its media ran out or its channel went, `stopped` by
 * `DELETE /playbacks/{id}`): its audio leaves the media clock and PlaybackFinished is sent.
 */
export function finishPlayback(
  ctx: Pick<RestContext, 'playbacks' | 'clock' | 'emitEvent'>,
  p: SimPlayback,
  state: 'done' | 'stopped',
): void {
  if (!ctx.playbacks.has(p.id)) return;
  clearTimeout(p.timer);
  if (p.source) ctx.clock.remove(p.source);
  ctx.playbacks.delete(p.id);
  p.state = state;
  ctx.emitEvent(p.app, 'PlaybackFinished', {
    playback: {
      id: p.id,
      media_uri: p.media_uri,
      target_uri: p.target_uri,
      language: p.language,
      state: 'done',
    },
  });
}
