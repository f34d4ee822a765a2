/**
 * Settings of the knowledge base, the caches, Redis and the dead-letter queue.
 *
 * @module
 */
import { duration, httpUrl, int, MAX_TIMER_MS, num, oneOf, setting, text, url } from '../kinds.js';

const G = 'knowledge';

/** Ten years: the longest cache TTL accepted. */
const MAX_TTL_MS = 10 * 365 * 86_400_000;

/** Knowledge base, cache, Redis and dead-letter queue variables. */
export const KNOWLEDGE_SETTINGS = {
  VOXSTATE_DATA_DIR: setting(text, {
    group: G,
    defaultDoc: '`./data`',
    description: 'LanceDB folder: the knowledge base (`kb/`) and the `calls` table',
  }),
  VOXSTATE_REDIS_URL: setting(url(['redis', 'rediss'], 'a redis:// or rediss:// URL'), {
    group: G,
    description:
      '`redis://host:port[/db]`: shared embedding and TTS caches and the dead-letter queue; without it caches are in-process and call records are written directly (a failed write is logged, not retried)',
  }),
  VOXSTATE_REDIS_PREFIX: setting(text, {
    group: G,
    default: 'voxstate:',
    description: 'prefix of every Redis key voxstate writes',
  }),
  VOXSTATE_DLQ_RETRY_MS: setting(duration('ms', 1), {
    group: G,
    default: 60_000,
    description:
      'dead-letter queue: wait before the first retry of failed post-call work (a call record write), doubled before the third and last attempt; any instance sharing the Redis may run the retry',
  }),
  VOXSTATE_DLQ_POLL_MS: setting(duration('ms', 1), {
    group: G,
    default: 1000,
    description: 'dead-letter queue: how often each instance looks for jobs due',
  }),
  VOXSTATE_REDIS_LOOKUP_TIMEOUT_MS: setting(duration('ms', 1, 10_000), {
    group: G,
    default: 30,
    description: 'longest wait for a Redis cache lookup before computing instead',
  }),
  VOXSTATE_EMBED_CACHE_TTL_S: setting(duration('s', 1000, MAX_TTL_MS), {
    group: G,
    default: 7 * 86_400_000,
    description: 'embedding cache TTL (7 days)',
  }),
  VOXSTATE_EMBED_CACHE_ENTRIES: setting(int(1), {
    group: G,
    default: 5000,
    description: 'in-process embedding cache size',
  }),
  VOXSTATE_KB_THRESHOLD: setting(num(-1, 1), {
    group: G,
    default: 0.78,
    description:
      'cosine similarity the local result must reach to be served without the cloud layer',
  }),
  VOXSTATE_KB_CLOUD_MODE: setting(oneOf(['fallback', 'background', 'off']), {
    group: G,
    default: 'fallback',
    description:
      'cloud embeddings: `fallback` (below the threshold), `background` (also refresh), `off`',
  }),
  VOXSTATE_KB_TOP_K: setting(int(1, 100), {
    group: G,
    default: 4,
    description: 'passages per retrieval',
  }),
  VOXSTATE_KB_KEYWORD_WEIGHT: setting(num(0, 100), {
    group: G,
    default: 1,
    description: 'weight of keyword results in the rank fusion',
  }),
  VOXSTATE_KB_VERSION_REFRESH_MS: setting(duration('ms', 0), {
    group: G,
    default: 5000,
    description: 'how often a running process notices a re-ingested knowledge base',
  }),
  VOXSTATE_PREFETCH_MAX: setting(int(0), {
    group: G,
    default: 8,
    description: 'embedding prefetches computing at once',
  }),
  VOXSTATE_RETRIEVAL_CACHE_ENTRIES: setting(int(1), {
    group: G,
    default: 1000,
    description: 'retrieval result cache size',
  }),
  VOXSTATE_RETRIEVAL_CACHE_TTL_S: setting(duration('s', 1000, MAX_TTL_MS), {
    group: G,
    default: 600_000,
    description: 'its TTL',
  }),
  VOXSTATE_CLOUD_EMBED_MODEL: setting(text, {
    group: G,
    description: 'cloud embedding model (e.g. `text-embedding-3-small`); unset: no cloud layer',
  }),
  VOXSTATE_CLOUD_EMBED_DIMENSIONS: setting(int(1, 65_536), {
    group: G,
    defaultDoc: '1536',
    description: 'its vector length',
  }),
  VOXSTATE_CLOUD_EMBED_TIMEOUT_MS: setting(duration('ms', 100, MAX_TIMER_MS), {
    group: G,
    default: 10_000,
    description: 'per-request deadline',
  }),
  VOXSTATE_CLOUD_EMBED_BASE_URL: setting(httpUrl, {
    group: G,
    defaultDoc: '`OPENAI_BASE_URL`',
    description: 'OpenAI-compatible base URL for embeddings',
  }),
  VOXSTATE_CLOUD_EMBED_API_KEY: setting(text, {
    group: G,
    defaultDoc: '`OPENAI_API_KEY`',
    secret: true,
    description: 'its key',
  }),
};
