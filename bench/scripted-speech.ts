/**
 * The scripted-speech loop the turn-taking benchmarks share (`eot`, `noise`): espeak-ng speaks
 * scripted pieces, the speech's bounds are found in the samples, the voice activity
 * probabilities of a line run through an endpointer (with streaming partials arriving when
 * given), and delays are summed up as percentiles.
 *
 * @module
 */
import type { Endpointer, EndpointerEvent } from '../src/media/endpointer.js';
import { VAD_WINDOW_MS } from '../src/media/vad.js';
import { createEspeakEngine } from '../src/providers/tts/espeak.js';
import { synthesizeScript } from '../src/simulator/script-audio.js';

/** Sample rate of every line, Hz. */
export const RATE = 16_000;

/** First and last sample of 10 ms blocks within 35 dB of the loudest block. */
export function speechBounds(x: Float32Array): [number, number] {
  const block = 160;
  const levels: number[] = [];
  for (let at = 0; at + block <= x.length; at += block) {
    let s = 0;
    for (let i = at; i < at + block; i++) s += (x[i] ?? 0) ** 2;
    levels.push(Math.sqrt(s / block));
  }
  const floor = Math.max(...levels) * 10 ** (-35 / 20);
  const first = levels.findIndex((l) => l > floor);
  const last = levels.length - 1 - [...levels].reverse().findIndex((l) => l > floor);
  return [first * block, (last + 1) * block];
}

/** The `p`th percentile (nearest rank), rounded; null for no values. */
export function percentile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number);
}

/**
 * Speaks each group of pieces with one espeak-ng engine (one thread): the samples of every
 * piece, as floats, group by group.
 */
export async function speak(
  groups: ReadonlyArray<ReadonlyArray<{ say: string; lang: string }>>,
): Promise<Float32Array[][]> {
  const espeak = createEspeakEngine({ threads: 1 });
  try {
    return await Promise.all(
      groups.map(async (pieces) => {
        const audio = await synthesizeScript({ steps: pieces.map((p) => ({ ...p })) }, espeak);
        return pieces.map((_, i) =>
          Float32Array.from(audio.get(i) ?? new Int16Array(0), (v) => v / 32_768),
        );
      }),
    );
  } finally {
    await espeak.close();
  }
}

/**
 * Runs a line's voice activity probabilities (one per VAD window) through `endpointer`. Each
 * partial transcript is given to it when its time comes; with `untilMs`, time then runs on to
 * there with no audio.
 */
export function endpointLine(
  endpointer: Endpointer,
  probabilities: readonly number[],
  options: { partials?: ReadonlyArray<{ atMs: number; text: string }>; untilMs?: number } = {},
): EndpointerEvent[] {
  const arrivals = [...(options.partials ?? [])];
  const events: EndpointerEvent[] = [];
  probabilities.forEach((p, i) => {
    const t = i * VAD_WINDOW_MS;
    while (arrivals.length > 0 && (arrivals[0]?.atMs ?? Number.POSITIVE_INFINITY) <= t) {
      const a = arrivals.shift() as { atMs: number; text: string };
      endpointer.setPartial(a.text);
      events.push(...endpointer.advance(a.atMs));
    }
    events.push(...endpointer.push(p, t));
  });
  if (options.untilMs !== undefined) events.push(...endpointer.advance(options.untilMs));
  return events;
}
