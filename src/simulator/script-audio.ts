/**
 * Synthesizes a caller script's utterances ahead of the call, with any {@link TtsEngine} (the
 * simulator uses the espeak-ng engine, which runs on its own worker threads), so that nothing
 * CPU-heavy happens on the main thread while the call runs.
 *
 * @module
 */

import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { CallerScript } from './caller-script.js';

/** 16 kHz samples of each `say` step that has no audio of its own, by step index. */
export async function synthesizeScript(
  script: CallerScript,
  tts: TtsEngine,
  signal?: AbortSignal,
): Promise<Map<number, Int16Array>> {
  const out = new Map<number, Int16Array>();
  const jobs = script.steps.map(async (step, index) => {
    if (!('say' in step) || step.audio !== undefined) return;
    const chunks: Buffer[] = [];
    const language = (step.lang ?? script.lang ?? 'en').split('-')[0]!;
    for await (const chunk of tts.synthesize({
      text: step.say,
      language,
      format: 'slin16',
      ...(signal ? { signal } : {}),
    })) {
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    const samples = new Int16Array(bytes.length >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
    out.set(index, samples);
  });
  await Promise.all(jobs);
  return out;
}
