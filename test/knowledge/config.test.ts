import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  DEFAULT_KNOWLEDGE_CONFIG,
  kbDir,
  knowledgeConfigFromEnv,
} from '../../src/knowledge/config.js';
import { ingest } from '../../src/knowledge/ingest.js';
import { createKnowledgeRuntime } from '../../src/knowledge/knowledge-runtime.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { HashEmbedder } from '../fakes/hash-embedder.js';
import { type EmbeddingsServer, startEmbeddingsServer } from '../fakes/openai-embeddings-server.js';
import { captureLogs } from '../helpers/logs.js';
import { copySampleKb, tempDir } from './helpers.js';

describe('knowledge configuration', () => {
  it('has the seed defaults and reads the environment', () => {
    expect(knowledgeConfigFromEnv({})).toEqual(DEFAULT_KNOWLEDGE_CONFIG);
    expect(DEFAULT_KNOWLEDGE_CONFIG.threshold).toBe(0.78);
    const c = knowledgeConfigFromEnv({
      VOXSTATE_DATA_DIR: '/srv/vox',
      VOXSTATE_REDIS_URL: 'redis://10.0.0.1:6379/2',
      VOXSTATE_KB_THRESHOLD: '0.8',
      VOXSTATE_KB_CLOUD_MODE: 'background',
      VOXSTATE_EMBED_CACHE_TTL_S: '3600',
      VOXSTATE_PREFETCH_MAX: '3',
      VOXSTATE_CLOUD_EMBED_MODEL: 'text-embedding-3-small',
      VOXSTATE_CLOUD_EMBED_DIMENSIONS: '512',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    expect(kbDir(c)).toBe('/srv/vox/kb');
    expect(c).toMatchObject({
      redisUrl: 'redis://10.0.0.1:6379/2',
      threshold: 0.8,
      cloudMode: 'background',
      embeddingCacheTtlMs: 3_600_000,
      prefetchMaxConcurrent: 3,
    });
    expect(c.cloud).toMatchObject({
      model: 'text-embedding-3-small',
      dimensions: 512,
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9/v1',
      requestDimensions: true,
    });
  });

  it('rejects wrong values naming the variable', () => {
    expect(() => knowledgeConfigFromEnv({ VOXSTATE_KB_THRESHOLD: 'high' })).toThrow(
      /VOXSTATE_KB_THRESHOLD/,
    );
    expect(() => knowledgeConfigFromEnv({ VOXSTATE_KB_THRESHOLD: '1.5' })).toThrow(ConfigError);
    expect(() => knowledgeConfigFromEnv({ VOXSTATE_KB_CLOUD_MODE: 'always' })).toThrow(
      /one of fallback, background, off/,
    );
    expect(() => knowledgeConfigFromEnv({ VOXSTATE_REDIS_URL: 'localhost:6379' })).toThrow(
      /redis:\/\//,
    );
    expect(() => knowledgeConfigFromEnv({ VOXSTATE_CLOUD_EMBED_MODEL: 'x' })).toThrow(/API_KEY/);
    expect(() => knowledgeConfigFromEnv({ VOXSTATE_PREFETCH_MAX: '2.5' })).toThrow(/whole number/);
  });
});

describe('createKnowledgeRuntime', () => {
  it('assembles store, caches, prefetcher and retriever; the cloud layer comes from the config', async () => {
    const { dir, cleanup } = await tempDir();
    let server: EmbeddingsServer | undefined;
    try {
      server = await startEmbeddingsServer({ dimensions: 48 });
      const config = knowledgeConfigFromEnv({
        VOXSTATE_DATA_DIR: dir,
        VOXSTATE_CLOUD_EMBED_MODEL: 'fixture-embed',
        VOXSTATE_CLOUD_EMBED_DIMENSIONS: '48',
        VOXSTATE_CLOUD_EMBED_API_KEY: 'test',
        VOXSTATE_CLOUD_EMBED_BASE_URL: server.baseURL,
        VOXSTATE_KB_THRESHOLD: '0.99',
      });
      const localEmbedder = new HashEmbedder({ model: 'test:local' });
      const { logger, lines } = captureLogs();
      const kb = await createKnowledgeRuntime(config, {
        registry: new Registry(),
        logger,
        localEmbedder,
      });
      expect(kb.cloud?.model).toBe('openai:fixture-embed');
      const store = await KnowledgeStore.open({ dir: kbDir(config) });
      await ingest([await copySampleKb(dir)], {
        store,
        embedders: [localEmbedder, kb.cloud!.inner],
      });
      store.close();
      expect((await kb.prefetcher!.prefetch('is delivery free over $40')).outcome).toBe('local');
      const r = await kb.retriever.retrieve({ query: 'is delivery free over $40', language: 'en' });
      expect(r.layer).toBe('cloud');
      expect(r.waitedForPrefetchMs).toBe(0);
      expect(
        (await kb.retriever.retrieve({ query: 'Is delivery free over $40?', language: 'en' }))
          .layer,
      ).toBe('cache');
      expect(lines.filter((l) => l.msg === 'retrieval served').map((l) => l.layer)).toEqual([
        'cloud',
        'cache',
      ]);
      await kb.close();

      const { logger: quiet, lines: warned } = captureLogs();
      const bare = await createKnowledgeRuntime(
        knowledgeConfigFromEnv({ VOXSTATE_DATA_DIR: dir }),
        { registry: new Registry(), logger: quiet, localUnavailable: 'no model here' },
      );
      expect(bare.prefetcher).toBeUndefined();
      expect(warned.filter((l) => String(l.msg).includes('keyword search only'))).toHaveLength(1);
      expect((await bare.retriever.retrieve({ query: 'delivery price' })).layer).toBe('keyword');
      await bare.close();
    } finally {
      await server?.close();
      await cleanup();
    }
  });
});
