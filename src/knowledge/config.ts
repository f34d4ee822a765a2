/**
 * Configuration of the knowledge layer: where the knowledge base lives, the caches, the prefetch
 * bound, the hybrid threshold and the cloud fallback embedder. The local embedding model itself is
 * configured with the inference settings (`VOXSTATE_EMBEDDER_MODEL`, `VOXSTATE_MODEL_DIR`; see
 * src/config/inference.ts).
 *
 * @module
 */
import { join, resolve } from 'node:path';
import { type Config, type RawEnv, readEnv } from '../config/schema.js';
import type { CloudMode } from './retrieval-types.js';

/** Cloud (OpenAI-compatible) embedding model used as the fallback layer. */
export interface CloudEmbeddingConfig {
  model: string;
  dimensions: number;
  apiKey: string;
  baseURL?: string;
  /** Send `dimensions` to the API (text-embedding-3 models can shorten vectors). */
  requestDimensions: boolean;
  timeoutMs: number;
}

/** Everything the knowledge layer needs. */
export interface KnowledgeConfig {
  /** Data folder (`VOXSTATE_DATA_DIR`, default `./data`); the LanceDB database is `<dataDir>/kb`. */
  dataDir: string;
  /** Redis URL for the shared embedding cache; undefined keeps the cache in-process. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key voxstate writes. */
  redisKeyPrefix: string;
  /** Embedding cache TTL, ms (both layers). */
  embeddingCacheTtlMs: number;
  /** In-process embedding cache entries. */
  embeddingCacheEntries: number;
  /** Longest wait for a Redis lookup before the vector is computed instead, ms. */
  redisLookupTimeoutMs: number;
  /** Cosine similarity the local result must reach to be served without the cloud layer. */
  threshold: number;
  /** When the cloud embedder is used: `fallback` (below threshold), `background` (also refresh the cache), `off`. */
  cloudMode: CloudMode;
  cloud: CloudEmbeddingConfig | undefined;
  /** Passages per retrieval. */
  topK: number;
  /** Weight of keyword results in the rank fusion. */
  keywordWeight: number;
  /** Most embedding prefetches computing at once. */
  prefetchMaxConcurrent: number;
  retrievalCacheEntries: number;
  retrievalCacheTtlMs: number;
  /** How often a running process re-reads the knowledge-base version, ms. */
  versionRefreshMs: number;
}

/** The defaults: in-process caches, threshold 0.78 (seed 000), no cloud layer. */
export const DEFAULT_KNOWLEDGE_CONFIG: KnowledgeConfig = {
  dataDir: resolve('data'),
  redisUrl: undefined,
  redisKeyPrefix: 'voxstate:',
  embeddingCacheTtlMs: 7 * 24 * 3600_000,
  embeddingCacheEntries: 5000,
  redisLookupTimeoutMs: 30,
  threshold: 0.78,
  cloudMode: 'fallback',
  cloud: undefined,
  topK: 4,
  keywordWeight: 1,
  prefetchMaxConcurrent: 8,
  retrievalCacheEntries: 1000,
  retrievalCacheTtlMs: 600_000,
  versionRefreshMs: 5000,
};

/** The LanceDB folder for a configuration. */
export function kbDir(config: Pick<KnowledgeConfig, 'dataDir'>): string {
  return join(config.dataDir, 'kb');
}

/**
 * Reads the knowledge configuration from environment variables.
 *
 * The variables (`VOXSTATE_DATA_DIR`, `VOXSTATE_REDIS_*`, `VOXSTATE_KB_*`, the cache and cloud
 * embedding settings) are described in the schema, src/config/settings/knowledge.ts.
 *
 * @throws {ConfigError} listing every wrong value, each naming its variable.
 * @example
 * ```ts
 * const config = knowledgeConfigFromEnv(process.env);
 * ```
 */
export function knowledgeConfigFromEnv(env: RawEnv): KnowledgeConfig {
  return knowledgeConfig(readEnv(env));
}

/** The knowledge configuration from the parsed environment ({@link readEnv}). */
export function knowledgeConfig(c: Config): KnowledgeConfig {
  const model = c.VOXSTATE_CLOUD_EMBED_MODEL;
  const apiKey = c.VOXSTATE_CLOUD_EMBED_API_KEY ?? c.OPENAI_API_KEY;
  let cloud: CloudEmbeddingConfig | undefined;
  if (model && apiKey) {
    const baseURL = c.VOXSTATE_CLOUD_EMBED_BASE_URL ?? c.OPENAI_BASE_URL;
    cloud = {
      model,
      dimensions: c.VOXSTATE_CLOUD_EMBED_DIMENSIONS ?? 1536,
      apiKey,
      ...(baseURL ? { baseURL } : {}),
      requestDimensions:
        c.VOXSTATE_CLOUD_EMBED_DIMENSIONS !== undefined && model.startsWith('text-embedding-3'),
      timeoutMs: c.VOXSTATE_CLOUD_EMBED_TIMEOUT_MS,
    };
  }
  return {
    dataDir: resolve(c.VOXSTATE_DATA_DIR ?? DEFAULT_KNOWLEDGE_CONFIG.dataDir),
    redisUrl: c.VOXSTATE_REDIS_URL,
    redisKeyPrefix: c.VOXSTATE_REDIS_PREFIX,
    embeddingCacheTtlMs: c.VOXSTATE_EMBED_CACHE_TTL_S,
    embeddingCacheEntries: c.VOXSTATE_EMBED_CACHE_ENTRIES,
    redisLookupTimeoutMs: c.VOXSTATE_REDIS_LOOKUP_TIMEOUT_MS,
    threshold: c.VOXSTATE_KB_THRESHOLD,
    cloudMode: c.VOXSTATE_KB_CLOUD_MODE,
    cloud,
    topK: c.VOXSTATE_KB_TOP_K,
    keywordWeight: c.VOXSTATE_KB_KEYWORD_WEIGHT,
    prefetchMaxConcurrent: c.VOXSTATE_PREFETCH_MAX,
    retrievalCacheEntries: c.VOXSTATE_RETRIEVAL_CACHE_ENTRIES,
    retrievalCacheTtlMs: c.VOXSTATE_RETRIEVAL_CACHE_TTL_S,
    versionRefreshMs: c.VOXSTATE_KB_VERSION_REFRESH_MS,
  };
}
