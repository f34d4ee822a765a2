/**
 * The embedding cache: the {@link TieredCache} (an in-process LRU in front of a shared Redis)
 * holding query and passage vectors.
 *
 * Key: `emb:<model>:<q|p>:<sha256 of the normalized text>` (see {@link normalizeQuery}); value:
 * the vector as Float32 little-endian bytes ({@link encodeVector}), with a TTL. Without Redis the
 * in-process layer is the whole cache; when Redis is down or stops answering, lookups fail fast
 * (at most `lookupTimeoutMs` once, then Redis is skipped for `retryAfterMs` or until it
 * reconnects), are counted, and the cache carries on in memory.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import { type SharedTier, TieredCache } from '../cache/tiered-cache.js';
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
  readonly #tier: TieredCache<Float32Array>;

  constructor(options: EmbeddingCacheOptions = {}) {
    const metrics = options.metrics;
    this.#tier = new TieredCache<Float32Array>({
      name: 'embedding cache',
      ttlMs: options.ttlMs ?? 7 * 24 * 3600_000,
      memory: { maxEntries: options.memoryEntries ?? 5000 },
      redis: options.redis,
      shared: vectorsInRedis,
      lookupTimeoutMs: options.lookupTimeoutMs ?? 30,
      retryAfterMs: options.retryAfterMs,
      onError: metrics ? (op) => metrics.embeddingCacheErrors.inc({ op }) : undefined,
      logger: options.logger,
      now: options.now,
    });
  }

  /** Stops listening to the Redis connection (the connection itself belongs to the caller). */
  close(): void {
    this.#tier.close();
  }

  /** The cache key for a text embedded by `model` as `kind`. */
  key(model: string, kind: EmbedKind, text: string): string {
    return `emb:${model}:${kind === 'query' ? 'q' : 'p'}:${sha256(normalizeQuery(text)).slice(0, 32)}`;
  }

  /** The in-process entry, synchronously. */
  peek(key: string): Float32Array | undefined {
    return this.#tier.peek(key);
  }

  /** Looks in memory, then Redis (a Redis hit is copied into memory). Never rejects. */
  async get(key: string): Promise<CacheHit | undefined> {
    const hit = await this.#tier.get(key);
    return hit ? { vector: hit.value, layer: hit.layer } : undefined;
  }

  /** Looks only in Redis; undefined when missing, unconfigured, unavailable or slow. Never rejects. */
  getShared(key: string): Promise<Float32Array | undefined> {
    return this.#tier.getShared(key);
  }

  /** Stores in memory and (best effort) in Redis. Never rejects. */
  set(key: string, vector: Float32Array): Promise<void> {
    return this.#tier.set(key, vector);
  }

  /** Drops the in-process layer (Redis is left alone). */
  clearMemory(): void {
    this.#tier.clearMemory();
  }
}

const vectorsInRedis: SharedTier<Float32Array> = {
  async read(redis: Redis, key: string) {
    const bytes = await redis.getBuffer(key);
    return bytes ? decodeVector(bytes) : undefined;
  },
  write: (redis, key, vector, ttlMs) => redis.set(key, encodeVector(vector), 'PX', ttlMs),
};
