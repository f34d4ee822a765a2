import { afterAll, describe, expect, test } from 'vitest';
import { WorkerError } from '../../src/errors.js';
import { usesE5Prefixes } from '../../src/workers/embedding.worker.js';
import { createInferencePools } from '../../src/workers/pools.js';
import { deps, tinyConfig } from './helpers.js';

const base = await tinyConfig();
const plain = createInferencePools(base, deps());
const e5 = createInferencePools(
  { ...base, embedder: { ...base.embedder, prefixes: 'e5' } },
  deps(),
);
const broken = createInferencePools(
  { ...base, embedder: { ...base.embedder, id: 'broken-bert' } },
  deps(),
);
afterAll(() => Promise.all([plain.close(), e5.close(), broken.close()]));

function rows(result: { data: Float32Array; dimensions: number }): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < result.data.length; i += result.dimensions) {
    out.push(result.data.subarray(i, i + result.dimensions));
  }
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

describe('embedding worker', () => {
  test('vectors are L2-normalized, deterministic and closer for texts sharing words', async () => {
    const texts = [
      'When is the shop open on Sunday?',
      'shop opening hours on Sunday',
      'Когда работает магазин?',
      'football music weather',
    ];
    const result = await plain.embedding.run({ texts, kind: 'query' });
    expect(result.dimensions).toBe(64);
    const v = rows(result);
    expect(v).toHaveLength(4);
    for (const row of v) expect(dot(row, row)).toBeCloseTo(1, 5);
    const again = rows(await plain.embedding.run({ texts: [texts[0] as string], kind: 'query' }));
    expect(dot(v[0] as Float32Array, again[0] as Float32Array)).toBeCloseTo(1, 6);
    const related = dot(v[0] as Float32Array, v[1] as Float32Array);
    expect(related).toBeGreaterThan(dot(v[0] as Float32Array, v[3] as Float32Array));
    expect(related).toBeGreaterThan(dot(v[2] as Float32Array, v[3] as Float32Array));
  });

  test('e5 mode adds query/passage prefixes; none mode does not', async () => {
    const text = ['delivery price'];
    const [q] = rows(await e5.embedding.run({ texts: text, kind: 'query' }));
    const [p] = rows(await e5.embedding.run({ texts: text, kind: 'passage' }));
    const [prefixedByHand] = rows(
      await plain.embedding.run({ texts: ['query: delivery price'], kind: 'passage' }),
    );
    const [bare] = rows(await plain.embedding.run({ texts: text, kind: 'query' }));
    expect(dot(q as Float32Array, p as Float32Array)).toBeLessThan(0.9999);
    expect(dot(q as Float32Array, prefixedByHand as Float32Array)).toBeCloseTo(1, 5);
    expect(dot(bare as Float32Array, q as Float32Array)).toBeLessThan(0.9999);
  });

  test('auto prefix mode recognizes e5 model ids', () => {
    expect(usesE5Prefixes('auto', 'Xenova/multilingual-e5-small')).toBe(true);
    expect(usesE5Prefixes('auto', 'intfloat/e5-base-v2')).toBe(true);
    expect(usesE5Prefixes('auto', 'Xenova/all-MiniLM-L6-v2')).toBe(false);
    expect(usesE5Prefixes('e5', 'tiny-bert')).toBe(true);
    expect(usesE5Prefixes('none', 'Xenova/multilingual-e5-small')).toBe(false);
  });

  test('a broken model file gives a WorkerError on each task, never a crash', async () => {
    const first = await broken.embedding
      .run({ texts: ['hello'], kind: 'query' })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(WorkerError);
    expect((first as WorkerError).retryable).toBe(true);
    await expect(broken.embedding.run({ texts: ['hello'], kind: 'query' })).rejects.toBeInstanceOf(
      WorkerError,
    );
  });
});
