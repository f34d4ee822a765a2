/**
 * Synthesizes a caller script's utterances ahead of the call, with any {@link TtsEngine} (the
 * simulator uses the espeak-ng engine, which runs on its own worker threads), so that nothing
 * CPU-heavy happens on the main thread while the call runs. Utterances are cached per engine,
 * text and language, so a script reused by many simulated calls is synthesized once.
 *
 * @module
 */

import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { CallerScript } from './caller-script.js';

/** Most utterances kept per engine. */
const CACHE_LIMIT = 500;
const caches = new WeakMap<TtsEngine, Map<string, Promise<Int16Array>>>();

async function synthesizeOne(
  tts: TtsEngine,
  text: string,
  language: string,
  signal?: AbortSignal,
): Promise<Int16Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of tts.synthesize({
    text,
    language,
    format: 'slin16',
    ...(signal ? { signal } : {}),
  })) {
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const samples = new Int16Array(bytes.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2);
  return samples;
}

/** 16 kHz samples of each `say` step that has no audio of its own, by step index. */
export async function synthesizeScript(
  script: CallerScript,
  tts: TtsEngine,
  signal?: AbortSignal,
): Promise<Map<number, Int16Array>> {
  let cache = caches.get(tts);
  if (!cache) {
    cache = new Map();
    caches.set(tts, cache);
  }
  const out = new Map<number, Int16Array>();
  const jobs = script.steps.map(async (step, index) => {
    if (!('say' in step) || step.audio !== undefined) return;
    const language = (step.lang ?? script.lang ?? 'en').split('-')[0]!;
    const key = `${language}\u0000${step.say}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = synthesizeOne(tts, step.say, language, signal);
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
      if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    }
    out.set(index, await pending);
  });
  await Promise.all(jobs);
  return out;
}
