import { afterAll, describe, expect, test } from 'vitest';
import { AbortedError, ModelMissingError } from '../../src/errors.js';
import { LocalEmbedder } from '../../src/providers/embeddings/local-embedder.js';
import { createInferencePools, openEmbeddingPool } from '../../src/workers/pools.js';
import { deps, tinyConfig } from './helpers.js';

const config = await tinyConfig();
const pools = createInferencePools(config, deps());
afterAll(() => pools.close());

describe('LocalEmbedder', () => {
  test('learns its dimensions, names its model and returns unit vectors', async () => {
    const embedder = await LocalEmbedder.create(pools.embedding, config);
    expect(embedder.model).toBe('local:tiny-bert');
    expect(embedder.layer).toBe('local');
    expect(embedder.dimensions).toBe(64);
    const vectors = await embedder.embed(['доставка бесплатно', 'returns within 14 days'], {
      kind: 'passage',
    });
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toHaveLength(64);
      expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    }
    expect(await embedder.embed([], { kind: 'query' })).toEqual([]);
  });

  test('a missing model while offline is one clear ModelMissingError', async () => {
    const missing = { ...config, embedder: { ...config.embedder, id: 'nobody/no-such-model' } };
    const err = await LocalEmbedder.create(pools.embedding, missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMissingError);
    expect((err as Error).message).toContain(config.modelDir);
    expect((err as Error).message).toContain('voxstate models pull nobody/no-such-model');
  });

  test('hang-up aborts the call queued requests', async () => {
    const embedder = await LocalEmbedder.create(pools.embedding, config);
    const call = new AbortController();
    const requests = Array.from({ length: 5 }, (_, i) =>
      embedder.embed([`question ${i}`], { kind: 'query', signal: call.signal }),
    );
    const other = embedder.embed(['another call'], { kind: 'query' });
    call.abort();
    const settled = await Promise.allSettled(requests);
    const aborted = settled.filter(
      (s) => s.status === 'rejected' && s.reason instanceof AbortedError,
    );
    expect(aborted.length).toBeGreaterThanOrEqual(4);
    expect(await other).toHaveLength(1);
  });
});

describe('openEmbeddingPool', () => {
  test('builds the pool when the model is in the model folder', async () => {
    const { pool, unavailable } = openEmbeddingPool(config, deps());
    expect(unavailable).toBeUndefined();
    try {
      const embedder = await LocalEmbedder.create(pool!, config);
      expect(embedder.dimensions).toBe(64);
    } finally {
      await pool?.close();
    }
  });

  test('says why and builds no pool when the model is missing and downloads are off', () => {
    const missing = {
      ...config,
      allowDownloads: false,
      embedder: { ...config.embedder, id: 'nobody/no-such-model' },
    };
    const { pool, unavailable } = openEmbeddingPool(missing, deps());
    expect(pool).toBeUndefined();
    expect(unavailable).toContain('"nobody/no-such-model" is not in');
    expect(unavailable).toContain('voxstate models pull');
  });
});
