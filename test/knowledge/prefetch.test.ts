import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActor, toPromise } from 'xstate';
import {
  createPrefetchEmbeddingActor,
  type PrefetchEmbeddingEmitted,
} from '../../src/actors/prefetch-embedding.js';
import { createRetrieveActor } from '../../src/actors/retrieve.js';
import { CachedEmbedder } from '../../src/knowledge/cached-embedder.js';
import { EmbeddingCache } from '../../src/knowledge/embedding-cache.js';
import { HybridRetriever } from '../../src/knowledge/hybrid-retriever.js';
import { ingest } from '../../src/knowledge/ingest.js';
import { knowledgeMetrics } from '../../src/knowledge/metrics.js';
import { Prefetcher } from '../../src/knowledge/prefetcher.js';
import { KnowledgeStore } from '../../src/knowledge/store.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { embedderFailure, HashEmbedder } from '../fakes/hash-embedder.js';
import { metricValue } from '../helpers/metrics.js';
import { copySampleKb, tempDir } from './helpers.js';

describe('prefetch and retrieval', () => {
  let cleanup: () => Promise<void>;
  let store: KnowledgeStore;

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    store = await KnowledgeStore.open({ dir: join(t.dir, 'db') });
    await ingest([await copySampleKb(t.dir)], {
      store,
      embedders: [new HashEmbedder({ model: 'test:local' })],
    });
  });
  afterAll(async () => {
    store.close();
    await cleanup();
  });

  function build(latencyMs: number, maxConcurrent = 8) {
    const registry = new Registry();
    const metrics = knowledgeMetrics(registry);
    const inner = new HashEmbedder({ model: 'test:local', latencyMs });
    const local = new CachedEmbedder(inner, new EmbeddingCache({ metrics }), { metrics });
    const prefetcher = new Prefetcher({
      embedder: local,
      maxConcurrent,
      metrics,
      logger: silentLogger(),
    });
    const retriever = new HybridRetriever({
      store,
      local,
      prefetcher,
      threshold: 0,
      metrics,
      logger: silentLogger(),
    });
    return { registry, inner, local, prefetcher, retriever };
  }

  it('retrieval waits for the in-flight prefetch instead of embedding again', async () => {
    const { registry, inner, prefetcher, retriever } = build(60);
    await retriever.retrieve({ query: 'cake prices', language: 'en' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const prefetch = prefetcher.prefetch('When do you open on Saturday?');
      await vi.advanceTimersByTimeAsync(10);
      const retrieval = retriever.retrieve({
        query: 'when do you open on saturday',
        language: 'en',
      });
      await new Promise((r) => setImmediate(r));
      await vi.advanceTimersByTimeAsync(50);
      const result = await retrieval;
      expect((await prefetch).outcome).toBe('local');
      expect(inner.calls).toBe(2);
      expect(result.waitedForPrefetchMs).toBe(50);
    } finally {
      vi.useRealTimers();
    }
    expect(await metricValue(registry, 'voxstate_prefetch_wait_seconds_sum')).toBe(0.05);
    expect((await prefetcher.prefetch('When do you open on Saturday')).outcome).toBe('memory');
  });

  it('bounds concurrent prefetches; a skipped one is counted and retrieval still answers', async () => {
    const { registry, inner, prefetcher, retriever } = build(40, 2);
    const outcomes = await Promise.all([
      prefetcher.prefetch('cake prices'),
      prefetcher.prefetch('cake prices'),
      prefetcher.prefetch('delivery area'),
      prefetcher.prefetch('return a cake'),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['local', 'inflight', 'local', 'skipped']);
    expect(await metricValue(registry, 'voxstate_prefetch_total', { outcome: 'skipped' })).toBe(1);
    expect(prefetcher.active).toBe(0);
    const r = await retriever.retrieve({ query: 'return a cake', language: 'en' });
    expect(r.layer).toBe('local');
    expect(r.waitedForPrefetchMs).toBe(0);
    expect(inner.calls).toBe(3);
  });

  it('a failed prefetch never breaks retrieval', async () => {
    const { registry, inner, prefetcher, retriever } = build(20);
    inner.failWith = embedderFailure();
    const failed = prefetcher.prefetch('do you have parking');
    await new Promise((r) => setTimeout(r, 5));
    const whileFailing = await retriever.retrieve({ query: 'do you have parking', language: 'en' });
    expect(await failed).toEqual({ outcome: 'failed', error: 'embedding worker: model exploded' });
    expect(whileFailing.layer).toBe('keyword');
    expect(whileFailing.passages[0]!.text).toContain('parking');
    expect(await metricValue(registry, 'voxstate_prefetch_total', { outcome: 'failed' })).toBe(1);
    inner.failWith = undefined;
    const recovered = await retriever.retrieve({
      query: 'do you have parking spaces',
      language: 'en',
    });
    expect(recovered.layer).toBe('local');
  });

  it('prefetch actor: starts on stt.final, emits the source, never throws', async () => {
    const { inner, prefetcher } = build(30);
    const actor = createActor(createPrefetchEmbeddingActor({ prefetcher }), {
      input: { callId: 'c1', language: 'en' },
    });
    const emitted: PrefetchEmbeddingEmitted[] = [];
    actor.on('*', (event) => emitted.push(event as PrefetchEmbeddingEmitted));
    actor.start();
    actor.send({ type: 'stt.final', text: 'how much is a birthday cake' });
    await vi.waitFor(() => expect(emitted).toHaveLength(1));
    expect(emitted[0]).toEqual({ type: 'prefetch.ready', source: 'local' });
    expect(inner.calls).toBe(1);
    inner.failWith = embedderFailure();
    actor.send({ type: 'stt.final', text: 'something new' });
    await vi.waitFor(() => expect(emitted).toHaveLength(2));
    expect(emitted[1]).toEqual({
      type: 'prefetch.failed',
      error: 'embedding worker: model exploded',
    });
    expect(actor.getSnapshot().status).toBe('active');
    actor.stop();
  });

  it('prefetch actor without an embedding model emits a failure instead of throwing', () => {
    const actor = createActor(createPrefetchEmbeddingActor({ prefetcher: undefined }), {
      input: { callId: 'c2' },
    });
    const emitted: unknown[] = [];
    actor.on('*', (event) => emitted.push(event));
    actor.start();
    actor.send({ type: 'stt.final', text: 'hi' });
    expect(emitted).toEqual([{ type: 'prefetch.failed', error: 'no embedding model configured' }]);
    expect(actor.getSnapshot().status).toBe('active');
    actor.stop();
  });

  it('retrieve actor: output contract, and stopping it aborts the work', async () => {
    const { retriever } = build(0);
    const actor = createActor(createRetrieveActor({ retriever }), {
      input: { callId: 'c1', query: 'Вы работаете в воскресенье?', language: 'ru' },
    }).start();
    const out = await toPromise(actor);
    expect(Object.keys(out).sort()).toEqual([
      'layer',
      'passages',
      'similarity',
      'waitedForPrefetchMs',
    ]);
    expect(Object.keys(out.passages[0]!).sort()).toEqual(['id', 'score', 'source', 'text']);
    expect(out.layer).toBe('local');
    expect(out.passages[0]!.text).toContain('воскресенье');

    const slow = build(300);
    const running = createActor(createRetrieveActor({ retriever: slow.retriever }), {
      input: { callId: 'c2', query: 'slow one' },
    }).start();
    await vi.waitFor(() => expect(slow.local.inflightCount).toBe(1));
    running.stop();
    await expect.poll(() => slow.local.inflightCount).toBe(0);
  });
});
