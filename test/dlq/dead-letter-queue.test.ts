import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadLetterQueue, type DeadLetterQueueOptions } from '../../src/dlq/dead-letter-queue.js';
import { connectQueueRedis, waitForRedis } from '../../src/dlq/queue-redis.js';
import { GROUP, queueKeys } from '../../src/dlq/scripts.js';
import { startTcpProxy } from '../fakes/tcp-proxy.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 5_000, interval: 10 };

const PREFIX = 'voxstate-test:';

describe('DeadLetterQueue (real Redis)', () => {
  let redis: Redis;
  let name: string;
  const queues: DeadLetterQueue[] = [];
  const clients: Redis[] = [];

  function queue(options: Partial<DeadLetterQueueOptions> = {}): DeadLetterQueue {
    const q = new DeadLetterQueue({
      redis,
      name,
      baseDelayMs: 40,
      pollMs: 10,
      claimIdleMs: 60_000,
      ...options,
    });
    queues.push(q);
    return q;
  }

  beforeEach(async () => {
    name = `dlq-${randomUUID()}`;
    redis = connectQueueRedis({ keyPrefix: PREFIX });
    clients.push(redis);
    await waitForRedis(redis);
  });

  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop();
    const k = queueKeys(name);
    await redis.del(k.ready, k.delayed, k.failed);
    for (const c of clients.splice(0)) c.disconnect();
  });

  it('runs the handler directly and queues nothing when it succeeds', async () => {
    const seen: unknown[] = [];
    const q = queue({ handlers: { 'call.record': async (p) => void seen.push(p) } });
    expect(await q.submit({ kind: 'call.record', payload: { id: 'c1' } })).toBe('done');
    expect(seen).toEqual([{ id: 'c1' }]);
    expect(await q.stats()).toEqual({ ready: 0, delayed: 0, failed: 0, buffered: 0 });
  });

  it('retries with exponential backoff, 3 attempts in all, then fails for good; list and retry', async () => {
    const registry = new Registry();
    const times: number[] = [];
    let healthy = false;
    const q = queue({
      registry,
      handlers: {
        costs: async () => {
          times.push(Date.now());
          if (!healthy) throw new Error('lancedb unwritable');
        },
      },
    });
    expect(await q.submit({ kind: 'costs', payload: { n: 1 } })).toBe('queued');
    q.start();
    await vi.waitFor(async () => expect((await q.stats()).failed).toBe(1), WAIT);
    expect(times).toHaveLength(3);
    const gap1 = times[1]! - times[0]!;
    const gap2 = times[2]! - times[1]!;
    expect(gap1).toBeGreaterThanOrEqual(40);
    expect(gap2).toBeGreaterThanOrEqual(80);
    await new Promise((r) => setTimeout(r, 150));
    expect(times).toHaveLength(3);

    const [failed] = await q.listFailed();
    expect(failed).toMatchObject({ kind: 'costs', payload: { n: 1 }, attempts: 3 });
    expect(failed?.lastError).toBe('lancedb unwritable');
    const text = await registry.metrics();
    expect(text).toContain('voxstate_dlq_enqueued_total{kind="costs"} 1');
    expect(text).toContain('voxstate_dlq_failed_total{kind="costs"} 1');
    expect(text).toContain('voxstate_dlq_retried_total{kind="costs",result="error"} 2');

    healthy = true;
    expect(await q.retryFailed(failed!.id)).toBe(1);
    await vi.waitFor(() => expect(times.length).toBe(4), WAIT);
    await vi.waitFor(async () => {
      const s = await q.stats();
      expect({ failed: s.failed, ready: s.ready, delayed: s.delayed }).toEqual({
        failed: 0,
        ready: 0,
        delayed: 0,
      });
    }, WAIT);
    expect(await q.retryFailed('all')).toBe(0);
  });

  it('a new instance reclaims a job left pending by a dead consumer', async () => {
    const k = queueKeys(name);
    const ran: string[] = [];
    const dead = queue({ handlers: {} });
    expect(await dead.submit({ kind: 'transcript', payload: 'p1' })).toBe('queued');
    await dead.tick();
    // The dead instance had no handler and rescheduled it; simulate a crash mid-run instead:
    await redis.del(k.delayed);
    await redis.xadd(
      k.ready,
      '*',
      'job',
      JSON.stringify({ id: 'j1', kind: 'transcript', payload: 'p1', attempts: 1, createdAt: 0 }),
    );
    await redis.xreadgroup(
      'GROUP',
      GROUP,
      'crashed-consumer',
      'COUNT',
      10,
      'STREAMS',
      k.ready,
      '>',
    );
    const pending = (await redis.xpending(k.ready, GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(1);

    const fresh = queue({
      claimIdleMs: 20,
      handlers: { transcript: async (p) => void ran.push(String(p)) },
    });
    fresh.start();
    await vi.waitFor(() => expect(ran.length).toBe(1), WAIT);
    expect(ran).toEqual(['p1']);
    await vi.waitFor(
      async () => expect(((await redis.xpending(k.ready, GROUP)) as [number])[0]).toBe(0),
      WAIT,
    );
  });

  it('a job waiting for its backoff survives a restart and runs on the next instance', async () => {
    const ran: number[] = [];
    const first = queue({ handlers: { costs: async () => Promise.reject(new Error('down')) } });
    await first.submit({ kind: 'costs', payload: 7 });
    await first.stop();
    const second = queue({ handlers: { costs: async (p) => void ran.push(p as number) } });
    second.start();
    await vi.waitFor(() => expect(ran.length).toBe(1), WAIT);
    expect(ran).toEqual([7]);
  });

  it('buffers while Redis is unreachable and flushes when it returns', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    const viaProxy = connectQueueRedis({
      keyPrefix: PREFIX,
      url: `redis://127.0.0.1:${proxy.port}`,
    });
    clients.push(viaProxy);
    await waitForRedis(viaProxy);
    const registry = new Registry();
    const ran: string[] = [];
    let fail = true;
    const q = queue({
      redis: viaProxy,
      registry,
      handlers: {
        costs: async (p) => {
          if (fail) throw new Error('unwritable');
          ran.push(String(p));
        },
      },
    });
    await proxy.cut();
    await vi.waitFor(() => expect(viaProxy.status).not.toBe('ready'), WAIT);
    expect(await q.submit({ kind: 'costs', payload: 'a' })).toBe('buffered');
    expect(await q.submit({ kind: 'costs', payload: 'b' })).toBe('buffered');
    expect(q.buffered).toBe(2);
    expect(await registry.metrics()).toContain('voxstate_dlq_buffered 2');
    fail = false;
    await proxy.restore();
    await waitForRedis(viaProxy, 5_000);
    q.start();
    await vi.waitFor(() => expect(ran.length).toBe(2), WAIT);
    expect(ran.sort()).toEqual(['a', 'b']);
    expect(q.buffered).toBe(0);
    await proxy.close();
  });

  it('spills the buffer to a file on stop and reads it back on start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voxstate-dlq-'));
    const spillFile = join(dir, 'dlq.jsonl');
    const unreachable = connectQueueRedis({ keyPrefix: PREFIX, url: 'redis://127.0.0.1:1' });
    clients.push(unreachable);
    const down = queue({
      redis: unreachable,
      spillFile,
      bufferSize: 2,
      handlers: { costs: async () => Promise.reject(new Error('x')) },
    });
    for (const p of ['a', 'b', 'c'])
      expect(await down.submit({ kind: 'costs', payload: p })).toBe('buffered');
    expect(down.buffered).toBe(2);
    await down.stop();
    expect(existsSync(spillFile)).toBe(true);

    const ran: string[] = [];
    const up = queue({ spillFile, handlers: { costs: async (p) => void ran.push(String(p)) } });
    up.start();
    await vi.waitFor(() => expect(ran.length).toBe(2), WAIT);
    expect(ran.sort()).toEqual(['b', 'c']);
    expect(existsSync(spillFile)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});
