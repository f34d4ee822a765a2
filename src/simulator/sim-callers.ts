/**
 * The people on simulated channels: a scripted caller (or callee) attached to a channel, whose
 * key presses become ChannelDtmfReceived events (and AudioSocket DTMF messages), whose hang-up
 * destroys the channel, and whose utterances are reported on the media timeline.
 *
 * @module
 */

import { TelephonyError } from '../errors.js';
import type { TtsEngine } from '../providers/tts/tts-engine.js';
import { type CallerScript, CallerScriptRunner, type ScriptUtterance } from './caller-script.js';
import { synthesizeScript } from './script-audio.js';
import { scriptMsOfSent } from './sim-bridge-audio.js';
import { channelJson, type SimBridge, type SimChannel } from './sim-model.js';
import type { SimCall } from './sim-types.js';

/** What a scripted person needs from the simulator. */
export interface CallerHost {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  emitEvent(app: string, type: string, fields: Record<string, unknown>): void;
  destroyChannel(ch: SimChannel, cause?: number, notify?: boolean): void;
  utterance(info: ScriptUtterance & { channelId: string; mediaChannelId?: string }): void;
}

/** A runner for `script`, its speech synthesized first with `tts` where it carries no audio. */
export async function scriptRunner(
  script: CallerScript | undefined,
  tts: TtsEngine | undefined,
): Promise<CallerScriptRunner> {
  const s = script ?? { steps: [] };
  const needsSpeech = s.steps.some((st) => 'say' in st && st.audio === undefined);
  if (needsSpeech && !tts) {
    throw new TelephonyError(
      'this script has `say` steps without audio: give the simulator a tts engine',
      { retryable: false },
    );
  }
  const audio = needsSpeech && tts ? await synthesizeScript(s, tts) : new Map();
  return new CallerScriptRunner(s, audio);
}

/** Puts `runner` on channel `ch` and returns the call as the simulator's user sees it. */
export function attachRunner(
  host: CallerHost,
  ch: SimChannel,
  runner: CallerScriptRunner,
): SimCall {
  ch.runner = runner;
  runner.on('dtmf', (digit) => {
    if (ch.destroyed) return;
    host.emitEvent(ch.app, 'ChannelDtmfReceived', {
      digit,
      duration_ms: 100,
      channel: channelJson(ch),
    });
    const bridge = ch.bridgeId ? host.bridges.get(ch.bridgeId) : undefined;
    for (const id of bridge?.channels ?? []) host.channels.get(id)?.link?.sendDtmf(digit);
  });
  runner.on('hangup', () => setImmediate(() => host.destroyChannel(ch, 16)));
  runner.on('utterance', (u) => {
    const media = mediaOf(host, ch);
    const offset = ch.scriptOffsetMs ?? 0;
    host.utterance({
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
    hangup: () => host.destroyChannel(ch, 16),
  };
}

/** The externalMedia channel bridged with `ch`, if any. */
export function mediaOf(host: CallerHost, ch: SimChannel): SimChannel | undefined {
  const bridge = ch.bridgeId ? host.bridges.get(ch.bridgeId) : undefined;
  for (const id of bridge?.channels ?? []) {
    const other = host.channels.get(id);
    if (other?.link) return other;
  }
  return undefined;
}

/**
 * The scripted person heard on `id` (a caller channel, or the externalMedia channel or
 * AudioSocket UUID bridged with one) and where their script started on that media stream.
 */
export function scriptOf(
  host: CallerHost,
  id: string,
): { runner: CallerScriptRunner; offsetMs: number; caller: SimChannel } | undefined {
  let ch = host.channels.get(id) ?? [...host.channels.values()].find((c) => c.uuid === id);
  if (ch?.link) {
    const bridge = ch.bridgeId ? host.bridges.get(ch.bridgeId) : undefined;
    ch = bridge?.channels.map((c) => host.channels.get(c)).find((c) => c?.runner);
  }
  if (!ch?.runner) return undefined;
  return { runner: ch.runner, offsetMs: ch.scriptOffsetMs ?? 0, caller: ch };
}

/** The scripted text spoken at `atMs` of media stream `id` (see {@link scriptOf}). */
export function scriptTextAt(host: CallerHost, id: string, atMs: number): string | undefined {
  const found = scriptOf(host, id);
  return found ? found.runner.textAt(atMs - found.offsetMs) : undefined;
}

/**
 * The scripted utterances overlapping the audio of media stream `id` from `startMs` to `endMs`,
 * joined. The positions count the audio sent on the stream (what the app received: 20 ms a
 * frame, frames not sent not counted), not time, so a late or bunched frame cannot move them.
 * Audio of a scripted caller in which the caller said nothing (line noise, a sound) is `''`,
 * as a real engine hears nothing in it; undefined only when the audio is not a scripted caller's.
 */
export function scriptTextBetween(
  host: CallerHost,
  id: string,
  startMs: number,
  endMs: number,
): string | undefined {
  const found = scriptOf(host, id);
  if (!found) return undefined;
  const from = scriptMsOfSent(found.caller, startMs);
  // The end of the last frame: the script time of that frame, plus its 20 ms.
  const last = scriptMsOfSent(found.caller, Math.max(startMs, endMs - 20));
  if (from === undefined || last === undefined) return undefined;
  const to = last + 20;
  const texts = found.runner.utterances
    .filter((u) => u.startMs < to && u.endMs > from)
    .map((u) => u.text);
  return texts.join(' ');
}
