import { afterAll, describe, expect, it, vi } from 'vitest';
import type { EspeakTask } from '../../src/workers/espeak.worker.js';
import { createEspeakPool } from '../../src/workers/pools.js';
import { deps } from './helpers.js';

const pool = createEspeakPool({ threads: 1, maxQueue: 4 }, deps());
afterAll(() => pool.close());

const task = (text: string): EspeakTask => ({
  text,
  voice: 'en-us',
  format: 'slin16',
  rateWpm: 165,
  pitch: 50,
});

describe('espeak pool (InferencePool)', () => {
  it('an abort during a synthesis rejects at once and keeps the thread (and its WASM heap)', async () => {
    await pool.run(task('warm up'));
    const before = pool.threadIds;
    expect(before).toHaveLength(1);
    const call = new AbortController();
    const running = pool.run(
      task('This sentence is long enough to still be synthesized when the caller hangs up.'),
      { signal: call.signal },
    );
    await vi.waitFor(() => expect(pool.runningCount).toBe(1));
    call.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    const next = await pool.run(task('still here'));
    expect(next.byteLength).toBeGreaterThan(4000);
    expect(pool.threadIds).toEqual(before);
  });

  it('refuses work past its queue bound with a retryable QueueFullError', async () => {
    const runs = Array.from({ length: 6 }, (_, i) => pool.run(task(`phrase ${i}`)));
    const settled = await Promise.allSettled(runs);
    const refused = settled.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'queue_full',
      retryable: true,
    });
  });
});
