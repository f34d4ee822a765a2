import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { CachedEmbedder } from '../../src/knowledge/cached-embedder.js';
import { EmbeddingCache } from '../../src/knowledge/embedding-cache.js';
import { knowledgeMetrics } from '../../src/knowledge/metrics.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { HashEmbedder } from '../fakes/hash-embedder.js';
import { startTcpProxy, type TcpProxy } from '../fakes/tcp-proxy.js';
import { metricValue } from '../helpers/metrics.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 5_000, interval: 10 };

const PREFIX = `voxstate-test-kb-${randomUUID()}:`;

describe('embedding cache on the real Redis', () => {
  const admin = new Redis('redis://127.0.0.1:6379', { keyPrefix: PREFIX });
  let proxy: TcpProxy;
  let redis: Redis;

  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    redis = connectRedis({
      url: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix: PREFIX,
      logger: silentLogger(),
    });
    await vi.waitFor(() => expect(redis.status).toBe('ready'), WAIT);
  });

  afterAll(async () => {
    redis.disconnect();
    await proxy.close();
    const keys = await admin.keys(`${PREFIX}*`);
    if (keys.length) await admin.del(...keys.map((k) => k.slice(PREFIX.length)));
    await admin.quit();
  });

  it('stores vectors as Float32 bytes with a TTL, keyed by model and normalized text', async () => {
    const cache = new EmbeddingCache({ redis, ttlMs: 60_000 });
    const key = cache.key('test:m', 'query', '  Do you DELIVER? ');
    expect(key).toBe(cache.key('test:m', 'query', 'do you deliver'));
    expect(key).not.toBe(cache.key('test:other', 'query', 'do you deliver'));
    expect(key).not.toBe(cache.key('test:m', 'passage', 'do you deliver'));
    await cache.set(key, Float32Array.from([1, 0.5, -2]));
    const raw = await admin.getBuffer(key);
    expect(raw?.length).toBe(12);
    expect(raw?.readFloatLE(4)).toBe(0.5);
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    const other = new EmbeddingCache({ redis });
    expect(await other.get(key)).toEqual({
      vector: Float32Array.from([1, 0.5, -2]),
      layer: 'redis',
    });
    expect((await other.get(key))?.layer).toBe('memory');
  });

  it('two concurrent identical queries embed once; the second instance reads Redis', async () => {
    const registry = new Registry();
    const metrics = knowledgeMetrics(registry);
    const inner = new HashEmbedder({ model: `test:${randomUUID()}`, latencyMs: 30 });
    const a = new CachedEmbedder(inner, new EmbeddingCache({ redis, metrics }), { metrics });
    const [x, y] = await Promise.all([
      a.embedOne('When do you open?', { kind: 'query' }),
      a.embedOne('when do you open', { kind: 'query' }),
    ]);
    expect(inner.calls).toBe(1);
    expect(x.source).toBe('local');
    expect(y.source).toBe('inflight');
    expect(Array.from(y.vector)).toEqual(Array.from(x.vector));
    expect((await a.embedOne('WHEN do you open', { kind: 'query' })).source).toBe('memory');
    await vi.waitFor(
      async () => expect(await admin.exists(a.key('when do you open'))).toBe(1),
      WAIT,
    );
    const b = new CachedEmbedder(inner, new EmbeddingCache({ redis, metrics }), { metrics });
    expect((await b.embedOne('when do you open?', { kind: 'query' })).source).toBe('redis');
    expect(inner.calls).toBe(1);
    expect(await metricValue(registry, 'voxstate_embedding_cache_total', { result: 'miss' })).toBe(
      1,
    );
    expect(
      await metricValue(registry, 'voxstate_embedding_cache_total', { result: 'memory' }),
    ).toBe(1);
    expect(await metricValue(registry, 'voxstate_embedding_cache_total', { result: 'redis' })).toBe(
      1,
    );
    const hist = await registry.getSingleMetric('voxstate_local_embedding_latency_seconds')?.get();
    expect(
      hist?.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
        ?.value,
    ).toBe(1);
  });

  it('keeps answering while Redis is unreachable and uses it again once it is back', async () => {
    const registry = new Registry();
    const metrics = knowledgeMetrics(registry);
    const inner = new HashEmbedder({ model: `test:${randomUUID()}` });
    // Outage and recovery are what this test is about: a generous lookup deadline keeps a slow
    // GET on a loaded machine from counting as "Redis unusable" (the next test covers that).
    const cache = new EmbeddingCache({
      redis,
      metrics,
      logger: silentLogger(),
      lookupTimeoutMs: 2_000,
    });
    const embedder = new CachedEmbedder(inner, cache, { metrics });

    await proxy.cut();
    await vi.waitFor(() => expect(redis.status).not.toBe('ready'), WAIT);
    const started = performance.now();
    const down = await embedder.embedOne('is the shop open on sunday', { kind: 'query' });
    expect(down.source).toBe('local');
    expect(
      performance.now() - started,
      'skips Redis, not waiting the 2 s lookup timeout',
    ).toBeLessThan(2_000);
    expect(
      await metricValue(registry, 'voxstate_embedding_cache_errors_total', { op: 'get' }),
    ).toBeGreaterThan(0);
    expect(await admin.exists(embedder.key('is the shop open on sunday'))).toBe(0);
    expect((await embedder.embedOne('is the shop open on sunday', { kind: 'query' })).source).toBe(
      'memory',
    );

    await proxy.restore();
    await vi.waitFor(() => expect(redis.status).toBe('ready'), WAIT);
    const up = await embedder.embedOne('do you bake gluten free bread', { kind: 'query' });
    expect(up.source).toBe('local');
    await vi.waitFor(
      async () => expect(await admin.exists(embedder.key('do you bake gluten free bread'))).toBe(1),
      WAIT,
    );
    cache.clearMemory();
    expect(
      (await embedder.embedOne('do you bake gluten-free bread?', { kind: 'query' })).source,
    ).toBe('redis');
    expect(inner.calls).toBe(2);
  });
  it('does not let a Redis that stops answering sit on the answer path', async () => {
    const registry = new Registry();
    const metrics = knowledgeMetrics(registry);
    const inner = new HashEmbedder({ model: `test:${randomUUID()}` });
    const cache = new EmbeddingCache({
      redis,
      metrics,
      lookupTimeoutMs: 100,
      retryAfterMs: 60_000,
    });
    const embedder = new CachedEmbedder(inner, cache, { metrics });
    await embedder.embedOne('warm the connection', { kind: 'query' });
    proxy.pause();
    try {
      const started = performance.now();
      expect((await embedder.embedOne('what about parking', { kind: 'query' })).source).toBe(
        'local',
      );
      expect(
        performance.now() - started,
        'waited for the 100 ms lookup timeout',
      ).toBeGreaterThanOrEqual(95);
      expect((await embedder.embedOne('any vegan cakes', { kind: 'query' })).source).toBe('local');
      expect(
        await metricValue(registry, 'voxstate_embedding_cache_errors_total', { op: 'get' }),
        'the second lookup skips Redis for retryAfterMs instead of timing out again',
      ).toBe(1);
    } finally {
      proxy.resume();
      cache.close();
    }
  });
});

describe('embedding cache without Redis', () => {
  it('is the in-process LRU with TTL', async () => {
    // lru-cache reads a start time of 0 as "no start": the clock starts past it.
    let now = 1_000;
    const cache = new EmbeddingCache({ ttlMs: 1000, memoryEntries: 2, now: () => now });
    await cache.set('a', Float32Array.from([1]));
    expect((await cache.get('a'))?.layer).toBe('memory');
    now = 2_001;
    expect(await cache.get('a')).toBeUndefined();
  });

  it('cancels the shared embedding only when every waiter has aborted', async () => {
    const inner = new HashEmbedder({ latencyMs: 50 });
    const embedder = new CachedEmbedder(inner, new EmbeddingCache());
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = embedder.embedOne('cake price', { kind: 'query', signal: c1.signal });
    const p2 = embedder.embedOne('cake price', { kind: 'query', signal: c2.signal });
    c1.abort();
    await expect(p1).rejects.toMatchObject({ code: 'aborted' });
    expect((await p2).source).toBe('inflight');
    const c3 = new AbortController();
    const p3 = embedder.embedOne('bread price', { kind: 'query', signal: c3.signal });
    const flight = embedder.inflight('bread price');
    c3.abort();
    await expect(p3).rejects.toMatchObject({ code: 'aborted' });
    await expect(flight).rejects.toMatchObject({ code: 'aborted' });
    expect(embedder.inflightCount).toBe(0);
  });
});
