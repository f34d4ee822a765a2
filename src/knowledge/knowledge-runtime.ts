/**
 * Assembles the knowledge layer from its configuration: the LanceDB store, the two-layer
 * embedding cache (Redis when configured), cached local and cloud embedders, the prefetcher, the
 * retrieval cache and the hybrid retriever. The runtime builds one per process and hands the
 * pieces to the prefetch and retrieve actors.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { connectRedis } from '../cache/redis.js';
import type { Embedder } from '../providers/embeddings/embedder.js';
import type { Logger } from '../telemetry/logger.js';
import { CachedEmbedder } from './cached-embedder.js';
import { cloudEmbedderFromConfig } from './cloud-embedder.js';
import { type KnowledgeConfig, kbDir } from './config.js';
import { EmbeddingCache } from './embedding-cache.js';
import { HybridRetriever } from './hybrid-retriever.js';
import { type KnowledgeMetrics, knowledgeMetrics } from './metrics.js';
import { Prefetcher } from './prefetcher.js';
import { RetrievalCache } from './retrieval-cache.js';
import type { RetrievalResult } from './retrieval-types.js';
import { KnowledgeStore } from './store.js';

/** Dependencies of {@link createKnowledgeRuntime}. */
export interface KnowledgeRuntimeDeps {
  registry: Registry;
  logger: Logger;
  /** The local embedder (worker pool); undefined when no local model is available. */
  localEmbedder?: Embedder;
  /** Overrides the cloud embedder built from `config.cloud`. */
  cloudEmbedder?: Embedder;
  /** Why there is no local embedder, for the one log line that says what retrieval does instead. */
  localUnavailable?: string;
  /** A shared Redis connection; otherwise one is opened from `config.redisUrl` (and closed by `close`). */
  redis?: Redis;
}

/** The assembled knowledge layer. */
export interface KnowledgeRuntime {
  config: KnowledgeConfig;
  store: KnowledgeStore;
  embeddingCache: EmbeddingCache;
  local: CachedEmbedder | undefined;
  cloud: CachedEmbedder | undefined;
  /** Prefetches with the local embedder (or the cloud one when there is no local model). */
  prefetcher: Prefetcher | undefined;
  retrievalCache: RetrievalCache<RetrievalResult>;
  retriever: HybridRetriever;
  metrics: KnowledgeMetrics;
  /** Closes the store and the Redis connection this runtime opened. */
  close(): Promise<void>;
}

/**
 * Builds the knowledge layer.
 *
 * @example
 * ```ts
 * const kb = await createKnowledgeRuntime(knowledgeConfigFromEnv(process.env), { registry, logger, localEmbedder });
 * const retrieve = createRetrieveActor({ retriever: kb.retriever });
 * const prefetch = createPrefetchEmbeddingActor({ prefetcher: kb.prefetcher, logger });
 * ```
 */
export async function createKnowledgeRuntime(
  config: KnowledgeConfig,
  deps: KnowledgeRuntimeDeps,
): Promise<KnowledgeRuntime> {
  const { registry, logger } = deps;
  const metrics = knowledgeMetrics(registry);
  const ownRedis =
    !deps.redis && config.redisUrl
      ? connectRedis({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, logger, registry })
      : undefined;
  const redis = deps.redis ?? ownRedis;
  ownRedis?.on('error', () => undefined);
  const store = await KnowledgeStore.open({
    dir: kbDir(config),
    readConsistencyMs: config.versionRefreshMs,
    logger,
  });
  const embeddingCache = new EmbeddingCache({
    ...(redis ? { redis } : {}),
    ttlMs: config.embeddingCacheTtlMs,
    memoryEntries: config.embeddingCacheEntries,
    lookupTimeoutMs: config.redisLookupTimeoutMs,
    metrics,
    logger,
  });
  const cloudInner = deps.cloudEmbedder ?? cloudEmbedderFromConfig(config);
  const local = deps.localEmbedder
    ? new CachedEmbedder(deps.localEmbedder, embeddingCache, { metrics, logger })
    : undefined;
  const cloud = cloudInner
    ? new CachedEmbedder(cloudInner, embeddingCache, { metrics, logger })
    : undefined;
  if (!local) {
    const why = deps.localUnavailable ? ` (${deps.localUnavailable})` : '';
    logger.warn(
      cloud
        ? `no local embedding model${why}: retrieval uses keywords and the cloud embedder`
        : `no embedding model available${why}: retrieval uses keyword search only`,
    );
  }
  const prefetchWith = local ?? cloud;
  const prefetcher = prefetchWith
    ? new Prefetcher({
        embedder: prefetchWith,
        maxConcurrent: config.prefetchMaxConcurrent,
        metrics,
        logger,
      })
    : undefined;
  const retrievalCache = new RetrievalCache<RetrievalResult>({
    maxEntries: config.retrievalCacheEntries,
    ttlMs: config.retrievalCacheTtlMs,
  });
  const retriever = new HybridRetriever({
    store,
    ...(local ? { local } : {}),
    ...(cloud ? { cloud } : {}),
    ...(prefetcher && local ? { prefetcher } : {}),
    threshold: config.threshold,
    cloudMode: config.cloudMode,
    k: config.topK,
    keywordWeight: config.keywordWeight,
    cache: retrievalCache,
    versionRefreshMs: config.versionRefreshMs,
    metrics,
    logger,
  });
  return {
    config,
    store,
    embeddingCache,
    local,
    cloud,
    prefetcher,
    retrievalCache,
    retriever,
    metrics,
    async close() {
      embeddingCache.close();
      store.close();
      if (ownRedis) await ownRedis.quit().catch(() => ownRedis.disconnect());
    },
  };
}
