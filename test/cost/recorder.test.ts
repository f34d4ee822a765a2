import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallEventLog } from '../../src/calllog/call-log.js';
import { CostLedger } from '../../src/cost/ledger.js';
import { DEFAULT_PRICES } from '../../src/cost/prices.js';
import { createCallRecorder } from '../../src/cost/recorder.js';
import { type CallRecord, type CallStore, openCallStore } from '../../src/cost/store.js';
import { DeadLetterQueue } from '../../src/dlq/dead-letter-queue.js';
import { connectQueueRedis, waitForRedis } from '../../src/dlq/queue-redis.js';
import { queueKeys } from '../../src/dlq/scripts.js';

function record(id: string, tokens: number): CallRecord {
  const ledger = new CostLedger({ prices: DEFAULT_PRICES });
  ledger.record('llm', { model: 'claude-haiku-4-5', inputTokens: tokens, outputTokens: 50 });
  const log = new CallEventLog();
  log.add('started');
  log.add('ended', { reason: 'hangup' });
  const now = Date.now();
  return {
    id,
    startedAt: now - 60_000,
    endedAt: now,
    direction: 'inbound',
    flags: { routing: 'on' },
    cost: ledger.breakdown(),
    turns: 1,
    endReason: 'hangup',
    events: log.toJSON(),
  };
}

describe('call recorder (real LanceDB, real Redis)', () => {
  let dir: string;
  let store: CallStore;
  let redis: Redis;
  let dlq: DeadLetterQueue;
  let name: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-recorder-'));
    store = await openCallStore({ dataDir: dir });
    redis = connectQueueRedis({ keyPrefix: 'voxstate-test:' });
    await waitForRedis(redis);
    name = `dlq-${randomUUID()}`;
    dlq = new DeadLetterQueue({ redis, name, baseDelayMs: 30, pollMs: 10 });
  });

  afterEach(async () => {
    await dlq.stop();
    const k = queueKeys(name);
    await redis.del(k.ready, k.delayed, k.failed);
    redis.disconnect();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('counts cost, flags anomalies and writes the record', async () => {
    const registry = new Registry();
    const recorder = await createCallRecorder({ store, dlq, registry });
    for (let i = 0; i < 10; i++) {
      expect((await recorder.finish(record(`c${i}`, 1000))).write).toBe('done');
    }
    const big = await recorder.finish(record('big', 10_000));
    expect(big.verdict.anomaly).toBe(true);
    expect(await store.count()).toBe(11);
    const text = await registry.metrics();
    expect(text).toContain('voxstate_call_cost_anomalies_total 1');
    expect(text).toContain('voxstate_call_cost_count 11');
    const again = await createCallRecorder({ store, dlq, registry: new Registry() });
    expect(again.detector.average).toBeCloseTo(
      (10 * record('x', 1000).cost.total + record('x', 10_000).cost.total) / 11,
      12,
    );
  });

  it('loses nothing while LanceDB is briefly unwritable', async () => {
    const recorder = await createCallRecorder({ store, dlq, registry: new Registry() });
    await recorder.finish(record('first', 100));
    const table = join(dir, 'calls.lance');
    renameSync(table, join(dir, 'aside'));
    writeFileSync(table, 'unwritable');
    expect((await recorder.finish(record('during-outage', 100))).write).toBe('queued');
    rmSync(table);
    renameSync(join(dir, 'aside'), table);
    dlq.start();
    const end = Date.now() + 5_000;
    while ((await store.count()) < 2 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    expect((await store.queryCalls()).map((c) => c.id).sort()).toEqual(['during-outage', 'first']);
  });
});
