/**
 * A two-tier cache: an in-process LRU ([lru-cache](https://github.com/isaacs/node-lru-cache))
 * in front of a shared Redis layer. The embedding cache and the TTS cache are built on it; each
 * brings its own Redis encoding ({@link SharedTier}).
 *
 * Without Redis the in-process layer is the whole cache. Redis is only used while its client is
 * ready: while it is down, lookups and writes fail fast (no command is sent), are counted through
 * `onError`, and the cache carries on in memory; the client reconnects by itself and the shared
 * layer is used again once it is back. A Redis that accepts the connection but does not answer
 * costs at most `lookupTimeoutMs` once; after a failure Redis is skipped for `retryAfterMs`, or
 * until the client reconnects, so a sick Redis never sits on the answer path. The first failure
 * is logged once, and the recovery once.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../telemetry/logger.js';

/** How one cache keeps its values in Redis. */
export interface SharedTier<V> {
  /** The value of `key` in Redis; undefined on a miss. */
  read(redis: Redis, key: string): Promise<V | undefined>;
  /** Stores `value` under `key` in Redis for `ttlMs`. */
  write(redis: Redis, key: string, value: V, ttlMs: number): Promise<unknown>;
}

/** Bounds of the in-process layer. */
export interface MemoryTierOptions<V> {
  /** Most entries kept. */
  maxEntries?: number;
  /** Total weight kept (e.g. bytes); needs `sizeOf`. Larger single values are not kept. */
  maxSize?: number;
  /** Weight of a value, for `maxSize`. */
  sizeOf?: (value: V) => number;
}

/** Options for {@link TieredCache}. */
export interface TieredCacheOptions<V extends {}> {
  /** Names the cache in logs (`embedding cache`, `tts cache`). */
  name: string;
  /** Time to live in both layers, ms. */
  ttlMs: number;
  /** The in-process layer's bounds; false for none. */
  memory: MemoryTierOptions<V> | false;
  /** The shared connection (from `connectRedis`); omit for in-process only. */
  redis?: Redis | undefined;
  /** The Redis encoding; needed with `redis`. */
  shared?: SharedTier<V> | undefined;
  /** Longest wait for a Redis lookup, ms (default 250). */
  lookupTimeoutMs?: number | undefined;
  /** After a failure, skip Redis this long unless it reconnects, ms (default 1000). */
  retryAfterMs?: number | undefined;
  /** Called for each Redis failure (for an error counter). */
  onError?: ((op: string, err: unknown) => void) | undefined;
  logger?: Logger | undefined;
  /** Clock of the in-process TTL, ms; injectable for tests. */
  now?: (() => number) | undefined;
}

/** A hit and the layer that served it. */
export interface TieredHit<V> {
  value: V;
  layer: 'memory' | 'redis';
}

/** Raised when Redis is not connected, so the caller is told without a command being sent. */
class RedisNotReady extends Error {
  constructor(status: string) {
    super(`redis is ${status}`);
  }
}

/**
 * The tiered cache.
 *
 * @example
 * ```ts
 * const cache = new TieredCache<Buffer>({
 *   name: 'clip cache',
 *   ttlMs: 60_000,
 *   memory: { maxSize: 1 << 20, sizeOf: (b) => b.byteLength },
 *   redis,
 *   shared: {
 *     read: async (r, key) => (await r.getBuffer(key)) ?? undefined,
 *     write: (r, key, value, ttlMs) => r.set(key, value, 'PX', ttlMs),
 *   },
 * });
 * await cache.set('k', Buffer.from('audio'));
 * (await cache.get('k'))?.layer; // 'memory'
 * ```
 */
export class TieredCache<V extends {}> {
  readonly #name: string;
  readonly #ttlMs: number;
  readonly #memory: LRUCache<string, V> | undefined;
  readonly #redis: Redis | undefined;
  readonly #shared: SharedTier<V> | undefined;
  readonly #lookupTimeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #onError: ((op: string, err: unknown) => void) | undefined;
  readonly #logger: Logger | undefined;
  readonly #onReady = (): void => {
    this.#skipUntil = 0;
  };
  #failing = false;
  #skipUntil = 0;

  constructor(options: TieredCacheOptions<V>) {
    this.#name = options.name;
    this.#ttlMs = options.ttlMs;
    this.#memory = options.memory ? memoryLayer(options.memory, options) : undefined;
    if (options.redis && !options.shared) {
      throw new TypeError(`${options.name}: a Redis connection needs its shared tier encoding`);
    }
    this.#redis = options.redis;
    this.#shared = options.shared;
    this.#lookupTimeoutMs = options.lookupTimeoutMs ?? 250;
    this.#retryAfterMs = options.retryAfterMs ?? 1000;
    this.#onError = options.onError;
    this.#logger = options.logger;
    this.#redis?.on('ready', this.#onReady);
  }

  /** True when an in-process layer is kept. */
  get hasMemory(): boolean {
    return this.#memory !== undefined;
  }

  /** True when a shared Redis layer is configured (it may be down). */
  get hasShared(): boolean {
    return this.#redis !== undefined;
  }

  /** Stops listening to the Redis connection (the connection itself belongs to the caller). */
  close(): void {
    this.#redis?.off('ready', this.#onReady);
  }

  /** The in-process entry, synchronously. */
  peek(key: string): V | undefined {
    return this.#memory?.get(key);
  }

  /** Looks in memory, then Redis (a Redis hit is copied into memory). Never rejects. */
  async get(key: string): Promise<TieredHit<V> | undefined> {
    const local = this.#memory?.get(key);
    if (local !== undefined) return { value: local, layer: 'memory' };
    const value = await this.getShared(key);
    return value === undefined ? undefined : { value, layer: 'redis' };
  }

  /**
   * Looks only in Redis (a hit is copied into memory); undefined when missing, unconfigured,
   * down or slow. Never rejects.
   */
  async getShared(key: string): Promise<V | undefined> {
    const shared = this.#shared;
    if (!shared) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const value = await this.withShared('get', (redis) =>
      Promise.race([
        shared.read(redis, key),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#lookupTimeoutMs} ms`)),
            this.#lookupTimeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer)),
    );
    if (value !== undefined) this.#memory?.set(key, value);
    return value;
  }

  /** Stores in memory and (best effort) in Redis. Never rejects. */
  async set(key: string, value: V): Promise<void> {
    this.#memory?.set(key, value);
    const shared = this.#shared;
    if (shared)
      await this.withShared('set', (redis) => shared.write(redis, key, value, this.#ttlMs));
  }

  /** Drops the in-process layer (Redis is left alone). */
  clearMemory(): void {
    this.#memory?.clear();
  }

  /**
   * Runs `op` on Redis when it is configured, connected and not being skipped after a failure;
   * a failure is counted, logged once and returns undefined. Never rejects.
   */
  async withShared<T>(name: string, op: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    const redis = this.#redis;
    if (!redis || performance.now() < this.#skipUntil) return undefined;
    try {
      if (redis.status !== 'ready') throw new RedisNotReady(redis.status);
      const result = await op(redis);
      this.#recovered();
      return result;
    } catch (err) {
      this.#skipUntil = performance.now() + this.#retryAfterMs;
      this.#failed(name, err);
      return undefined;
    }
  }

  #failed(op: string, err: unknown): void {
    this.#onError?.(op, err);
    if (!this.#failing) {
      this.#failing = true;
      this.#logger?.warn(
        { err: (err as Error)?.message, op },
        `${this.#name}: redis unavailable, using memory only`,
      );
    }
  }

  #recovered(): void {
    if (this.#failing) {
      this.#failing = false;
      this.#logger?.info(`${this.#name}: redis is back`);
    }
  }
}

function memoryLayer<V extends {}>(
  bounds: MemoryTierOptions<V>,
  options: TieredCacheOptions<V>,
): LRUCache<string, V> {
  const { sizeOf } = bounds;
  const now = options.now;
  if (bounds.maxEntries === undefined && (bounds.maxSize === undefined || !sizeOf)) {
    throw new TypeError(`${options.name}: the in-process layer needs maxEntries or maxSize`);
  }
  return new LRUCache<string, V>({
    ...(bounds.maxEntries !== undefined ? { max: bounds.maxEntries } : {}),
    ...(bounds.maxSize !== undefined && sizeOf
      ? { maxSize: bounds.maxSize, sizeCalculation: (v: V) => Math.max(1, sizeOf(v)) }
      : {}),
    ttl: options.ttlMs,
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
  } as LRUCache.Options<string, V, unknown>);
}
