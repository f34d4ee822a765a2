/**
 * What a scripted callee sends down the line when nobody speaks to it, rendered ahead of time:
 * the audio an outbound call hears after the callee answers, with the ground truth of when
 * they spoke and when a beep began. Used to test and measure answering-machine detection on
 * the same callees the simulator dials.
 *
 * @module
 */

import { FRAME_MS } from '../audio/format.js';
import type { TtsEngine } from '../providers/tts/tts-engine.js';
import { SILENT_FRAME } from './line-audio.js';
import { scriptRunner } from './sim-callers.js';
import type { CalleeBehavior } from './sim-types.js';

/** A callee's line, rendered. */
export interface RenderedCallee {
  /** 16 kHz samples from the moment the callee answered. */
  samples: Int16Array;
  /** Their utterances, ms from the answer. */
  speech: Array<{ text: string; startMs: number; endMs: number }>;
  /** Where the first sound labelled `beep` started, ms from the answer. */
  beepAtMs?: number;
}

/**
 * Runs `behavior`'s script with nobody talking back, for at most `maxMs` (default 15 s) or
 * until it ends, synthesizing its speech with `tts` first.
 */
export async function renderCallee(
  behavior: CalleeBehavior,
  tts: TtsEngine,
  maxMs = 15_000,
): Promise<RenderedCallee> {
  const runner = await scriptRunner(behavior.script, tts);
  const frames: Buffer[] = [];
  while (!runner.finished && frames.length * FRAME_MS < maxMs) {
    frames.push(runner.pull() ?? SILENT_FRAME);
  }
  const bytes = Buffer.concat(frames);
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  const beep = runner.recording.timeline.find(
    (e) => e.kind === 'caller.sound.start' && e.text === 'beep',
  );
  return {
    samples,
    speech: runner.utterances.map((u) => ({ ...u })),
    ...(beep ? { beepAtMs: beep.atMs } : {}),
  };
}
