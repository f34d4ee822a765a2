import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCallStore } from '../../src/cost/store.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';
import { startTcpProxy, type TcpProxy } from '../fakes/tcp-proxy.js';
import { captureLogs, type LogCapture } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import {
  cleanRedis,
  deadAir,
  inspectRedis,
  keysUnder,
  prewarmEnglish,
  uniquePrefix,
  waitFor,
} from './helpers.js';

describe('faults: Redis killed and restarted during calls (through a TCP proxy)', () => {
  const prefix = uniquePrefix('redis');
  let proxy: TcpProxy;
  let rig: CallRig;
  let logs: LogCapture;
  let direct: Redis;
  let llm: FixtureServer;

  const redisUp = async () => (await metricValue(rig.registry, 'voxstate_redis_up')) === 1;
  /** Stored call records, read through a fresh connection (a cached table misses new versions). */
  const records = async () => {
    const store = await openCallStore({ dataDir: rig.dataDir });
    try {
      return await store.count();
    } finally {
      store.close();
    }
  };
  const ttsKeys = async () => (await keysUnder(direct, `${prefix}tts:a:`)).length;

  beforeAll(async () => {
    direct = inspectRedis();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    logs = captureLogs();
    // Short, distinct answers: the calls stay short and each answer is a new TTS cache entry.
    llm = await startOpenAiServer({
      replies: [
        { match: { lastUser: 'Caller: Are you open' }, text: 'Yes, we open on Sunday at nine.' },
        { match: { lastUser: 'Caller: Do you deliver' }, text: 'Yes, we deliver in town.' },
        { match: { lastUser: 'Caller: How much' }, text: 'A croissant costs two dollars.' },
        {
          match: { lastUser: 'Caller: Is there parking' },
          text: 'Yes, there is parking behind us.',
        },
      ],
    });
    rig = await startCallRig({
      // The answers come from the LLM fixture (or no turn is taken): no knowledge base needed.
      ingest: false,
      logger: logs.logger,
      configure: prewarmEnglish,
      recordCalls: true,
      env: {
        VOXSTATE_REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        VOXSTATE_REDIS_PREFIX: prefix,
        OPENAI_BASE_URL: llm.baseURL,
        VOXSTATE_LLM_CHEAP_MODEL: 'none',
        VOXSTATE_LLM_STRONG_MODEL: 'gpt-test',
        // The callers speak at once; a greeting already playing must not swallow the question.
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
      },
      runtimeOptions: { deadLetter: { baseDelayMs: 50, pollMs: 50 } },
    });
    await waitFor(redisUp, 5_000, 'Redis to connect');
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
    await llm?.close();
    if (direct) {
      await cleanRedis(direct, prefix);
      direct.disconnect();
    }
  });

  it('a call carries on through the outage on local caches; after the restore Redis is used again', async () => {
    const beforeCut = await ttsKeys();
    const { sim, handle } = await rig.placeCall({
      steps: [
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 10_000 } },
        { hangup: true },
      ],
    });
    // Killed while the caller is asking: the whole turn runs with Redis down.
    await proxy.cut();
    const output = await handle.done;
    await sim.ended;

    expect(output).toMatchObject({ endReason: 'hangup', turns: 1 });
    const turns = deadAir(sim.recording);
    expect(turns).toHaveLength(1);
    for (const t of turns) expect(t.worstMs).toBeLessThan(3_000);
    expect(await metricValue(rig.registry, 'voxstate_redis_up')).toBe(0);
    expect(logs.find('redis connection lost; caches run local')).toHaveLength(1);
    // Its call record did not need Redis: written straight to the call store.
    await waitFor(async () => (await records()) === 1, 5_000, 'the call record');

    await proxy.restore();
    await waitFor(redisUp, 5_000, 'Redis to reconnect');
    expect(logs.find('redis connected')).toHaveLength(2);
    expect(await ttsKeys()).toBe(beforeCut);

    const second = await rig.placeCall({
      steps: [
        { say: 'How much is a croissant?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 10_000 } },
        { hangup: true },
      ],
    });
    const secondOutput = await second.handle.done;
    expect(secondOutput).toMatchObject({ endReason: 'hangup', turns: 1 });
    await second.sim.ended;
    for (const t of deadAir(second.sim.recording)) expect(t.worstMs).toBeLessThan(3_000);
    // The new answer's audio went to Redis again.
    expect(await ttsKeys()).toBeGreaterThan(beforeCut);
    await waitFor(async () => (await records()) === 2, 5_000, 'the second call record');
  }, 60_000);

  it('a call record that fails while Redis is down waits in memory and is written when both are back', async () => {
    const table = join(rig.dataDir, 'calls.lance');
    const aside = join(rig.dataDir, 'calls.aside');
    renameSync(table, aside);
    writeFileSync(table, 'unwritable');
    await proxy.cut();
    try {
      const { sim, handle } = await rig.placeCall({
        steps: [{ say: 'Do you deliver?' }, { waitForBot: { silenceMs: 800 } }, { hangup: true }],
      });
      await handle.done;
      await sim.ended;
      await waitFor(
        async () => (await metricValue(rig.registry, 'voxstate_dlq_buffered')) === 1,
        5_000,
        'the record to be buffered',
      );
      expect(logs.find('post-call job failed; queued for retry')).toHaveLength(1);
      expect(await metricValue(rig.registry, 'voxstate_dlq_enqueued_total')).toBe(1);
    } finally {
      rmSync(table);
      renameSync(aside, table);
      await proxy.restore();
    }
    await waitFor(async () => (await records()) === 3, 10_000, 'the buffered record');
    // The row is visible as soon as the handler's write lands; the queue counts the retry once
    // the handler has returned, a moment later on a busy machine.
    await waitFor(
      async () =>
        (await metricValue(rig.registry, 'voxstate_dlq_retried_total', { result: 'ok' })) === 1,
      5_000,
      'the retry to be counted',
    );
    expect(await metricValue(rig.registry, 'voxstate_dlq_buffered')).toBe(0);
    expect(logs.find('dlq job succeeded')).toHaveLength(1);
  }, 60_000);

  it('Redis hanging (connection open, no replies): lookups time out and the call goes on', async () => {
    const { sim, handle } = await rig.placeCall({
      steps: [
        { say: 'Is there parking?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 10_000 } },
        { hangup: true },
      ],
    });
    // The TTS cache warns once per failing streak (the earlier tests' outages were warned about
    // already, and a streak lasts until a Redis command succeeds again).
    const warn = 'tts cache: redis unavailable, using memory only';
    const warnedBefore = logs.find(warn).length;
    const errorsBefore = await metricValue(rig.registry, 'voxstate_tts_cache_errors_total');
    proxy.pause();
    try {
      const output = await handle.done;
      await sim.ended;
      expect(output).toMatchObject({ endReason: 'hangup', turns: 1 });
      for (const t of deadAir(sim.recording)) expect(t.worstMs).toBeLessThan(3_000);
      // The answer's audio was looked up in Redis and the lookup timed out (250 ms lookup deadline).
      expect(await metricValue(rig.registry, 'voxstate_tts_cache_errors_total')).toBeGreaterThan(
        errorsBefore,
      );
      expect(logs.find(warn).length).toBeLessThanOrEqual(warnedBefore + 1);
      expect(logs.find(warn).length).toBeGreaterThanOrEqual(1);
    } finally {
      proxy.resume();
    }
  }, 60_000);
});
