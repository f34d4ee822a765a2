/**
 * Voicemail beep detection: a steady pure tone (most systems beep at 400-2000 Hz, often 440,
 * 850, 950, 1000 or 1400 Hz, for a quarter to a full second). Each frame's Goertzel power is
 * measured on a 25 Hz grid over that band; a frame is tonal when one frequency holds most of
 * its energy (speech spreads its energy over harmonics and formants) and it is loud enough. A
 * beep is a run of tonal frames at the same frequency (within one grid step) lasting at least
 * `minDurationMs`; it is reported when the tone stops, which is when a message can start.
 *
 * About 75 Goertzel filters per 20 ms frame (the grid, then a refinement around its best
 * point): cheap enough for the media path of a call.
 *
 * @module
 */

import { energy, goertzelPower } from './tone-math.js';

/** Options of {@link BeepDetector}. */
export interface BeepDetectorOptions {
  /** Sample rate; default 16000. */
  sampleRate?: number;
  /** Lowest beep frequency searched; default 400 Hz. */
  minHz?: number;
  /** Highest beep frequency searched; default 2000 Hz. */
  maxHz?: number;
  /** Grid step; default 25 Hz. */
  stepHz?: number;
  /** Shortest beep; default 200 ms. */
  minDurationMs?: number;
  /** A tone longer than this is reported at once (a continuous tone, not a beep); default 3000 ms. */
  maxDurationMs?: number;
  /** Share of a frame's energy at one frequency for it to be tonal, 0..1; default 0.7. */
  minPurity?: number;
  /** RMS (16-bit units) below which a frame is too quiet to be a beep; default 300. */
  minRms?: number;
}

/** A beep heard. */
export interface Beep {
  /** Its frequency, to the grid step. */
  hz: number;
  /** Audio time of its start and end, ms since the first frame. */
  startMs: number;
  endMs: number;
  /** Mean purity of its frames (share of energy at `hz`). */
  purity: number;
}

interface Run {
  hz: number;
  startMs: number;
  frames: number;
  puritySum: number;
}

/** Finds beeps in a stream of frames; {@link BeepDetector.push} returns one when it ends. */
export class BeepDetector {
  readonly #rate: number;
  readonly #grid: number[];
  readonly #step: number;
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #minPurity: number;
  readonly #minRms: number;
  #nowMs = 0;
  #run: Run | undefined;
  #frameMs = 20;

  constructor(options: BeepDetectorOptions = {}) {
    this.#rate = options.sampleRate ?? 16_000;
    this.#step = options.stepHz ?? 25;
    const min = options.minHz ?? 400;
    const max = Math.min(options.maxHz ?? 2000, this.#rate / 2 - this.#step);
    this.#grid = [];
    for (let hz = min; hz <= max; hz += this.#step) this.#grid.push(hz);
    this.#minMs = options.minDurationMs ?? 200;
    this.#maxMs = options.maxDurationMs ?? 3000;
    this.#minPurity = options.minPurity ?? 0.7;
    this.#minRms = options.minRms ?? 300;
  }

  /** Audio time so far, ms. */
  get elapsedMs(): number {
    return this.#nowMs;
  }

  /** Analyses one frame; returns a beep when one has just ended (or has lasted `maxDurationMs`). */
  push(samples: Int16Array): Beep | undefined {
    const ms = (samples.length * 1000) / this.#rate;
    this.#frameMs = ms;
    const tone = this.#tonal(samples);
    const startMs = this.#nowMs;
    this.#nowMs += ms;
    const run = this.#run;
    if (tone && run && Math.abs(tone.hz - run.hz) <= this.#step) {
      run.frames++;
      run.puritySum += tone.purity;
      if (run.frames * ms >= this.#maxMs) return this.#end();
      return undefined;
    }
    const ended = this.#end();
    if (tone) this.#run = { hz: tone.hz, startMs, frames: 1, puritySum: tone.purity };
    return ended;
  }

  /** `ms` without frames: a tone in progress has ended. */
  silence(ms: number): Beep | undefined {
    const ended = this.#end();
    this.#nowMs += ms;
    return ended;
  }

  /** Ends the current tone; a beep if it lasted long enough. */
  #end(): Beep | undefined {
    const run = this.#run;
    this.#run = undefined;
    if (!run || run.frames * this.#frameMs < this.#minMs) return undefined;
    return {
      hz: run.hz,
      startMs: run.startMs,
      endMs: run.startMs + run.frames * this.#frameMs,
      purity: run.puritySum / run.frames,
    };
  }

  /** The frame's dominant frequency and its share of the energy, when the frame is tonal. */
  #tonal(samples: Int16Array): { hz: number; purity: number } | undefined {
    const n = samples.length;
    if (n === 0) return undefined;
    const e = energy(samples);
    if (Math.sqrt(e / n) < this.#minRms) return undefined;
    let best = 0;
    let bestHz = 0;
    for (const hz of this.#grid) {
      const p = goertzelPower(samples, hz, this.#rate);
      if (p > best) {
        best = p;
        bestHz = hz;
      }
    }
    // The grid may miss the tone by up to half a step: refine around the best point.
    for (let d = this.#step / 2; d >= this.#step / 8; d /= 2) {
      for (const hz of [bestHz - d, bestHz + d]) {
        const p = goertzelPower(samples, hz, this.#rate);
        if (p > best) {
          best = p;
          bestHz = hz;
        }
      }
    }
    const purity = Math.min(1, (2 * best) / (n * e));
    return purity >= this.#minPurity ? { hz: Math.round(bestHz), purity } : undefined;
  }
}
