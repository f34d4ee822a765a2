import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, test } from 'vitest';
import { AbortedError, QueueFullError, WorkerError } from '../../src/errors.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { InferencePool } from '../../src/workers/inference-pool.js';
import { fileEntry } from '../../src/workers/worker-file.js';
import type { BehaveResult, BehaveTask } from '../fixtures/workers/behave.worker.js';

const worker = fileEntry(
  fileURLToPath(new URL('../fixtures/workers/behave.worker.ts', import.meta.url)),
);
const pools: InferencePool<BehaveTask, BehaveResult>[] = [];

function makePool(maxQueue = 2, registry = new Registry()) {
  const pool = new InferencePool<BehaveTask, BehaveResult>({
    name: 'behave',
    worker,
    minThreads: 1,
    maxThreads: 1,
    idleTimeoutMs: 10_000,
    maxQueue,
    registry,
    logger: silentLogger(),
  });
  pools.push(pool);
  return pool;
}

async function errorCount(registry: Registry, kind: string): Promise<number> {
  const metric = await registry.getSingleMetric('voxstate_worker_errors_total')?.get();
  return metric?.values.find((v) => v.labels.kind === kind)?.value ?? 0;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('InferencePool', () => {
  test('a full queue gives a retryable QueueFullError and the pool keeps serving', async () => {
    const registry = new Registry();
    const pool = makePool(2, registry);
    const running = pool.run({ op: 'sleep', ms: 300 });
    const queued = [pool.run({ op: 'echo', value: 1 }), pool.run({ op: 'echo', value: 2 })];
    expect(pool.queueSize).toBe(2);
    const refused = pool.run({ op: 'echo', value: 3 });
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ retryable: true, code: 'queue_full' });
    await running;
    expect((await Promise.all(queued)).map((r) => r.value)).toEqual([1, 2]);
    expect((await pool.run({ op: 'echo', value: 4 })).value).toBe(4);
    expect(await errorCount(registry, 'queue_full')).toBe(1);
  });

  test('an urgent task waits ahead of the others, behind earlier urgent ones', async () => {
    const pool = makePool(8);
    const done: number[] = [];
    const track = (p: Promise<BehaveResult>) => p.then((r) => done.push(r.value as number));
    const running = track(
      pool.run({ op: 'sleep', ms: 200 }).then(() => ({ value: 0 }) as BehaveResult),
    );
    const all = [
      track(pool.run({ op: 'echo', value: 1 })),
      track(pool.run({ op: 'echo', value: 2 })),
      track(pool.run({ op: 'echo', value: 3 }, { urgent: true })),
      track(pool.run({ op: 'echo', value: 4 })),
      track(pool.run({ op: 'echo', value: 5 }, { urgent: true })),
    ];
    await Promise.all([running, ...all]);
    expect(done).toEqual([0, 3, 5, 1, 2, 4]);
  });

  test('a task that throws gives a WorkerError and the same thread serves on', async () => {
    const registry = new Registry();
    const pool = makePool(2, registry);
    const first = await pool.run({ op: 'echo', value: 1 });
    const err = await pool.run({ op: 'throw', message: 'model exploded' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as WorkerError).message).toContain('model exploded');
    const after = await pool.run({ op: 'echo', value: 2 });
    expect(after).toEqual({ threadId: first.threadId, value: 2 });
    expect(await errorCount(registry, 'task')).toBe(1);
  });

  test('a thread that dies gives a WorkerError and a new thread serves the next task', async () => {
    const registry = new Registry();
    const pool = makePool(2, registry);
    const first = await pool.run({ op: 'echo', value: 1 });
    const err = await pool.run({ op: 'exit', code: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as WorkerError).message).toMatch(/thread died.*code: 3/);
    const after = await pool.run({ op: 'echo', value: 2 });
    expect(after.value).toBe(2);
    expect(after.threadId).not.toBe(first.threadId);
    expect(await errorCount(registry, 'thread_exit')).toBe(1);
  });

  test('aborting a queued task removes it from the queue at once', async () => {
    const pool = makePool(4);
    const running = pool.run({ op: 'sleep', ms: 200 });
    const controller = new AbortController();
    const queued = pool.run({ op: 'echo', value: 1 }, { signal: controller.signal });
    const other = pool.run({ op: 'echo', value: 2 });
    expect(pool.queueSize).toBe(2);
    controller.abort('hang-up');
    await expect(queued).rejects.toBeInstanceOf(AbortedError);
    expect(pool.queueSize).toBe(1);
    await running;
    expect((await other).value).toBe(2);
  });

  test('aborting a running task rejects at once, drops the result and keeps the thread', async () => {
    const pool = makePool(4);
    const first = await pool.run({ op: 'echo', value: 0 });
    const controller = new AbortController();
    const started = performance.now();
    const running = pool.run({ op: 'sleep', ms: 1_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort('barge-in'), 20);
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    expect(performance.now() - started, 'rejected before the 1 s task could end').toBeLessThan(
      1_000,
    );
    const next = await pool.run({ op: 'echo', value: 1 });
    expect(next.threadId).toBe(first.threadId);
  });

  test('an already aborted signal never reaches a thread', async () => {
    const pool = makePool(4);
    await expect(
      pool.run({ op: 'echo', value: 1 }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(pool.runningCount).toBe(0);
  });

  test('transferList moves the buffer to the thread', async () => {
    const pool = makePool(4);
    const data = new Float32Array(1000);
    const result = await pool.run(
      { op: 'bytes', data },
      { transferList: [data.buffer as ArrayBuffer] },
    );
    expect(result.value).toBe(1000);
    expect(data.length).toBe(0);
  });

  test('close rejects queued tasks and later runs', async () => {
    const pool = makePool(4);
    const running = pool.run({ op: 'sleep', ms: 100 });
    const queued = pool.run({ op: 'echo', value: 1 });
    const closing = pool.close();
    await expect(queued).rejects.toBeInstanceOf(AbortedError);
    await expect(running).rejects.toBeInstanceOf(WorkerError);
    await closing;
    await expect(pool.run({ op: 'echo', value: 2 })).rejects.toBeInstanceOf(WorkerError);
  });
});

describe('InferencePool metrics', () => {
  test('queue depth, wait and run histograms in seconds, labelled by pool', async () => {
    const registry = new Registry();
    const pool = makePool(4, registry);
    const running = pool.run({ op: 'sleep', ms: 100 });
    const queued = pool.run({ op: 'echo', value: 1 });
    const depth = async () =>
      (await registry.getSingleMetric('voxstate_worker_queue_depth')?.get())?.values[0];
    expect(await depth()).toMatchObject({ value: 1, labels: { pool: 'behave' } });
    await Promise.all([running, queued]);
    expect((await depth())?.value).toBe(0);
    const sum = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) =>
        String((v as { metricName?: string }).metricName).endsWith('_sum'),
      )?.value ?? -1;
    const count = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) =>
        String((v as { metricName?: string }).metricName).endsWith('_count'),
      )?.value ?? -1;
    expect(await count('voxstate_worker_run_seconds')).toBe(2);
    expect(await count('voxstate_worker_wait_seconds')).toBe(2);
    // the echo waited for the 100 ms sleep: about 0.1 s, not 100 (seconds, not ms)
    expect(await sum('voxstate_worker_wait_seconds')).toBeGreaterThan(0.05);
    expect(await sum('voxstate_worker_wait_seconds')).toBeLessThan(5);
  });
});
