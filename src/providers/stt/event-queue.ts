/**
 * A single-consumer async queue: the streaming engines put transcript events in as their
 * sockets deliver them, and the caller reads them with `for await`.
 *
 * @module
 */

/** Events in, one async iterator out; `fail` ends the iteration with an error. */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: ((r: IteratorResult<T>) => void) | undefined;
  #rejecter: ((err: unknown) => void) | undefined;
  #done = false;
  #error: unknown;

  /** Adds an event (ignored once ended). */
  put(item: T): void {
    if (this.#done) return;
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      this.#rejecter = undefined;
      w({ value: item, done: false });
    } else this.#items.push(item);
  }

  /** Ends the iteration after the queued events. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#waiter?.({ value: undefined, done: true });
    this.#waiter = undefined;
    this.#rejecter = undefined;
  }

  /** Ends the iteration with `err` after the queued events. */
  fail(err: unknown): void {
    if (this.#done) return;
    this.#error = err;
    this.#done = true;
    const r = this.#rejecter;
    this.#waiter = undefined;
    this.#rejecter = undefined;
    r?.(err);
  }

  /** True once ended or failed. */
  get ended(): boolean {
    return this.#done;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#done) {
          return this.#error === undefined
            ? Promise.resolve({ value: undefined, done: true })
            : Promise.reject(this.#error);
        }
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.#waiter = resolve;
          this.#rejecter = reject;
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
