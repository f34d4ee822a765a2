/**
 * The layout of docs/scaling.md, end to end: two `voxstate serve` processes (one Stasis
 * application and one media port each, Redis shared) against one simulated Asterisk whose
 * dialplan spreads inbound calls over both applications in turn, each call falling back to the
 * other application. Checked: the spread; a phrase synthesized by one instance is a Redis hit
 * in the other; SIGTERM to one drains its call while new calls (also those the dialplan sends
 * to the draining one first) are taken by the other; a call record the first instance failed
 * to write is retried and written by the other instance's dead-letter consumer.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCallStore } from '../../src/cost/store.js';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { roundRobin } from '../../src/simulator/sim-dialplan.js';
import { type SimCall, SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { tinyEnv } from '../cli/helpers.js';
import { spawnVoxstate, type VoxstateProcess } from '../cli/process.js';
import { scrapedValue } from '../helpers/metrics.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const APPS = ['voxstate-1', 'voxstate-2'] as const;
/** First dead-letter retry: long enough that the first instance has stopped by then. */
const RETRY_MS = 20_000;

interface Instance {
  app: string;
  process: VoxstateProcess;
  dataDir: string;
  opsUrl: string;
}

/** A metric of a running instance, read from its `/metrics` endpoint. */
async function metric(
  instance: Instance,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  return scrapedValue(await (await fetch(`${instance.opsUrl}/metrics`)).text(), name, labels);
}

/** Call ids in an instance's `calls` table (a fresh connection sees the newest version). */
async function recordedCalls(dataDir: string): Promise<string[]> {
  const store = await openCallStore({ dataDir });
  try {
    return (await store.queryCalls()).map((c) => c.id);
  } finally {
    store.close();
  }
}

const greetThenHangUp = (pauseMs = 200): CallerScript => ({
  steps: [
    { waitForBot: { silenceMs: 300, timeoutMs: 15_000 } },
    { pause: pauseMs },
    { hangup: true },
  ],
});

describe('two serve instances share one Asterisk (a Stasis app each) and Redis', () => {
  const prefix = `voxstate-test-instances-${randomUUID()}:`;
  let sim: SimulatedAsterisk;
  let a: Instance;
  let b: Instance;
  const calls: Array<{ call: SimCall; app: string | undefined }> = [];

  const place = async (script: CallerScript) => {
    const call = await sim.placeCall({ script });
    const entry = { call, app: sim.channels.get(call.channelId)?.app };
    calls.push(entry);
    return entry;
  };

  beforeAll(async () => {
    sim = new SimulatedAsterisk({ dialplan: roundRobin(APPS) });
    const { url } = await sim.start();
    const start = async (app: string): Promise<Instance> => {
      const { env, dataDir } = await tinyEnv(url, {
        VOXSTATE_ARI_APP: app,
        VOXSTATE_REDIS_URL: REDIS_URL,
        VOXSTATE_REDIS_PREFIX: prefix,
        VOXSTATE_DLQ_RETRY_MS: String(RETRY_MS),
        VOXSTATE_DLQ_POLL_MS: '100',
        VOXSTATE_DRAIN_MS: '30000',
        VOXSTATE_LOG_LEVEL: 'info',
      });
      const process = spawnVoxstate(['serve'], env);
      return { app, process, dataDir, opsUrl: '' };
    };
    [a, b] = (await Promise.all(APPS.map(start))) as [Instance, Instance];
    for (const instance of [a, b]) {
      await instance.process.seen('voxstate serving', 120_000);
      const line = instance.process
        .logs()
        .find((l) => String(l.msg).startsWith('voxstate serving'));
      instance.opsUrl = String(line?.ops);
    }
    // The first instance cannot write its call records: a plain file where LanceDB wants the
    // `calls` table's folder (tests run as root, so permissions would not stop it).
    writeFileSync(join(a.dataDir, 'calls.lance'), 'not a table');
  }, 180_000);

  afterAll(async () => {
    for (const instance of [a, b]) instance?.process.child.kill('SIGKILL');
    await sim?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    for (const instance of [a, b])
      if (instance) await rm(instance.dataDir, { recursive: true, force: true });
  });

  it('spreads calls by the dialplan rule; a phrase one synthesized is a Redis hit in the other', async () => {
    const first = await place(greetThenHangUp());
    await first.call.ended;
    const second = await place(greetThenHangUp());
    await second.call.ended;
    expect([first.app, second.app]).toEqual(['voxstate-1', 'voxstate-2']);
    for (const { call } of [first, second]) {
      expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true);
    }
    await vi.waitFor(async () => {
      expect(await metric(a, 'voxstate_calls_total')).toBe(1);
      expect(await metric(b, 'voxstate_calls_total')).toBe(1);
    });
    // The greeting: synthesized by the first instance, found in Redis by the second.
    const redis = (result: string) => ({ layer: 'redis', result });
    expect(await metric(a, 'voxstate_tts_cache_requests_total', redis('miss'))).toBeGreaterThan(0);
    expect(await metric(a, 'voxstate_tts_cache_requests_total', redis('hit'))).toBe(0);
    expect(await metric(b, 'voxstate_tts_cache_requests_total', redis('hit'))).toBeGreaterThan(0);
    expect(await metric(b, 'voxstate_tts_cache_requests_total', redis('miss'))).toBe(0);
  }, 120_000);

  it('SIGTERM to one drains its call while the other takes the new ones', async () => {
    const draining = await place(greetThenHangUp(4_000));
    expect(draining.app).toBe('voxstate-1');
    await vi.waitFor(
      async () => {
        const body = (await (await fetch(`${a.opsUrl}/calls`)).json()) as { count: number };
        expect(body.count).toBe(1);
      },
      { timeout: 15_000 },
    );
    a.process.child.kill('SIGTERM');
    await vi.waitFor(async () => expect((await fetch(`${a.opsUrl}/readyz`)).status).toBe(503), {
      timeout: 10_000,
    });
    // Both go to the second instance: one by the rule, one sent back by the draining one.
    const next = [await place(greetThenHangUp()), await place(greetThenHangUp())];
    await Promise.all(next.map((n) => n.call.ended));
    for (const { call } of next) {
      expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true);
    }
    expect(next.map((n) => n.app)).toEqual(['voxstate-2', 'voxstate-1']);
    await vi.waitFor(async () => expect(await metric(b, 'voxstate_calls_total')).toBe(3));

    // The draining call went on to its end, the caller hanging up; then the instance exited.
    await draining.call.ended;
    const { code } = await a.process.exited;
    expect(code).toBe(0);
    const ended = a.process.logs().filter((l) => l.msg === 'call ended');
    expect(ended.map((l) => [l.callId, l.endReason])).toEqual([
      [calls[0]?.call.channelId, 'hangup'],
      [draining.call.channelId, 'hangup'],
    ]);
    expect(a.process.logs().find((l) => l.msg === 'shutdown complete')).toMatchObject({
      drained: true,
      remainingCalls: 0,
    });
    expect(draining.call.recording.timeline.at(-1)?.kind).toBe('caller.hangup');
  }, 120_000);

  it(
    "the other instance's dead-letter consumer writes the records the first one could not",
    async () => {
      const fromA = [calls[0], calls[2]].map((c) => c?.call.channelId);
      const queued = a.process
        .logs()
        .filter((l) => l.msg === 'post-call job failed; queued for retry');
      expect(queued).toHaveLength(2);
      await vi.waitFor(
        async () => expect(await recordedCalls(b.dataDir)).toEqual(expect.arrayContaining(fromA)),
        { timeout: 3 * RETRY_MS + 30_000, interval: 500 },
      );
      expect(
        await metric(b, 'voxstate_dlq_retried_total', { kind: 'call.record', result: 'ok' }),
      ).toBe(2);
      expect(existsSync(join(a.dataDir, 'calls.lance', '_versions'))).toBe(false);
      const all = await recordedCalls(b.dataDir);
      expect(all.sort()).toEqual(calls.map((c) => c.call.channelId).sort());
    },
    3 * RETRY_MS + 60_000,
  );
});
