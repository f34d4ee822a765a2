/**
 * Retrieval result cache (seed 003): an in-process LRU (lru-cache) with TTL and a size bound, keyed by the
 * normalized query, the knowledge-base version and the language. A new ingest changes the version,
 * so stale results are never served after the knowledge base changes.
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import { normalizeQuery } from './normalize.js';

/** Options for {@link RetrievalCache}. */
export interface RetrievalCacheOptions {
  /** Most results kept (default 1000). */
  maxEntries?: number;
  /** Time to live, ms (default 10 minutes). */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Cache of retrieval results.
 *
 * @example
 * ```ts
 * const cache = new RetrievalCache<Result>({ maxEntries: 1000, ttlMs: 600_000 });
 * cache.set({ query: 'Hours?', version, language: 'en' }, result);
 * cache.get({ query: 'hours', version, language: 'en' }); // result
 * ```
 */
export class RetrievalCache<V extends {}> {
  readonly #lru: LRUCache<string, V>;

  constructor(options: RetrievalCacheOptions = {}) {
    this.#lru = new LRUCache<string, V>({
      max: options.maxEntries ?? 1000,
      ttl: options.ttlMs ?? 600_000,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  /** The key for a query. */
  static key(q: { query: string; version: string; language?: string | undefined }): string {
    return `${q.version}\u0000${q.language ?? ''}\u0000${normalizeQuery(q.query)}`;
  }

  /** The cached result, if any. */
  get(q: { query: string; version: string; language?: string | undefined }): V | undefined {
    return this.#lru.get(RetrievalCache.key(q));
  }

  /** Stores a result. */
  set(q: { query: string; version: string; language?: string | undefined }, value: V): void {
    this.#lru.set(RetrievalCache.key(q), value);
  }

  /** Number of cached results. */
  get entries(): number {
    return this.#lru.size;
  }

  /** Empties the cache. */
  clear(): void {
    this.#lru.clear();
  }
}
