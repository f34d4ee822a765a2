/**
 * An adaptive silence threshold for line noise: the quietest frame level of the last
 * `windowMs` (a minimum over a sliding window) is the noise floor, and a frame is silence
 * when its level is under `ratio` times that floor or under the fixed threshold, whichever is
 * higher. Steady hiss then counts as silence while speech, which always dips between words
 * and before the callee speaks, keeps the floor down.
 *
 * Asterisk's AMD has only the fixed threshold; with hiss above it (a mean absolute level over
 * 256, about -39 dBFS) every frame is voice and every callee a machine.
 *
 * @module
 */

/** Options of {@link NoiseFloor}. */
export interface NoiseFloorOptions {
  /** How far over the floor a frame must be to be voice; default 2.5 (8 dB). */
  ratio?: number;
  /** How far back the floor looks; default 1000 ms. */
  windowMs?: number;
}

/** Tracks the noise floor of 20 ms frame levels. */
export class NoiseFloor {
  readonly #ratio: number;
  readonly #windowMs: number;
  /** Frame levels and their durations, oldest first, covering at most `windowMs`. */
  readonly #levels: Array<{ level: number; ms: number }> = [];
  #spanMs = 0;

  constructor(options: NoiseFloorOptions = {}) {
    this.#ratio = options.ratio ?? 2.5;
    this.#windowMs = options.windowMs ?? 1000;
  }

  /** Adds a frame's level (mean absolute sample value) lasting `ms`; returns the threshold. */
  add(level: number, ms: number): number {
    this.#levels.push({ level, ms });
    this.#spanMs += ms;
    while (this.#levels.length > 1 && this.#spanMs - this.#levels[0]!.ms >= this.#windowMs) {
      this.#spanMs -= this.#levels.shift()!.ms;
    }
    return this.threshold;
  }

  /** The noise floor times the ratio (0 before any frame). */
  get threshold(): number {
    let floor = Number.POSITIVE_INFINITY;
    for (const { level } of this.#levels) if (level < floor) floor = level;
    return Number.isFinite(floor) ? floor * this.#ratio : 0;
  }
}
