/**
 * Query-embedding prefetch (seed 001): at end of speech, while the filler plays, look the query up
 * in the caches and otherwise start the local embedding at once, so that retrieval finds the
 * vector ready. One task per key in the whole process (shared with retrieval through the
 * {@link CachedEmbedder}), at most `maxConcurrent` prefetches computing at a time (over the bound
 * the prefetch is skipped and counted; retrieval computes the vector itself), and a failed
 * prefetch is logged and counted, never thrown.
 *
 * @module
 */
import type { Logger } from '../telemetry/logger.js';
import { seconds } from '../telemetry/metrics.js';
import type { CachedEmbedder, SourcedVector } from './cached-embedder.js';
import type { KnowledgeMetrics } from './metrics.js';

/** How a prefetch was served: a cache layer, a new local embedding, an embedding already in flight, or skipped. */
export type PrefetchOutcome = 'memory' | 'redis' | 'local' | 'inflight' | 'skipped';

/** Options for {@link Prefetcher}. */
export interface PrefetcherOptions {
  /** The local embedder, wrapped in the cache. */
  embedder: CachedEmbedder;
  /** Most prefetches computing at once (default 8). */
  maxConcurrent?: number;
  metrics?: KnowledgeMetrics;
  logger?: Logger;
}

/** What {@link Prefetcher.await} found. */
export interface AwaitedVector {
  vector: Float32Array;
  /** Time spent waiting for the in-flight task, ms (0 when it was already cached). */
  waitedMs: number;
}

/**
 * The process-wide prefetcher; share one instance between all calls.
 *
 * @example
 * ```ts
 * const prefetcher = new Prefetcher({ embedder: cachedLocal, maxConcurrent: 8, metrics });
 * void prefetcher.prefetch('do you deliver on sunday'); // at end of speech
 * const ready = await prefetcher.await('do you deliver on sunday'); // in retrieval
 * ```
 */
export class Prefetcher {
  readonly #embedder: CachedEmbedder;
  readonly #max: number;
  readonly #metrics: KnowledgeMetrics | undefined;
  readonly #logger: Logger | undefined;
  #active = 0;

  constructor(options: PrefetcherOptions) {
    this.#embedder = options.embedder;
    this.#max = options.maxConcurrent ?? 8;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
  }

  /** Prefetches computing now. */
  get active(): number {
    return this.#active;
  }

  /**
   * Starts (or joins) the embedding of `text`. Resolves with the outcome; rejects only if the
   * embedding itself failed (the failure is also logged and counted), so callers may ignore it.
   */
  async prefetch(text: string): Promise<PrefetchOutcome> {
    if (this.#embedder.peek(text)) return this.#count('memory');
    if (this.#embedder.inflight(text)) return this.#count('inflight');
    if (this.#active >= this.#max) return this.#count('skipped');
    this.#active++;
    try {
      const { source } = await this.#embedder.embedOne(text, { kind: 'query' });
      return this.#count(
        source === 'redis'
          ? 'redis'
          : source === 'inflight'
            ? 'inflight'
            : source === 'memory'
              ? 'memory'
              : 'local',
      );
    } catch (err) {
      this.#metrics?.prefetch.inc({ outcome: 'failed' });
      this.#logger?.warn(
        { err: (err as Error).message },
        'embedding prefetch failed; retrieval will embed again',
      );
      throw err;
    } finally {
      this.#active--;
    }
  }

  /**
   * The prefetched vector of `text`: from memory, or by waiting for the in-flight task (the wait is
   * observed in `voxstate_prefetch_wait_seconds`). Undefined when nothing was prefetched, the
   * prefetch failed, or `signal` fired; the caller then embeds the query itself.
   */
  async await(text: string, signal?: AbortSignal): Promise<AwaitedVector | undefined> {
    const cached = this.#embedder.peek(text);
    if (cached) return { vector: cached, waitedMs: 0 };
    const flight = this.#embedder.inflight(text);
    if (!flight) return undefined;
    const started = performance.now();
    try {
      const result = await raceSignal(flight, signal);
      const waitedMs = performance.now() - started;
      this.#metrics?.prefetchWait.observe(seconds(waitedMs));
      return { vector: result.vector, waitedMs };
    } catch {
      return undefined;
    }
  }

  #count(outcome: PrefetchOutcome): PrefetchOutcome {
    this.#metrics?.prefetch.inc({ outcome });
    return outcome;
  }
}

function raceSignal(
  promise: Promise<SourcedVector>,
  signal: AbortSignal | undefined,
): Promise<SourcedVector> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
