/**
 * The knowledge layer's Prometheus metrics, created on the runtime's registry.
 *
 * `hybrid_hit_ratio` from the seed is a query over `voxstate_hybrid_retrieval_total`:
 * `sum(rate(voxstate_hybrid_retrieval_total{layer=~"cache|local"}[5m])) / sum(rate(voxstate_hybrid_retrieval_total[5m]))`.
 *
 * @module
 */
import type { Counter, Histogram, Registry } from 'prom-client';
import { counter, FAST_BUCKETS, histogram, VOICE_LATENCY_BUCKETS } from '../telemetry/metrics.js';

/** Metrics of embeddings, caches, prefetch and retrieval. */
export interface KnowledgeMetrics {
  /** Local embedding of one query (a cache miss), seconds. */
  localEmbeddingLatency: Histogram;
  /** Cloud (fallback) embedding of one query, seconds. */
  fallbackEmbeddingLatency: Histogram;
  /** Embedding-cache lookups by `result`: memory, redis, miss. */
  embeddingCache: Counter<'result' | 'layer'>;
  /** Redis errors of the embedding cache by `op` (get, set); the cache degrades to memory. */
  embeddingCacheErrors: Counter<'op'>;
  /** Retrievals by the `layer` that served them: cache, local, cloud, keyword. */
  hybridRetrieval: Counter<'layer'>;
  /** Cloud fallback failures (the local or keyword result was served instead). */
  fallbackFailures: Counter;
  /** Retrieval latency, seconds, by layer. */
  retrievalLatency: Histogram<'layer'>;
  /** Retrieval-result cache lookups by `result`: hit, miss. */
  retrievalCache: Counter<'result'>;
  /** Prefetch requests by `outcome`: memory, redis, local, inflight, skipped, failed. */
  prefetch: Counter<'outcome'>;
  /** How long retrieval waited for an in-flight prefetch, seconds. */
  prefetchWait: Histogram;
}

/**
 * Gets or creates the knowledge metrics on `registry`.
 *
 * @example
 * ```ts
 * const metrics = knowledgeMetrics(registry);
 * metrics.hybridRetrieval.inc({ layer: 'local' });
 * ```
 */
export function knowledgeMetrics(registry: Registry): KnowledgeMetrics {
  return {
    localEmbeddingLatency: histogram(registry, {
      name: 'voxstate_local_embedding_latency_seconds',
      help: 'Local query embedding latency (cache miss), seconds',
      buckets: FAST_BUCKETS,
    }),
    fallbackEmbeddingLatency: histogram(registry, {
      name: 'voxstate_fallback_embedding_latency_seconds',
      help: 'Cloud (fallback) query embedding latency, seconds',
      buckets: VOICE_LATENCY_BUCKETS,
    }),
    embeddingCache: counter(registry, {
      name: 'voxstate_embedding_cache_total',
      help: 'Embedding cache lookups by result (memory, redis, miss) and embedder layer',
      labelNames: ['result', 'layer'],
    }),
    embeddingCacheErrors: counter(registry, {
      name: 'voxstate_embedding_cache_errors_total',
      help: 'Embedding cache Redis errors by operation (served from memory instead)',
      labelNames: ['op'],
    }),
    hybridRetrieval: counter(registry, {
      name: 'voxstate_hybrid_retrieval_total',
      help: 'Retrievals by the layer that served them (cache, local, cloud, keyword)',
      labelNames: ['layer'],
    }),
    fallbackFailures: counter(registry, {
      name: 'voxstate_fallback_embedding_failures_total',
      help: 'Cloud embedding fallbacks that failed (the local or keyword result was served)',
    }),
    retrievalLatency: histogram(registry, {
      name: 'voxstate_retrieval_latency_seconds',
      help: 'Knowledge-base retrieval latency by serving layer, seconds',
      labelNames: ['layer'],
      buckets: VOICE_LATENCY_BUCKETS,
    }),
    retrievalCache: counter(registry, {
      name: 'voxstate_retrieval_cache_total',
      help: 'Retrieval result cache lookups by result (hit, miss)',
      labelNames: ['result'],
    }),
    prefetch: counter(registry, {
      name: 'voxstate_prefetch_total',
      help: 'Embedding prefetches by outcome (memory, redis, local, inflight, skipped, failed)',
      labelNames: ['outcome'],
    }),
    prefetchWait: histogram(registry, {
      name: 'voxstate_prefetch_wait_seconds',
      help: 'How long retrieval waited for an in-flight prefetch, seconds',
      buckets: FAST_BUCKETS,
    }),
  };
}
