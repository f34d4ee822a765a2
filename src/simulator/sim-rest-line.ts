/**
 * What the simulated Asterisk does on a channel's line besides playbacks: music on hold
 * (`POST/DELETE channels/{id}/moh`) and DTMF sent to the far end (`POST channels/{id}/dtmf`).
 *
 * Music on hold is a steady {@link MOH_HZ} tone (for every class; the class is recorded) that
 * the person on the channel hears instead of the bridge's audio, as Asterisk's generator
 * replaces what the bridge writes to the channel. DTMF reaches the person on the channel digit
 * by digit, `duration` long and `between` apart (Asterisk's defaults 100 ms each), `w` waiting
 * 500 ms; a scripted person records each digit and can wait for them (`waitForDtmf`).
 *
 * @module
 */
import type { SimChannel } from './sim-model.js';
import { bad, NO_CONTENT, notFound, type RestContext, type RestReply } from './sim-rest-types.js';

/** The frequency of the simulator's music on hold, Hz. */
export const MOH_HZ = 880;
const DTMF_CHARS = /^[0-9A-D*#w]+$/;

function stasisChannel(ctx: RestContext, id: string): SimChannel | RestReply {
  const ch = ctx.channels.get(id);
  if (!ch) return notFound('Channel');
  if (!ch.inStasis) return bad('Channel not in Stasis application', 409);
  return ch;
}

const isReply = (x: SimChannel | RestReply): x is RestReply => 'status' in x;

/** `POST channels/{id}/moh?mohClass=`: the person on the channel hears music on hold. */
export function startMoh(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
  const ch = stasisChannel(ctx, id);
  if (isReply(ch)) return ch;
  const mohClass = q.get('mohClass') || 'default';
  ch.moh?.stop();
  let phase = 0;
  const source = {
    tick: (n: number) => {
      for (let f = 0; f < n; f++) {
        const frame = Buffer.alloc(640);
        for (let i = 0; i < 320; i++, phase++) {
          frame.writeInt16LE(
            Math.round(3000 * Math.sin((2 * Math.PI * MOH_HZ * phase) / 16_000)),
            i * 2,
          );
        }
        ch.runner?.hear(frame);
      }
    },
  };
  ctx.clock.add(source);
  ch.runner?.startHold(mohClass);
  ch.moh = {
    mohClass,
    stop: () => {
      ctx.clock.remove(source);
      ch.moh = undefined;
      ch.runner?.stopHold(mohClass);
    },
  };
  return NO_CONTENT;
}

/** `DELETE channels/{id}/moh`: the music stops (nothing when none plays, as in Asterisk). */
export function stopMoh(ctx: RestContext, id: string): RestReply {
  const ch = stasisChannel(ctx, id);
  if (isReply(ch)) return ch;
  ch.moh?.stop();
  return NO_CONTENT;
}

/** `POST channels/{id}/dtmf`: the digits reach the person on the channel, in time. */
export function sendDtmf(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
  const ch = stasisChannel(ctx, id);
  if (isReply(ch)) return ch;
  const dtmf = q.get('dtmf') ?? '';
  if (!dtmf) return bad('DTMF is required');
  if (!DTMF_CHARS.test(dtmf)) return bad('Invalid DTMF digit');
  const between = Number(q.get('between') ?? 100);
  const duration = Number(q.get('duration') ?? 100);
  let atMs = 0;
  for (const digit of dtmf) {
    if (digit === 'w') {
      atMs += 500;
      continue;
    }
    const endMs = atMs + duration;
    setTimeout(() => {
      if (!ch.destroyed) ch.runner?.receiveDtmf(digit);
    }, endMs);
    atMs = endMs + between;
  }
  return NO_CONTENT;
}
