/**
 * Two-layer embedding cache: an in-process LRU in front of a shared Redis.
 *
 * Key: `emb:<model>:<q|p>:<sha256 of the normalized text>` (see {@link normalizeQuery}); value:
 * the vector as Float32 little-endian bytes ({@link encodeVector}), with a TTL. Without Redis the
 * in-process layer is the whole cache. When Redis is down, lookups and writes fail fast (the
 * connection has no offline queue), are counted, and the cache carries on in memory; the client
 * reconnects by itself and the shared layer is used again as soon as it is back. A Redis that
 * accepts the connection but does not answer (a network partition) costs at most
 * `lookupTimeoutMs` once; after a failed lookup Redis is skipped for `retryAfterMs`, or until the
 * client reconnects, so a sick Redis never sits on the answer path.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import { LruCache } from '../cache/lru.js';
import type { EmbedKind } from '../providers/embeddings/embedder.js';
import type { Logger } from '../telemetry/logger.js';
import type { KnowledgeMetrics } from './metrics.js';
import { normalizeQuery, sha256 } from './normalize.js';
import { decodeVector, encodeVector } from './vector-codec.js';

/** Options for {@link EmbeddingCache}. */
export interface EmbeddingCacheOptions {
  /** Shared layer (from `connectRedis`); omit for in-process only. */
  redis?: Redis;
  /** Time to live in both layers, ms (default 7 days). */
  ttlMs?: number;
  /** In-process entries (default 5000). */
  memoryEntries?: number;
  metrics?: KnowledgeMetrics;
  logger?: Logger;
  /** Longest wait for a Redis lookup before computing the vector instead, ms (default 30). */
  lookupTimeoutMs?: number;
  /** After a failed lookup, skip Redis lookups this long unless it reconnects, ms (default 1000). */
  retryAfterMs?: number;
  /** Clock for the LRU, ms. */
  now?: () => number;
}

/** A cache hit and the layer that served it. */
export interface CacheHit {
  vector: Float32Array;
  layer: 'memory' | 'redis';
}

/**
 * The embedding cache.
 *
 * @example
 * ```ts
 * const cache = new EmbeddingCache({ redis, ttlMs: 86_400_000 });
 * const key = cache.key('local:tiny-bert', 'query', 'Do you deliver?');
 * await cache.set(key, vector);
 * (await cache.get(key))?.layer; // 'memory'
 * ```
 */
export class EmbeddingCache {
  readonly #memory: LruCache<string, Float32Array>;
  readonly #redis: Redis | undefined;
  readonly #ttlMs: number;
  readonly #metrics: KnowledgeMetrics | undefined;
  readonly #logger: Logger | undefined;
  readonly #lookupTimeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #onReady = (): void => {
    this.#skipUntil = 0;
  };
  #redisFailing = false;
  #skipUntil = 0;

  constructor(options: EmbeddingCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 7 * 24 * 3600_000;
    this.#memory = new LruCache({
      maxEntries: options.memoryEntries ?? 5000,
      ttlMs: this.#ttlMs,
      ...(options.now ? { now: options.now } : {}),
    });
    this.#redis = options.redis;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#lookupTimeoutMs = options.lookupTimeoutMs ?? 30;
    this.#retryAfterMs = options.retryAfterMs ?? 1000;
    this.#redis?.on('ready', this.#onReady);
  }

  /** Stops listening to the Redis connection (the connection itself belongs to the caller). */
  close(): void {
    this.#redis?.off('ready', this.#onReady);
  }

  /** The cache key for a text embedded by `model` as `kind`. */
  key(model: string, kind: EmbedKind, text: string): string {
    return `emb:${model}:${kind === 'query' ? 'q' : 'p'}:${sha256(normalizeQuery(text)).slice(0, 32)}`;
  }

  /** The in-process entry, synchronously. */
  peek(key: string): Float32Array | undefined {
    return this.#memory.get(key);
  }

  /** Looks in memory, then Redis (a Redis hit is copied into memory). Never rejects. */
  async get(key: string): Promise<CacheHit | undefined> {
    const local = this.#memory.get(key);
    if (local) return { vector: local, layer: 'memory' };
    const vector = await this.getShared(key);
    return vector ? { vector, layer: 'redis' } : undefined;
  }

  /** Looks only in Redis; undefined when missing, unconfigured, unavailable or slow. Never rejects. */
  async getShared(key: string): Promise<Float32Array | undefined> {
    if (!this.#redis || performance.now() < this.#skipUntil) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const bytes = await Promise.race([
        this.#redis.getBuffer(key),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#lookupTimeoutMs} ms`)),
            this.#lookupTimeoutMs,
          );
        }),
      ]);
      this.#recovered();
      if (!bytes) return undefined;
      const vector = decodeVector(bytes);
      this.#memory.set(key, vector);
      return vector;
    } catch (err) {
      this.#skipUntil = performance.now() + this.#retryAfterMs;
      this.#failed('get', err);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stores in memory and (best effort) in Redis. Never rejects. */
  async set(key: string, vector: Float32Array): Promise<void> {
    this.#memory.set(key, vector);
    if (!this.#redis) return;
    try {
      await this.#redis.set(key, encodeVector(vector), 'PX', this.#ttlMs);
      this.#recovered();
    } catch (err) {
      this.#failed('set', err);
    }
  }

  /** Drops the in-process layer (Redis is left alone). */
  clearMemory(): void {
    this.#memory.clear();
  }

  #failed(op: 'get' | 'set', err: unknown): void {
    this.#metrics?.embeddingCacheErrors.inc({ op });
    if (!this.#redisFailing) {
      this.#redisFailing = true;
      this.#logger?.warn(
        { err: (err as Error).message, op },
        'embedding cache: redis unavailable, using memory only',
      );
    }
  }

  #recovered(): void {
    if (this.#redisFailing) {
      this.#redisFailing = false;
      this.#logger?.info('embedding cache: redis is back');
    }
  }
}
