/**
 * One producer stream read by any number of consumers, each from the beginning: the TTS
 * service uses it so that concurrent requests for the same clip run one synthesis.
 *
 * @module
 */
import { AbortedError } from '../errors.js';

/**
 * Runs `source` once, eagerly, keeping its chunks; every {@link SharedStream.subscribe} replays
 * them and then follows the live stream. The source is aborted when the last consumer leaves
 * before it has finished.
 *
 * @example
 * ```ts
 * const shared = new SharedStream((signal) => engine.synthesize({ ...req, signal }));
 * for await (const chunk of shared.subscribe(callSignal)) queue.append(chunk);
 * ```
 */
export class SharedStream<T> {
  readonly #chunks: T[] = [];
  readonly #controller = new AbortController();
  #done = false;
  #error: unknown;
  #failed = false;
  #consumers = 0;
  #wake: Array<() => void> = [];
  /** Settles when the source has ended: true when it completed, false when it failed. */
  readonly finished: Promise<boolean>;

  constructor(source: (signal: AbortSignal) => AsyncIterable<T>) {
    this.finished = this.#pump(source);
  }

  /** Chunks received so far. */
  get chunks(): readonly T[] {
    return this.#chunks;
  }

  /** True once the source has completed or failed. */
  get ended(): boolean {
    return this.#done || this.#failed;
  }

  /** Reads every chunk from the first; leaving (break, abort) may abort the source. */
  async *subscribe(signal?: AbortSignal): AsyncGenerator<T> {
    this.#consumers += 1;
    try {
      let i = 0;
      for (;;) {
        while (i < this.#chunks.length) {
          yield this.#chunks[i] as T;
          i += 1;
        }
        if (this.#failed) throw this.#error;
        if (this.#done) return;
        if (signal?.aborted) throw new AbortedError('tts stream');
        await this.#next(signal);
      }
    } finally {
      this.#consumers -= 1;
      if (this.#consumers === 0 && !this.ended) this.#controller.abort();
    }
  }

  #next(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.#wake.push(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }

  async #pump(source: (signal: AbortSignal) => AsyncIterable<T>): Promise<boolean> {
    try {
      for await (const chunk of source(this.#controller.signal)) {
        this.#chunks.push(chunk);
        this.#notify();
      }
      this.#done = true;
      return true;
    } catch (err) {
      this.#error = err;
      this.#failed = true;
      return false;
    } finally {
      this.#notify();
    }
  }
}
