/**
 * Audio inside a simulated bridge: what a media channel (externalMedia over AudioSocket or RTP)
 * hears is the next 20 ms of the scripted caller bridged with it, and what the app sends on it
 * is heard by that caller's script. The first frame pulled fixes where the script starts on the
 * media stream (the offset `scriptTextAt` uses), and each frame sent notes where the caller's
 * script was (what `scriptTextBetween` looks up by the audio the app received). A bridge with
 * two or more scripted persons has a mixer of its own (sim-mixer.ts) that drives them; its media
 * channels hear the mix. A person on music on hold hears the music, not the bridge.
 *
 * @module
 */
import { SILENT_FRAME } from './line-audio.js';
import type { BridgeMixer } from './sim-mixer.js';
import type { SimBridge, SimChannel } from './sim-model.js';

/** The channels, bridges and mixers of the simulator. */
export interface BridgeAudioHost {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  readonly mixers: Map<string, BridgeMixer>;
}

/**
 * The next 20 ms heard by media channel `ch`: its bridged caller's audio, undefined when that
 * caller is silent and suppresses silence, or silence when no scripted caller is bridged.
 */
export function bridgeAudioFor(
  host: BridgeAudioHost,
  ch: SimChannel,
  framesSent: number,
): Buffer | undefined {
  const mixer = ch.bridgeId ? host.mixers.get(ch.bridgeId) : undefined;
  if (mixer) {
    const callers = bridgedCallers(host, ch);
    const at = callers.map((other) => other.runner?.nowMs ?? 0);
    for (const [i, other] of callers.entries()) {
      other.scriptOffsetMs ??= framesSent * 20 - (at[i] as number);
    }
    const frame = mixer.heardByMedia();
    if (frame)
      for (const [i, other] of callers.entries()) noteSent(other, framesSent, at[i] as number);
    return frame;
  }
  for (const other of bridgedCallers(host, ch)) {
    if (other.destroyed) continue;
    const at = other.runner?.nowMs ?? 0;
    other.scriptOffsetMs ??= framesSent * 20 - at;
    const frame = other.runner?.pull();
    if (frame) noteSent(other, framesSent, at);
    return frame;
  }
  return SILENT_FRAME;
}

/** Records that the frame sent as number `framesSent` of its stream carried `caller`'s script at `scriptMs`. */
function noteSent(caller: SimChannel, framesSent: number, scriptMs: number): void {
  const sentMs = framesSent * 20;
  caller.scriptSent ??= [];
  const pieces = caller.scriptSent;
  const last = pieces.at(-1);
  if (!last || last.scriptMs + (sentMs - last.sentMs) !== scriptMs)
    pieces.push({ sentMs, scriptMs });
}

/**
 * The script time of `sentMs` of the stream `caller` is heard on (see `SimChannel.scriptSent`),
 * or undefined before anything of the script was sent.
 */
export function scriptMsOfSent(caller: SimChannel, sentMs: number): number | undefined {
  const pieces = caller.scriptSent ?? [];
  for (let i = pieces.length - 1; i >= 0; i--) {
    const piece = pieces[i] as { sentMs: number; scriptMs: number };
    if (piece.sentMs <= sentMs) return piece.scriptMs + (sentMs - piece.sentMs);
  }
  return undefined;
}

/** Audio the app sent on media channel `ch`, heard by every scripted caller in its bridge. */
export function deliverToBridge(host: BridgeAudioHost, ch: SimChannel, frame: Buffer): void {
  const mixer = ch.bridgeId ? host.mixers.get(ch.bridgeId) : undefined;
  if (mixer) mixer.fromApp(frame);
  else for (const other of bridgedCallers(host, ch)) if (!other.moh) other.runner?.hear(frame);
}

function bridgedCallers(host: BridgeAudioHost, ch: SimChannel): SimChannel[] {
  const bridge = ch.bridgeId ? host.bridges.get(ch.bridgeId) : undefined;
  if (!bridge) return [];
  return bridge.channels
    .map((id) => host.channels.get(id))
    .filter((other): other is SimChannel => other !== undefined && other !== ch && !!other.runner);
}
