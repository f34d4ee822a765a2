/**
 * Configuration of the knowledge layer: where the knowledge base lives, the caches, the prefetch
 * bound, the hybrid threshold and the cloud fallback embedder. The local embedding model itself is
 * configured with the inference settings (`VOXSTATE_EMBEDDER_MODEL`, `VOXSTATE_MODEL_DIR`; see
 * src/config/inference.ts).
 *
 * @module
 */
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { CloudMode } from './hybrid-retriever.js';

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

type Env = Record<string, string | undefined>;

function num(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
  integer = true,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new ConfigError(
      `${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got "${raw}"`,
    );
  }
  return n;
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !/^https?:$/u.test(new URL(raw).protocol)) {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw;
}

/** Ten years, in seconds: the longest TTL accepted (a larger one overflows to Infinity ms). */
const MAX_TTL_S = 10 * 365 * 86_400;

/**
 * Reads the knowledge configuration from environment variables.
 *
 * | variable | meaning (default) |
 * | --- | --- |
 * | `VOXSTATE_DATA_DIR` | data folder (`./data`) |
 * | `VOXSTATE_REDIS_URL` | shared embedding cache, e.g. `redis://127.0.0.1:6379` (none: in-process) |
 * | `VOXSTATE_REDIS_PREFIX` | key prefix (`voxstate:`) |
 * | `VOXSTATE_EMBED_CACHE_TTL_S`, `VOXSTATE_EMBED_CACHE_ENTRIES` | embedding cache TTL (7 days) and in-process size (5000) |
 * | `VOXSTATE_REDIS_LOOKUP_TIMEOUT_MS` | longest wait for a Redis lookup before computing instead (30) |
 * | `VOXSTATE_KB_THRESHOLD` | local similarity threshold (0.78) |
 * | `VOXSTATE_KB_CLOUD_MODE` | `fallback`, `background` or `off` (`fallback`) |
 * | `VOXSTATE_KB_TOP_K`, `VOXSTATE_KB_KEYWORD_WEIGHT` | passages (4), keyword weight in the fusion (1) |
 * | `VOXSTATE_PREFETCH_MAX` | concurrent prefetches (8) |
 * | `VOXSTATE_RETRIEVAL_CACHE_ENTRIES`, `VOXSTATE_RETRIEVAL_CACHE_TTL_S` | retrieval cache (1000, 600) |
 * | `VOXSTATE_CLOUD_EMBED_MODEL` | cloud embedding model, e.g. `text-embedding-3-small` (none: no cloud layer) |
 * | `VOXSTATE_CLOUD_EMBED_DIMENSIONS` | its vector length (1536) |
 * | `VOXSTATE_CLOUD_EMBED_BASE_URL` or `OPENAI_BASE_URL` | OpenAI-compatible base URL |
 * | `VOXSTATE_CLOUD_EMBED_API_KEY` or `OPENAI_API_KEY` | API key (required with a cloud model) |
 *
 * @throws {ConfigError} naming the variable and what it accepts.
 * @example
 * ```ts
 * const config = knowledgeConfigFromEnv(process.env);
 * ```
 */
export function knowledgeConfigFromEnv(env: Env): KnowledgeConfig {
  const d = DEFAULT_KNOWLEDGE_CONFIG;
  const cloudMode = env.VOXSTATE_KB_CLOUD_MODE || d.cloudMode;
  if (!['fallback', 'background', 'off'].includes(cloudMode)) {
    throw new ConfigError(
      `VOXSTATE_KB_CLOUD_MODE must be fallback, background or off, got "${cloudMode}"`,
    );
  }
  const redisUrl = env.VOXSTATE_REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//u.test(redisUrl)) {
    throw new ConfigError(
      `VOXSTATE_REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`,
    );
  }
  let cloud: CloudEmbeddingConfig | undefined;
  const model = env.VOXSTATE_CLOUD_EMBED_MODEL;
  if (model) {
    const apiKey = env.VOXSTATE_CLOUD_EMBED_API_KEY || env.OPENAI_API_KEY;
    if (!apiKey) {
      throw new ConfigError(
        'VOXSTATE_CLOUD_EMBED_MODEL is set but neither VOXSTATE_CLOUD_EMBED_API_KEY nor OPENAI_API_KEY is',
      );
    }
    const baseURL =
      httpUrl(env, 'VOXSTATE_CLOUD_EMBED_BASE_URL') ?? httpUrl(env, 'OPENAI_BASE_URL');
    cloud = {
      model,
      dimensions: num(env, 'VOXSTATE_CLOUD_EMBED_DIMENSIONS', 1536, 1, 65_536),
      apiKey,
      ...(baseURL ? { baseURL } : {}),
      requestDimensions:
        env.VOXSTATE_CLOUD_EMBED_DIMENSIONS !== undefined && model.startsWith('text-embedding-3'),
      timeoutMs: num(env, 'VOXSTATE_CLOUD_EMBED_TIMEOUT_MS', 10_000, 100),
    };
  }
  return {
    dataDir: resolve(env.VOXSTATE_DATA_DIR || d.dataDir),
    redisUrl,
    redisKeyPrefix: env.VOXSTATE_REDIS_PREFIX ?? d.redisKeyPrefix,
    embeddingCacheTtlMs:
      num(env, 'VOXSTATE_EMBED_CACHE_TTL_S', d.embeddingCacheTtlMs / 1000, 1, MAX_TTL_S) * 1000,
    embeddingCacheEntries: num(env, 'VOXSTATE_EMBED_CACHE_ENTRIES', d.embeddingCacheEntries, 1),
    redisLookupTimeoutMs: num(
      env,
      'VOXSTATE_REDIS_LOOKUP_TIMEOUT_MS',
      d.redisLookupTimeoutMs,
      1,
      10_000,
    ),
    threshold: num(env, 'VOXSTATE_KB_THRESHOLD', d.threshold, -1, 1, false),
    cloudMode: cloudMode as CloudMode,
    cloud,
    topK: num(env, 'VOXSTATE_KB_TOP_K', d.topK, 1, 100),
    keywordWeight: num(env, 'VOXSTATE_KB_KEYWORD_WEIGHT', d.keywordWeight, 0, 100, false),
    prefetchMaxConcurrent: num(env, 'VOXSTATE_PREFETCH_MAX', d.prefetchMaxConcurrent, 0),
    retrievalCacheEntries: num(env, 'VOXSTATE_RETRIEVAL_CACHE_ENTRIES', d.retrievalCacheEntries, 1),
    retrievalCacheTtlMs:
      num(env, 'VOXSTATE_RETRIEVAL_CACHE_TTL_S', d.retrievalCacheTtlMs / 1000, 1, MAX_TTL_S) * 1000,
    versionRefreshMs: num(env, 'VOXSTATE_KB_VERSION_REFRESH_MS', d.versionRefreshMs, 0),
  };
}
