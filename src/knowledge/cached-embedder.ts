/**
 * An {@link Embedder} wrapper that serves vectors from the {@link EmbeddingCache} and runs at most
 * one embedding per key at a time in the whole process: concurrent requests for the same text
 * (two calls asking the same question, or a prefetch and the retrieval it feeds) share one
 * in-flight task. The shared task is cancelled only when every waiter has given up.
 *
 * @module
 */
import { AbortedError } from '../errors.js';
import type { Embedder, EmbedKind, EmbedOptions } from '../providers/embeddings/embedder.js';
import type { Logger } from '../telemetry/logger.js';
import { seconds } from '../telemetry/metrics.js';
import type { EmbeddingCache } from './embedding-cache.js';
import type { KnowledgeMetrics } from './metrics.js';

/** Where a vector came from. */
export type VectorSource = 'memory' | 'redis' | 'local' | 'cloud' | 'inflight';

/** A vector and its source. */
export interface SourcedVector {
  vector: Float32Array;
  source: VectorSource;
}

interface Flight {
  promise: Promise<SourcedVector>;
  controller: AbortController;
  waiters: number;
  /** A waiter without a signal keeps the task alive to the end. */
  pinned: boolean;
}

/** Options for {@link CachedEmbedder}. */
export interface CachedEmbedderOptions {
  metrics?: KnowledgeMetrics;
  logger?: Logger;
}

/**
 * Cache-first embedder with in-flight deduplication.
 *
 * @example
 * ```ts
 * const local = new CachedEmbedder(localEmbedder, cache, { metrics });
 * const [a, b] = await Promise.all([local.embedOne('hours?', { kind: 'query' }), local.embedOne('Hours', { kind: 'query' })]);
 * // one embedding ran; b.source === 'inflight'
 * ```
 */
export class CachedEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly layer: 'local' | 'cloud';
  readonly inner: Embedder;
  readonly #cache: EmbeddingCache;
  readonly #flights = new Map<string, Flight>();
  readonly #metrics: KnowledgeMetrics | undefined;

  constructor(inner: Embedder, cache: EmbeddingCache, options: CachedEmbedderOptions = {}) {
    this.inner = inner;
    this.model = inner.model;
    this.dimensions = inner.dimensions;
    this.layer = inner.layer;
    this.#cache = cache;
    this.#metrics = options.metrics;
  }

  /** The cache key of `text` for this model. */
  key(text: string, kind: EmbedKind = 'query'): string {
    return this.#cache.key(this.model, kind, text);
  }

  /** The in-process cached vector, synchronously. */
  peek(text: string, kind: EmbedKind = 'query'): Float32Array | undefined {
    return this.#cache.peek(this.key(text, kind));
  }

  /** The in-flight task for `text`, if one is running. */
  inflight(text: string, kind: EmbedKind = 'query'): Promise<SourcedVector> | undefined {
    return this.#flights.get(this.key(text, kind))?.promise;
  }

  /** Number of embeddings in flight. */
  get inflightCount(): number {
    return this.#flights.size;
  }

  /** Embeds each text through the cache (misses run concurrently, one task per distinct key). */
  async embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    const results = await Promise.all(texts.map((t) => this.embedOne(t, options)));
    return results.map((r) => r.vector);
  }

  /** Embeds one text and says where the vector came from. */
  async embedOne(text: string, options: EmbedOptions): Promise<SourcedVector> {
    const key = this.key(text, options.kind);
    const hit = this.#cache.peek(key);
    if (hit) {
      this.#metrics?.embeddingCache.inc({ result: 'memory', layer: this.layer });
      return { vector: hit, source: 'memory' };
    }
    let flight = this.#flights.get(key);
    let source: VectorSource | undefined;
    if (flight) source = 'inflight';
    else flight = this.#start(key, text, options.kind);
    const result = await this.#join(flight, options.signal);
    return source ? { vector: result.vector, source } : result;
  }

  #start(key: string, text: string, kind: EmbedKind): Flight {
    const controller = new AbortController();
    const promise = (async (): Promise<SourcedVector> => {
      const shared = await this.#cache.getShared(key);
      if (shared) {
        this.#metrics?.embeddingCache.inc({ result: 'redis', layer: this.layer });
        return { vector: shared, source: 'redis' };
      }
      this.#metrics?.embeddingCache.inc({ result: 'miss', layer: this.layer });
      const started = performance.now();
      const [vector] = await this.inner.embed([text], { kind, signal: controller.signal });
      if (!vector) throw new Error(`${this.model} returned no vector`);
      const histogram =
        this.layer === 'local'
          ? this.#metrics?.localEmbeddingLatency
          : this.#metrics?.fallbackEmbeddingLatency;
      histogram?.observe(seconds(performance.now() - started));
      void this.#cache.set(key, vector);
      return { vector, source: this.layer };
    })();
    const flight: Flight = { promise, controller, waiters: 0, pinned: false };
    this.#flights.set(key, flight);
    promise.then(
      () => this.#flights.delete(key),
      () => this.#flights.delete(key),
    );
    return flight;
  }

  #join(flight: Flight, signal: AbortSignal | undefined): Promise<SourcedVector> {
    if (!signal) {
      flight.pinned = true;
      return flight.promise;
    }
    if (signal.aborted) return Promise.reject(new AbortedError('embedding'));
    flight.waiters++;
    return new Promise<SourcedVector>((resolve, reject) => {
      const onAbort = (): void => {
        flight.waiters--;
        if (flight.waiters === 0 && !flight.pinned) flight.controller.abort();
        reject(new AbortedError('embedding'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          flight.waiters--;
          resolve(v);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', onAbort);
          flight.waiters--;
          reject(err);
        },
      );
    });
  }
}
