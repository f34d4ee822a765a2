/**
 * A stream recorded as it is produced and read later from its beginning: what a preemptive
 * answer produced before the caller's turn was confirmed (the model's events, the first
 * sentence's audio) is replayed to the answer that takes it over, then followed live.
 *
 * @module
 */

/**
 * One producer, any number of readers, each from the first item.
 *
 * @example
 * ```ts
 * const s = new ReplayStream<string>();
 * s.push('a');
 * s.end();
 * for await (const x of s) console.log(x); // 'a'
 * ```
 */
export class ReplayStream<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #error: unknown;
  #failed = false;
  #wake: Array<() => void> = [];

  /** Items so far. */
  get items(): readonly T[] {
    return this.#items;
  }

  /** True once ended or failed. */
  get finished(): boolean {
    return this.#ended || this.#failed;
  }

  push(item: T): void {
    if (this.finished) return;
    this.#items.push(item);
    this.#notify();
  }

  end(): void {
    if (this.finished) return;
    this.#ended = true;
    this.#notify();
  }

  fail(err: unknown): void {
    if (this.finished) return;
    this.#failed = true;
    this.#error = err;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    let i = 0;
    for (;;) {
      if (i < this.#items.length) {
        yield this.#items[i++] as T;
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = [];
    for (const w of wake) w();
  }
}
