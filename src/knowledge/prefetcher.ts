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

/**
 * How a prefetch ended: served from a cache layer, computed now (`local`, also when the prefetch
 * embedder is the cloud one), joined an embedding already in flight, skipped over the bound, or
 * failed.
 */
export type PrefetchOutcome = 'memory' | 'redis' | 'local' | 'inflight' | 'skipped' | 'failed';

/** The result of {@link Prefetcher.prefetch}. */
export interface PrefetchResult {
  outcome: PrefetchOutcome;
  /** Why it failed, for `failed`. */
  error?: string;
}

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
 * void prefetcher.prefetch('do you deliver on sunday'); // at end of speech; never rejects
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
   * Starts (or joins) the embedding of `text` and resolves with the outcome. Never rejects: a
   * failure is logged, counted and returned as `failed`.
   */
  async prefetch(text: string): Promise<PrefetchResult> {
    if (this.#embedder.peek(text)) return this.#count('memory');
    if (this.#embedder.inflight(text)) return this.#count('inflight');
    if (this.#active >= this.#max) return this.#count('skipped');
    this.#active++;
    try {
      const { source } = await this.#embedder.embedOne(text, { kind: 'query' });
      const known = source === 'redis' || source === 'inflight' || source === 'memory';
      return this.#count(known ? source : 'local');
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.#logger?.warn({ err: error }, 'embedding prefetch failed; retrieval will embed again');
      return { ...this.#count('failed'), error };
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

  #count(outcome: PrefetchOutcome): PrefetchResult {
    this.#metrics?.prefetch.inc({ outcome });
    return { outcome };
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
