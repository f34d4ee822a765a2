import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { ProviderError } from '../../src/errors.js';
import { CachedEmbedder } from '../../src/knowledge/cached-embedder.js';
import { EmbeddingCache } from '../../src/knowledge/embedding-cache.js';
import {
  HybridRetriever,
  type HybridRetrieverOptions,
} from '../../src/knowledge/hybrid-retriever.js';
import { ingest } from '../../src/knowledge/ingest.js';
import { knowledgeMetrics } from '../../src/knowledge/metrics.js';
import { RetrievalCache } from '../../src/knowledge/retrieval-cache.js';
import type { RetrievalResult } from '../../src/knowledge/retrieval-types.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { OpenAiEmbedder } from '../../src/providers/embeddings/openai-embedder.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { HashEmbedder } from '../fakes/hash-embedder.js';
import { type EmbeddingsServer, startEmbeddingsServer } from '../fakes/openai-embeddings-server.js';
import { startTcpProxy } from '../fakes/tcp-proxy.js';
import { copySampleKb, tempDir } from './helpers.js';

const EXACT_FAQ =
  'Do you have gluten-free bread?\nYes, gluten-free bread costs $7.90. We bake it on Tuesdays and Thursdays, so please order it a day in advance.';
const VAGUE = 'what about sourdough rye, how much';

async function counter(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const base = name.replace(/_count$/, '');
  const metric = await registry.getSingleMetric(base)?.get();
  return (metric?.values ?? [])
    .filter((v) => base === name || (v as { metricName?: string }).metricName === name)
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((n, v) => n + v.value, 0);
}

describe('hybrid retriever on LanceDB with a cloud fixture server', () => {
  let cleanup: () => Promise<void>;
  let kbPath: string;
  let store: KnowledgeStore;
  let server: EmbeddingsServer;
  let cloudRaw: OpenAiEmbedder;
  const localRaw = new HashEmbedder({ model: 'test:local' });

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    kbPath = await copySampleKb(t.dir);
    server = await startEmbeddingsServer({ dimensions: 48 });
    cloudRaw = new OpenAiEmbedder({
      model: 'fixture-embed',
      dimensions: 48,
      apiKey: 'test',
      baseURL: server.baseURL,
      maxRetries: 0,
    });
    store = await KnowledgeStore.open({ dir: join(t.dir, 'db'), readConsistencyMs: 0 });
    await ingest([kbPath], { store, embedders: [localRaw, cloudRaw] });
  });
  afterAll(async () => {
    store.close();
    await server.close();
    await cleanup();
  });

  function build(options: Partial<HybridRetrieverOptions> & { withCloud?: boolean } = {}) {
    const registry = new Registry();
    const metrics = knowledgeMetrics(registry);
    const cache = new EmbeddingCache({ metrics });
    const local = new CachedEmbedder(localRaw, cache, { metrics });
    const cloud = new CachedEmbedder(cloudRaw, cache, { metrics });
    const retriever = new HybridRetriever({
      store,
      local,
      ...(options.withCloud === false ? {} : { cloud }),
      metrics,
      logger: silentLogger(),
      ...options,
    });
    return { retriever, registry, local, cloud };
  }

  it('answers from the local layer when the similarity clears the threshold', async () => {
    const { retriever, registry } = build({ threshold: 0.78 });
    const before = server.requests;
    const r = await retriever.retrieve({ query: EXACT_FAQ, language: 'en' });
    expect(r.layer).toBe('local');
    expect(r.similarity).toBeGreaterThan(0.99);
    expect(r.passages[0]!.text).toBe(EXACT_FAQ);
    expect(r.passages[0]!.foundBy).toEqual(['vector', 'keyword']);
    expect(r.passages[0]!.source).toMatch(/^knowledge-base\/en\/faq\.jsonl:7$/);
    expect(server.requests).toBe(before);
    expect(await counter(registry, 'voxstate_hybrid_retrieval_total', { layer: 'local' })).toBe(1);
  });

  it('falls back to the cloud layer below the threshold, and the threshold is what decides', async () => {
    const low = build({ threshold: 0.78 });
    const before = server.requests;
    const r = await low.retriever.retrieve({ query: VAGUE, language: 'en' });
    expect(r.layer).toBe('cloud');
    expect(server.requests).toBe(before + 1);
    expect(server.inputs.at(-1)).toBe(VAGUE);
    expect(r.passages.some((p) => p.text.includes('Sourdough rye loaf $6.50'))).toBe(true);
    expect(await counter(low.registry, 'voxstate_fallback_embedding_latency_seconds_count')).toBe(
      1,
    );
    expect((await low.cloud.embedOne(VAGUE, { kind: 'query' })).source).toBe('memory');

    const permissive = build({ threshold: 0.1 });
    const r2 = await permissive.retriever.retrieve({ query: VAGUE, language: 'en' });
    expect(r2.layer).toBe('local');
    expect(r2.similarity).toBeLessThan(0.78);
    expect(server.requests).toBe(before + 1);
  });

  it('serves the local result when there is no cloud layer or the cloud fails', async () => {
    const noCloud = build({ threshold: 0.99, withCloud: false });
    expect((await noCloud.retriever.retrieve({ query: VAGUE })).layer).toBe('local');

    server.failStatus = 500;
    try {
      const failing = build({ threshold: 0.99 });
      const r = await failing.retriever.retrieve({ query: `${VAGUE} please` });
      expect(r.layer).toBe('local');
      expect(r.passages.length).toBeGreaterThan(0);
      expect(await counter(failing.registry, 'voxstate_fallback_embedding_failures_total')).toBe(1);
    } finally {
      server.failStatus = undefined;
    }
  });

  it('asks the cloud in the background when configured and caches its result for the next time', async () => {
    const cache = new RetrievalCache<RetrievalResult>();
    const { retriever } = build({
      threshold: 0.1,
      cloudMode: 'background',
      cache,
      versionRefreshMs: 60_000,
    });
    const before = server.requests;
    const first = await retriever.retrieve({ query: 'cinnamon roll price', language: 'en' });
    expect(first.layer).toBe('local');
    await expect.poll(() => server.requests).toBe(before + 1);
    await expect
      .poll(
        () =>
          cache.get({ query: 'cinnamon roll price', version: first.version, language: 'en' })
            ?.computedBy,
      )
      .toBe('cloud');
    const second = await retriever.retrieve({ query: 'Cinnamon roll price?', language: 'en' });
    expect(second.layer).toBe('cache');
    expect(second.computedBy).toBe('cloud');
  });

  it('caches results by normalized query and knowledge-base version', async () => {
    const cache = new RetrievalCache<RetrievalResult>();
    const { retriever, registry } = build({ threshold: 0.1, cache, versionRefreshMs: 0 });
    const a = await retriever.retrieve({ query: 'Payment by card?', language: 'en' });
    const b = await retriever.retrieve({ query: 'payment by card', language: 'en' });
    expect(a.layer).toBe('local');
    expect(b.layer).toBe('cache');
    expect(b.passages).toEqual(a.passages);
    expect((await retriever.retrieve({ query: 'payment by card', language: 'ru' })).layer).not.toBe(
      'cache',
    );
    expect(await counter(registry, 'voxstate_retrieval_cache_total', { result: 'hit' })).toBe(1);
    retriever.invalidate();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      join(kbPath, 'en', 'note.txt'),
      'Card payments are also accepted for cakes to order.',
    );
    await ingest([kbPath], { store, embedders: [localRaw] });
    retriever.invalidate();
    const c = await retriever.retrieve({ query: 'payment by card', language: 'en' });
    expect(c.layer).not.toBe('cache');
    expect(c.version).not.toBe(a.version);
  });

  it('retrieves by keywords alone without any embedder', async () => {
    const registry = new Registry();
    const retriever = new HybridRetriever({ store, metrics: knowledgeMetrics(registry) });
    const r = await retriever.retrieve({ query: 'возврат денег на карту', language: 'ru' });
    expect(r.layer).toBe('keyword');
    expect(r.similarity).toBe(0);
    expect(r.passages[0]!.source).toMatch(/^knowledge-base\/ru\/vozvrat\.md:/);
    expect(r.passages[0]!.foundBy).toEqual(['keyword']);
  });

  it('answers through a Redis outage and uses the shared cache again once Redis is back', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const prefix = `voxstate-test-kb-${randomUUID()}:`;
    const redis = connectRedis({
      url: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix: prefix,
      logger: silentLogger(),
    });
    const admin = new Redis('redis://127.0.0.1:6379', { keyPrefix: prefix });
    try {
      await expect.poll(() => redis.status).toBe('ready');
      const registry = new Registry();
      const metrics = knowledgeMetrics(registry);
      const cache = new EmbeddingCache({ redis, metrics });
      const local = new CachedEmbedder(localRaw, cache, { metrics });
      const retriever = new HybridRetriever({ store, local, threshold: 0, metrics });
      await proxy.cut();
      await expect.poll(() => redis.status).not.toBe('ready');
      const during = await retriever.retrieve({
        query: 'Do you have a loyalty card?',
        language: 'en',
      });
      expect(during.layer).toBe('local');
      expect(during.passages[0]!.text).toContain('loyalty card');
      await proxy.restore();
      await expect.poll(() => redis.status, { timeout: 5000 }).toBe('ready');
      await retriever.retrieve({ query: 'Can a company pay by invoice?', language: 'en' });
      await expect.poll(() => admin.exists(local.key('can a company pay by invoice'))).toBe(1);
      cache.clearMemory();
      const other = new HybridRetriever({ store, local, threshold: 0, metrics });
      await other.retrieve({ query: 'can a company pay by invoice', language: 'en' });
      const hits =
        (await registry.getSingleMetric('voxstate_embedding_cache_total')?.get())?.values ?? [];
      expect(hits.find((v) => v.labels.result === 'redis')?.value).toBe(1);
      cache.close();
    } finally {
      redis.disconnect();
      await proxy.close();
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length) await admin.del(...keys.map((k) => k.slice(prefix.length)));
      await admin.quit();
    }
  });

  it('rejects with an abort error when the signal fires', async () => {
    const slow = new HashEmbedder({ model: 'test:local', latencyMs: 200 });
    const retriever = new HybridRetriever({
      store,
      local: new CachedEmbedder(slow, new EmbeddingCache()),
    });
    const controller = new AbortController();
    const p = retriever.retrieve({ query: 'slow question', signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
  });

  it('maps SDK failures to ProviderError', async () => {
    server.failStatus = 503;
    try {
      await expect(cloudRaw.embed(['x'], { kind: 'query' })).rejects.toBeInstanceOf(ProviderError);
      await expect(cloudRaw.embed(['x'], { kind: 'query' })).rejects.toMatchObject({
        status: 503,
        retryable: true,
      });
    } finally {
      server.failStatus = undefined;
    }
  });
});
