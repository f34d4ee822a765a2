/**
 * Speculative retrieval on a fake clock: a partial unchanged for the stable interval (or marked
 * stable) starts retrieval; the final transcript reuses it when the words match, drops it
 * otherwise; hits and waste are counted.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SpeculativeRetrieval } from '../../src/actors/speculative-retrieval.js';
import type { RetrievalResult, RetrieveRequest } from '../../src/knowledge/retrieval-types.js';
import { registerCatalog } from '../../src/telemetry/catalog.js';
import { FakeClock } from '../fakes/fake-clock.js';

function rig() {
  const clock = new FakeClock({ startMs: 0 });
  const requests: Array<{ query: string; signal: AbortSignal | undefined }> = [];
  const retriever = {
    retrieve: async (r: RetrieveRequest): Promise<RetrievalResult> => {
      requests.push({ query: r.query, signal: r.signal });
      return { passages: [], layer: 'local', similarity: 0.9 } as unknown as RetrievalResult;
    },
  };
  const registry = new Registry();
  registerCatalog(registry);
  const s = new SpeculativeRetrieval({
    retriever,
    clock,
    language: () => 'en',
    stableMs: 200,
    registry,
  });
  const counted = async (outcome: string) =>
    (await registry.getSingleMetric('voxstate_speculative_retrievals_total')?.get())?.values.find(
      (v) => v.labels.outcome === outcome,
    )?.value ?? 0;
  return { clock, requests, s, counted };
}

describe('speculative retrieval', () => {
  it('starts on a partial unchanged for the stable interval and reuses it for the same words', async () => {
    const r = rig();
    r.s.partial('Do you deliver', false);
    r.clock.advance(150);
    r.s.partial('Do you deliver on Sunday', false);
    r.clock.advance(150);
    expect(r.requests).toEqual([]);
    r.clock.advance(60);
    expect(r.requests.map((q) => q.query)).toEqual(['Do you deliver on Sunday']);
    const early = r.s.take('Do you deliver on Sunday?');
    expect(early).toBeDefined();
    expect((await early)?.layer).toBe('local');
    expect(r.s.hits).toBe(1);
    expect(await r.counted('hit')).toBe(1);
  });

  it('drops a speculation the final transcript does not match, and counts the waste', async () => {
    const r = rig();
    r.s.partial('Do you deliver', true);
    expect(r.requests).toHaveLength(1);
    expect(r.s.take('Do you deliver on Sunday?')).toBeUndefined();
    expect(r.requests[0]?.signal?.aborted).toBe(true);
    expect(r.s.wasted).toBe(1);
    expect(await r.counted('wasted')).toBe(1);
  });

  it('a newer stable partial with other words replaces the one in flight', () => {
    const r = rig();
    r.s.partial('Do you deliver', true);
    r.s.partial('Do you deliver on Sunday', true);
    expect(r.requests[0]?.signal?.aborted).toBe(true);
    expect(r.s.wasted).toBe(1);
    expect(r.s.take('do you deliver on sunday')).toBeDefined();
  });
});
