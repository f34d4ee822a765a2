/**
 * The hybrid retriever (seed 000): local vector search plus keyword search first; the cloud
 * embedding model only when the local result is not similar enough (or, when configured, also in
 * the background to refresh the cache); keyword search alone when no embedding model is there.
 *
 * Layers, in order: `cache` (retrieval result cache), `local` (local model's table, best cosine
 * similarity >= threshold, or below it when no cloud layer can do better), `cloud` (cloud model's
 * table), `keyword` (full-text index only). The serving layer is logged and counted in
 * `voxstate_hybrid_retrieval_total{layer}`.
 *
 * @module
 */
import { AbortedError, isAbortError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import { seconds } from '../telemetry/metrics.js';
import type { CachedEmbedder } from './cached-embedder.js';
import { queryLanguage } from './language.js';
import type { KnowledgeMetrics } from './metrics.js';
import type { Prefetcher } from './prefetcher.js';
import { fuse } from './rank-fusion.js';
import type { RetrievalCache } from './retrieval-cache.js';
import type {
  CloudMode,
  RetrievalLayer,
  RetrievalResult,
  RetrievedPassage,
  RetrieveRequest,
} from './retrieval-types.js';
import type { IndexHit, KnowledgeStore } from './store.js';
import type { KbHit } from './types.js';

/** Options for {@link HybridRetriever}. */
export interface HybridRetrieverOptions {
  store: KnowledgeStore;
  /** Local embedder (cached); without it the local layer is skipped. */
  local?: CachedEmbedder;
  /** Cloud embedder (cached); without it there is no cloud layer. */
  cloud?: CachedEmbedder;
  /** Shares prefetched local query vectors. */
  prefetcher?: Prefetcher;
  /** Cosine similarity the local result must reach (default 0.78). */
  threshold?: number;
  /** Default `fallback`. */
  cloudMode?: CloudMode;
  /** Passages returned (default 4). */
  k?: number;
  /** Weight of the keyword list in the rank fusion (default 1; 0 turns keywords off when vectors exist). */
  keywordWeight?: number;
  cache?: RetrievalCache<RetrievalResult>;
  /** How often the knowledge-base version and table sizes are re-read, ms (default 5000). */
  versionRefreshMs?: number;
  metrics?: KnowledgeMetrics;
  logger?: Logger;
}

interface KbState {
  version: string;
  localCount: number;
  cloudCount: number;
  at: number;
}

function toPassage(hit: KbHit): RetrievedPassage {
  return {
    id: hit.chunk.id,
    text: hit.chunk.text,
    score: hit.score,
    source: `${hit.chunk.doc}:${hit.chunk.line}`,
    title: hit.chunk.title,
    lang: hit.chunk.lang,
    ...(hit.similarity !== undefined ? { similarity: hit.similarity } : {}),
    ...(hit.keywordScore !== undefined ? { keywordScore: hit.keywordScore } : {}),
    foundBy: hit.foundBy,
  };
}

/**
 * Hybrid knowledge-base retriever.
 *
 * @example
 * ```ts
 * const retriever = new HybridRetriever({ store, local, cloud, prefetcher, threshold: 0.78, cache });
 * const { passages, layer } = await retriever.retrieve({ query: 'do you deliver on sunday?', language: 'en' });
 * ```
 */
export class HybridRetriever {
  readonly #o: HybridRetrieverOptions;
  readonly #threshold: number;
  readonly #k: number;
  #state: Promise<KbState> | undefined;
  #refreshing = false;

  constructor(options: HybridRetrieverOptions) {
    this.#o = options;
    this.#threshold = options.threshold ?? 0.78;
    this.#k = options.k ?? 4;
  }

  /** The similarity threshold in use. */
  get threshold(): number {
    return this.#threshold;
  }

  /** Forgets the cached knowledge-base version (call after an ingest in this process). */
  invalidate(): void {
    this.#state = undefined;
  }

  /** Retrieves passages for a query. Rejects only when aborted or when the store fails. */
  async retrieve(request: RetrieveRequest): Promise<RetrievalResult> {
    const started = performance.now();
    const { query, language, signal } = request;
    const k = request.k ?? this.#k;
    const state = await this.#kbState();
    throwIfAborted(signal);
    const cacheKey = { query, version: state.version, language };
    const cached = this.#o.cache?.get(cacheKey);
    if (this.#o.cache) this.#o.metrics?.retrievalCache.inc({ result: cached ? 'hit' : 'miss' });
    if (cached) {
      return this.#served({
        ...cached,
        layer: 'cache',
        waitedForPrefetchMs: 0,
        tookMs: performance.now() - started,
      });
    }
    const candidates = Math.max(k * 3, 10);
    const lang = queryLanguage(query, language);
    const searchOpts = { k: candidates, ...(lang ? { lang } : {}) };
    const keywordPromise = this.#o.store.searchKeyword(query, searchOpts);
    keywordPromise.catch(() => undefined);
    const { local, cloud } = this.#o;
    const cloudMode = this.#o.cloudMode ?? 'fallback';
    const cloudUsable = cloud !== undefined && cloudMode !== 'off' && state.cloudCount > 0;

    let localHits: IndexHit[] | undefined;
    let waited = 0;
    if (local && state.localCount > 0) {
      const vector = await this.#localVector(query, signal).catch((err: unknown) => {
        if (isAbortError(err)) throw err;
        this.#o.logger?.warn({ err: (err as Error).message }, 'local query embedding failed');
        return undefined;
      });
      if (vector) {
        waited = vector.waitedMs;
        localHits = await this.#o.store.searchVector(local.model, vector.vector, searchOpts);
      }
    }
    const keywordHits = await keywordPromise;
    throwIfAborted(signal);
    const localSim = localHits?.[0]?.score ?? 0;
    let result: Omit<RetrievalResult, 'tookMs'> | undefined;
    if (localHits && (localSim >= this.#threshold || !cloudUsable)) {
      result = this.#result('local', localHits, keywordHits, state.version, waited, k);
      if (cloudUsable && cloudMode === 'background')
        this.#background(request, state, keywordHits, k);
    } else if (cloudUsable) {
      result = await this.#cloud(query, signal, searchOpts, keywordHits, state.version, waited, k);
    }
    if (!result && localHits)
      result = this.#result('local', localHits, keywordHits, state.version, waited, k);
    result ??= this.#result('keyword', undefined, keywordHits, state.version, waited, k);
    this.#o.cache?.set(cacheKey, { ...result, tookMs: 0 });
    return this.#served({ ...result, tookMs: performance.now() - started });
  }

  async #localVector(
    query: string,
    signal: AbortSignal | undefined,
  ): Promise<{ vector: Float32Array; waitedMs: number }> {
    const prefetched = await this.#o.prefetcher?.await(query, signal);
    if (prefetched) return prefetched;
    throwIfAborted(signal);
    const { vector } = await this.#o.local!.embedOne(query, {
      kind: 'query',
      ...(signal ? { signal } : {}),
    });
    return { vector, waitedMs: 0 };
  }

  async #cloud(
    query: string,
    signal: AbortSignal | undefined,
    searchOpts: { k: number; lang?: string },
    keywordHits: IndexHit[],
    version: string,
    waited: number,
    k: number,
  ): Promise<Omit<RetrievalResult, 'tookMs'> | undefined> {
    const cloud = this.#o.cloud!;
    try {
      const { vector } = await cloud.embedOne(query, {
        kind: 'query',
        ...(signal ? { signal } : {}),
      });
      const hits = await this.#o.store.searchVector(cloud.model, vector, searchOpts);
      return this.#result('cloud', hits, keywordHits, version, waited, k);
    } catch (err) {
      if (isAbortError(err) || signal?.aborted) throw err;
      this.#o.metrics?.fallbackFailures.inc();
      this.#o.logger?.warn(
        { err: (err as Error).message },
        'cloud embedding fallback failed; serving the local result',
      );
      return undefined;
    }
  }

  #background(request: RetrieveRequest, state: KbState, keywordHits: IndexHit[], k: number): void {
    const lang = queryLanguage(request.query, request.language);
    const searchOpts = { k: Math.max(k * 3, 10), ...(lang ? { lang } : {}) };
    void this.#cloud(request.query, undefined, searchOpts, keywordHits, state.version, 0, k)
      .then((result) => {
        if (result)
          this.#o.cache?.set(
            { query: request.query, version: state.version, language: request.language },
            { ...result, tookMs: 0 },
          );
      })
      .catch(() => undefined);
  }

  #result(
    layer: Exclude<RetrievalLayer, 'cache'>,
    vectorHits: IndexHit[] | undefined,
    keywordHits: IndexHit[],
    version: string,
    waited: number,
    k: number,
  ): Omit<RetrievalResult, 'tookMs'> {
    const lists = [
      ...(vectorHits ? [{ by: 'vector' as const, hits: vectorHits }] : []),
      {
        by: 'keyword' as const,
        hits: keywordHits,
        weight: vectorHits ? (this.#o.keywordWeight ?? 1) : 1,
      },
    ];
    const fused = fuse(lists, k);
    return {
      passages: (vectorHits ? fused : keywordScored(fused)).map(toPassage),
      layer,
      computedBy: layer,
      similarity: vectorHits?.[0]?.score ?? 0,
      waitedForPrefetchMs: waited,
      version,
    };
  }

  #served(result: RetrievalResult): RetrievalResult {
    this.#o.metrics?.hybridRetrieval.inc({ layer: result.layer });
    this.#o.metrics?.retrievalLatency.observe({ layer: result.layer }, seconds(result.tookMs));
    this.#o.logger?.info(
      {
        layer: result.layer,
        computedBy: result.computedBy,
        similarity: Number(result.similarity.toFixed(3)),
        passages: result.passages.length,
        waitedForPrefetchMs: Math.round(result.waitedForPrefetchMs),
        ms: Math.round(result.tookMs),
      },
      'retrieval served',
    );
    return result;
  }

  async #kbState(): Promise<KbState> {
    const refreshMs = this.#o.versionRefreshMs ?? 5_000;
    if (!this.#state) {
      this.#state = this.#readState();
      this.#state.catch(() => {
        this.#state = undefined;
      });
      return this.#state;
    }
    const state = await this.#state;
    if (performance.now() - state.at > refreshMs && !this.#refreshing) {
      this.#refreshing = true;
      const next = this.#readState();
      next.then(
        (s) => {
          this.#state = Promise.resolve(s);
          this.#refreshing = false;
        },
        () => {
          this.#refreshing = false;
        },
      );
    }
    return state;
  }

  async #readState(): Promise<KbState> {
    const { store, local, cloud } = this.#o;
    const [version, localCount, cloudCount] = await Promise.all([
      store.version(),
      local ? store.vectorCount(local.model) : 0,
      cloud ? store.vectorCount(cloud.model) : 0,
    ]);
    return { version, localCount, cloudCount, at: performance.now() };
  }
}

/**
 * Keyword-only hits scored by their BM25 score relative to the best one, in [0, 1], so a
 * passage that matches the question's rare words stands apart from one that matches only
 * common words (the rank-fusion score of a single list only says the rank).
 */
function keywordScored(hits: KbHit[]): KbHit[] {
  const best = Math.max(0, ...hits.map((h) => h.keywordScore ?? 0));
  return hits.map((h) => ({ ...h, score: best > 0 ? (h.keywordScore ?? 0) / best : 0 }));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError('retrieval', { cause: signal.reason });
}
