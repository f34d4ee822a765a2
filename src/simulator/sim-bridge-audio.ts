/**
 * Audio inside a simulated bridge: what a media channel (externalMedia over AudioSocket or RTP)
 * hears is the next 20 ms of the scripted caller bridged with it, and what the app sends on it
 * is heard by that caller's script. The first frame pulled fixes where the script starts on the
 * media stream (the offset `scriptTextAt` uses). A bridge with two or more scripted persons has
 * a mixer of its own (sim-mixer.ts) that drives them; its media channels hear the mix. A
 * person on music on hold hears the music, not the bridge.
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
    for (const other of bridgedCallers(host, ch)) {
      other.scriptOffsetMs ??= framesSent * 20 - (other.runner?.nowMs ?? 0);
    }
    return mixer.heardByMedia();
  }
  for (const other of bridgedCallers(host, ch)) {
    if (other.destroyed) continue;
    other.scriptOffsetMs ??= framesSent * 20 - (other.runner?.nowMs ?? 0);
    return other.runner?.pull();
  }
  return SILENT_FRAME;
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
