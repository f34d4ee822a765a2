import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCallStore } from '../../src/cost/store.js';
import { DeadLetterQueue } from '../../src/dlq/dead-letter-queue.js';
import { connectQueueRedis, waitForRedis } from '../../src/dlq/queue-redis.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { startTcpProxy, type TcpProxy } from '../fakes/tcp-proxy.js';
import { captureLogs, type LogCapture } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import { cleanRedis, inspectRedis, keysUnder, uniquePrefix, waitFor } from './helpers.js';

/** Stored call records, read through a fresh connection (a cached table misses new versions). */
async function records(dataDir: string): Promise<string[]> {
  const store = await openCallStore({ dataDir });
  try {
    return (await store.queryCalls()).map((c) => c.id);
  } finally {
    store.close();
  }
}

/**
 * The `calls` table made unwritable: a plain file where LanceDB wants its folder (tests run as
 * root, so permissions would not stop a write). Returns the restore.
 */
function blockCallsTable(dataDir: string): () => void {
  const table = join(dataDir, 'calls.lance');
  const aside = join(dataDir, 'calls.lance.aside');
  const existed = existsSync(table);
  if (existed) renameSync(table, aside);
  writeFileSync(table, 'not a table');
  return () => {
    rmSync(table);
    if (existed) renameSync(aside, table);
  };
}

/** A short call (the caller hangs up after a moment); resolves when both sides are done. */
async function shortCall(rig: CallRig): Promise<string> {
  const { sim, handle } = await rig.placeCall({ steps: [{ pause: 300 }, { hangup: true }] });
  await handle.done;
  await sim.ended;
  return handle.id;
}

describe('faults: the LanceDB call store is unwritable (Redis up)', () => {
  const prefix = uniquePrefix('store');
  let rig: CallRig;
  let logs: LogCapture;
  let direct: Redis;

  beforeAll(async () => {
    direct = inspectRedis();
    logs = captureLogs();
    rig = await startCallRig({
      // The answers come from the LLM fixture (or no turn is taken): no knowledge base needed.
      ingest: false,
      logger: logs.logger,
      recordCalls: true,
      env: {
        VOXSTATE_REDIS_URL: 'redis://127.0.0.1:6379',
        VOXSTATE_REDIS_PREFIX: prefix,
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
      },
      // Retries 1 s, then 2 s after a failure (instead of 60 s and 120 s).
      runtimeOptions: { deadLetter: { baseDelayMs: 1_000, pollMs: 50 } },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    if (direct) {
      await cleanRedis(direct, prefix);
      direct.disconnect();
    }
  });

  it('the call record is queued in the dead-letter queue and written once the folder is back', async () => {
    const unblock = blockCallsTable(rig.dataDir);
    let id: string;
    try {
      id = await shortCall(rig);
      await waitFor(
        async () => (await direct.zcard(`${prefix}dlq:delayed`)) === 1,
        5_000,
        'the record to be queued',
      );
    } finally {
      unblock();
    }
    const queued = logs.find('post-call job failed; queued for retry');
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ kind: 'call.record' });
    expect(String(queued[0]?.err)).toMatch(/calls/);
    expect(
      await metricValue(rig.registry, 'voxstate_dlq_enqueued_total', { kind: 'call.record' }),
    ).toBe(1);

    await waitFor(async () => (await records(rig.dataDir)).includes(id), 10_000, 'the record');
    expect(
      await metricValue(rig.registry, 'voxstate_dlq_retried_total', {
        kind: 'call.record',
        result: 'ok',
      }),
    ).toBe(1);
    expect(await direct.zcard(`${prefix}dlq:delayed`)).toBe(0);
  }, 30_000);

  it('a record that failed all 3 attempts is kept as failed and written after `dlq retry`', async () => {
    const unblock = blockCallsTable(rig.dataDir);
    let id: string;
    try {
      id = await shortCall(rig);
      await waitFor(
        async () => (await direct.hlen(`${prefix}dlq:failed`)) === 1,
        10_000,
        'the record to fail for good',
      );
    } finally {
      unblock();
    }
    expect(logs.find('dlq job failed for good')).toHaveLength(1);
    expect(
      await metricValue(rig.registry, 'voxstate_dlq_failed_total', { kind: 'call.record' }),
    ).toBe(1);
    expect(await records(rig.dataDir)).not.toContain(id);

    // What `voxstate dlq retry --all` does, from another connection.
    const queueRedis = connectQueueRedis({ keyPrefix: prefix });
    try {
      await waitForRedis(queueRedis);
      const operator = new DeadLetterQueue({ redis: queueRedis });
      expect(await operator.retryFailed('all')).toBe(1);
    } finally {
      queueRedis.disconnect();
    }
    await waitFor(async () => (await records(rig.dataDir)).includes(id), 10_000, 'the record');
    expect(await direct.hlen(`${prefix}dlq:failed`)).toBe(0);
  }, 30_000);
});

describe('faults: the call store and Redis are down when the process stops', () => {
  const prefix = uniquePrefix('spill');
  const dataDir = mkdtempSync(join(tmpdir(), 'voxstate-fault-spill-'));
  let proxy: TcpProxy;
  let direct: Redis;
  const rigs: CallRig[] = [];

  const start = async (logs: LogCapture) => {
    const rig = await startCallRig({
      ingest: false,
      logger: logs.logger,
      recordCalls: true,
      env: {
        VOXSTATE_DATA_DIR: dataDir,
        VOXSTATE_REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        VOXSTATE_REDIS_PREFIX: prefix,
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
      },
      runtimeOptions: { deadLetter: { baseDelayMs: 200, pollMs: 50 } },
    });
    rigs.push(rig);
    return rig;
  };

  beforeAll(async () => {
    direct = inspectRedis();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  });

  afterEach(async () => {
    for (const rig of rigs.splice(0)) await rig.close();
  });

  afterAll(async () => {
    await proxy?.close();
    if (direct) {
      await cleanRedis(direct, prefix);
      direct.disconnect();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the buffered record is spilled to the data folder at shutdown and written after the restart', async () => {
    const firstLogs = captureLogs();
    const first = await start(firstLogs);
    await waitFor(
      async () => (await metricValue(first.registry, 'voxstate_redis_up')) === 1,
      5_000,
      'Redis',
    );
    const unblock = blockCallsTable(dataDir);
    await proxy.cut();
    const id = await shortCall(first);
    await waitFor(
      async () => (await metricValue(first.registry, 'voxstate_dlq_buffered')) === 1,
      5_000,
      'the record to be buffered',
    );
    rigs.splice(rigs.indexOf(first), 1);
    await first.close();
    expect(firstLogs.find('dlq jobs spilled to file')).toHaveLength(1);
    expect(existsSync(join(dataDir, 'dlq-spill.jsonl'))).toBe(true);

    unblock();
    await proxy.restore();
    await start(captureLogs());
    await waitFor(async () => (await records(dataDir)).includes(id), 10_000, 'the spilled record');
    expect(existsSync(join(dataDir, 'dlq-spill.jsonl'))).toBe(false);
    expect(await keysUnder(direct, `${prefix}dlq:failed`)).toEqual([]);
  }, 60_000);
});
