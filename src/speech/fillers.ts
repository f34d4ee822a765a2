/**
 * Picks filler phrases for one call so that a caller never hears the same filler twice in a
 * row, and not again until every other one has been used.
 *
 * @module
 */
import { fillerTexts } from '../prompts/phrases.js';

/**
 * A per-call filler picker.
 *
 * @example
 * ```ts
 * const picker = new FillerPicker('en');
 * picker.next(); // e.g. 'Let me check...'
 * picker.next(); // a different one
 * ```
 */
export class FillerPicker {
  readonly #texts: readonly string[];
  readonly #random: () => number;
  #unused: number[] = [];
  #last: number | undefined;

  /** `random` returns [0, 1); injectable for deterministic tests. */
  constructor(language: string, random: () => number = Math.random) {
    this.#texts = fillerTexts(language);
    this.#random = random;
  }

  /** Fillers picked so far that are still excluded. */
  get used(): number {
    return this.#texts.length - this.#unused.length;
  }

  /** The next filler: one not used yet in this call; after all were used, any but the last. */
  next(): string {
    if (this.#unused.length === 0) {
      this.#unused = this.#texts.map((_, i) => i).filter((i) => i !== this.#last);
      if (this.#unused.length === 0) this.#unused = this.#texts.map((_, i) => i);
    }
    const at = Math.min(this.#unused.length - 1, Math.floor(this.#random() * this.#unused.length));
    const index = this.#unused.splice(at, 1)[0] as number;
    this.#last = index;
    return this.#texts[index] as string;
  }
}
