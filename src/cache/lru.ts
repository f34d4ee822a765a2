/**
 * A small in-process LRU cache with per-entry TTL and a size bound, used in front of every
 * Redis cache and for retrieval results.
 *
 * @module
 */

/** Options for {@link LruCache}. */
export interface LruOptions<V> {
  /** Most entries kept. */
  maxEntries: number;
  /** Time to live of an entry, ms; 0 or undefined keeps entries until evicted. */
  ttlMs?: number;
  /** Optional weight bound (e.g. bytes); needs `sizeOf`. */
  maxSize?: number;
  /** Weight of a value, for `maxSize`. */
  sizeOf?: (value: V) => number;
  /** Clock, ms; injectable for tests. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  size: number;
}

/**
 * Least-recently-used cache with TTL.
 *
 * @example
 * ```ts
 * const cache = new LruCache<string, Float32Array>({ maxEntries: 1000, ttlMs: 60_000 });
 * cache.set('k', vec);
 * cache.get('k'); // vec, and 'k' becomes most recently used
 * ```
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, Entry<V>>();
  readonly #opts: LruOptions<V>;
  readonly #now: () => number;
  #size = 0;

  constructor(options: LruOptions<V>) {
    if (!(options.maxEntries > 0)) throw new RangeError('maxEntries must be positive');
    this.#opts = options;
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries, expired ones included until they are touched. */
  get entries(): number {
    return this.#map.size;
  }

  /** Total weight of the entries (with `sizeOf`), else the entry count. */
  get size(): number {
    return this.#size;
  }

  /** The value for `key`, or undefined when missing or expired. */
  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.delete(key);
      return undefined;
    }
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }

  /** True when `key` has a live value (does not refresh recency). */
  has(key: K): boolean {
    const entry = this.#map.get(key);
    return entry !== undefined && entry.expiresAt > this.#now();
  }

  /** Stores `value`, evicting the least recently used entries past the bounds. */
  set(key: K, value: V, ttlMs = this.#opts.ttlMs): this {
    this.delete(key);
    const size = this.#opts.sizeOf ? this.#opts.sizeOf(value) : 1;
    if (this.#opts.maxSize !== undefined && size > this.#opts.maxSize) return this;
    const expiresAt = ttlMs ? this.#now() + ttlMs : Number.POSITIVE_INFINITY;
    this.#map.set(key, { value, expiresAt, size });
    this.#size += size;
    this.#evict();
    return this;
  }

  /** Removes `key`; true when it was there. */
  delete(key: K): boolean {
    const entry = this.#map.get(key);
    if (!entry) return false;
    this.#map.delete(key);
    this.#size -= entry.size;
    return true;
  }

  /** Removes everything. */
  clear(): void {
    this.#map.clear();
    this.#size = 0;
  }

  #evict(): void {
    const { maxEntries, maxSize } = this.#opts;
    for (const key of this.#map.keys()) {
      const over = this.#map.size > maxEntries || (maxSize !== undefined && this.#size > maxSize);
      if (!over) break;
      this.delete(key);
    }
  }
}
