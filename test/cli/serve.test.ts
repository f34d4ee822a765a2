import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyBreakdown } from '../../src/cost/ledger.js';
import { type CallRecord, openCallStore } from '../../src/cost/store.js';
import { serve, type VoxstateServer } from '../../src/runtime/serve.js';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { startSpeakingSim, tinyEnv, until } from './helpers.js';

const CALLER = '+15550123456';

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('voxstate serve against the simulated Asterisk', () => {
  let sim: SimulatedAsterisk;
  let closeSim: () => Promise<void>;
  let server: VoxstateServer;
  let dataDir: string;
  const signals = new EventEmitter();

  beforeAll(async () => {
    ({ sim, close: closeSim } = await startSpeakingSim());
    // Asterisk "not up yet": the events socket is refused, serve keeps retrying.
    sim.faults.refuseEventSockets(true);
    const t = await tinyEnv(sim.url, { VOXSTATE_DRAIN_MS: '20000' });
    dataDir = t.dataDir;
    server = await serve({ env: t.env, logger: silentLogger(), emitter: signals });
  }, 60_000);

  afterAll(async () => {
    await server?.shutdown('test end');
    await server?.done;
    await closeSim?.();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /healthz at once, /readyz 503 until ARI connects, 200 after, 503 while it is away', async () => {
    expect(server.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.inspector, 'the inspector is off by default').toBeUndefined();
    expect(await get(`${server.opsUrl}/healthz`)).toEqual({
      status: 200,
      body: '{"status":"alive"}',
    });
    const before = await get(`${server.opsUrl}/readyz`);
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body).checks.ari).toBe('connecting');

    sim.faults.refuseEventSockets(false);
    const telephony = await server.telephony;
    expect(telephony.ari.connected).toBe(true);
    const after = await get(`${server.opsUrl}/readyz`);
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body)).toMatchObject({
      ready: true,
      checks: { ari: true, accepting: true, stt: true, vad: true },
    });

    // Asterisk goes away: not ready while the events socket is down, ready again once it is back.
    sim.faults.dropEventSockets();
    const down = await until(async () => {
      const r = await get(`${server.opsUrl}/readyz`);
      return r.status === 503 ? r : undefined;
    });
    expect(JSON.parse(down.body).checks.ari).toBe('disconnected');
    await until(async () => (await get(`${server.opsUrl}/readyz`)).status === 200);
  }, 30_000);

  it('answers a call; /calls shows it without the phone number; it ends on hang-up', async () => {
    sim.faults.refuseEventSockets(false);
    await server.telephony;
    const call = await sim.placeCall({
      callerNumber: CALLER,
      script: {
        steps: [
          { waitForBot: { silenceMs: 500 } },
          { say: 'Are you open on Sunday?' },
          { pause: 1_000 },
          { hangup: true },
        ],
      },
    });
    const handle = await until(() => server.runtime.handles()[0]);
    expect(handle.id).toBe(call.channelId);
    const listed = await until(async () => {
      const r = await get(`${server.opsUrl}/calls`);
      return JSON.parse(r.body).count === 1 ? r : undefined;
    });
    const body = JSON.parse(listed.body);
    expect(body.calls[0]).toMatchObject({ id: call.channelId, direction: 'inbound', turns: 0 });
    expect(body.calls[0].state).toMatch(/conversation\.(greeting|listening)/);
    expect(listed.body).not.toContain('15550123456');
    expect(listed.body).not.toMatch(/Sunday/i);

    const output = await handle.done;
    await call.ended;
    expect(output.endReason).toBe('hangup');
    // The bot greeted the caller: its audio reached the simulated phone.
    expect(call.recording.timeline.some((e) => e.kind === 'bot.audio.start')).toBe(true);
    expect(server.runtime.activeCalls).toBe(0);
    expect(JSON.parse((await get(`${server.opsUrl}/calls`)).body).count).toBe(0);
  }, 60_000);

  it('SIGTERM: refuses new calls, lets the active call finish, flushes and closes', async () => {
    sim.faults.refuseEventSockets(false);
    await server.telephony;
    const call = await sim.placeCall({
      script: {
        steps: [{ waitForBot: { silenceMs: 300 } }, { pause: 500 }, { hangup: true }],
      },
    });
    const handle = await until(() => server.runtime.handles()[0]);
    signals.emit('SIGTERM');

    const ready = await until(async () => {
      const r = await get(`${server.opsUrl}/readyz`);
      return r.status === 503 ? r : undefined;
    });
    expect(JSON.parse(ready.body).checks.accepting).toBe('draining');
    // A new caller goes back to the dialplan unanswered (here its end: hung up) and never
    // reaches the runtime.
    const refused = await sim.placeCall({ script: { steps: [{ pause: 5_000 }] } });
    await refused.ended;
    expect(server.runtime.handles().map((h) => h.id)).toEqual([handle.id]);

    const result = await server.done;
    expect(result).toMatchObject({
      reason: 'SIGTERM',
      drained: true,
      remainingCalls: 0,
      forced: false,
      flushed: { telephony: 'ok', runtime: 'ok' },
    });
    // The call ended because the caller hung up, not because of the shutdown.
    expect((await handle.done).endReason).toBe('hangup');
    await call.ended;
    expect(call.recording.timeline.some((e) => e.kind === 'caller.hangup')).toBe(true);
    await expect(fetch(`${server.opsUrl}/healthz`)).rejects.toThrow();
  }, 60_000);
});

const DAY_MS = 86_400_000;

function record(id: string, startedAt: number): CallRecord {
  return {
    id,
    startedAt,
    endedAt: startedAt + 1000,
    direction: 'inbound',
    flags: {},
    cost: emptyBreakdown('USD'),
    turns: 0,
    endReason: 'hangup',
    events: { events: [{ t: 0, type: 'started' }], dropped: 0 },
  };
}

describe('voxstate serve: retention at start-up, the drain deadline', () => {
  it('deletes old call records at start; hangs up the calls still active at VOXSTATE_DRAIN_MS, then flushes', async () => {
    const { sim, close } = await startSpeakingSim();
    const t = await tinyEnv(sim.url, { VOXSTATE_DRAIN_MS: '300', VOXSTATE_RETENTION_DAYS: '10' });
    const seed = await openCallStore({ dataDir: t.dataDir });
    await seed.writeMany([
      record('old', Date.now() - 45 * DAY_MS),
      record('new', Date.now() - DAY_MS),
    ]);
    seed.close();
    const signals = new EventEmitter();
    const server = await serve({ env: t.env, logger: silentLogger(), emitter: signals });
    try {
      const store = await openCallStore({ dataDir: t.dataDir });
      expect(await store.count()).toBe(1);
      store.close();

      await server.telephony;
      const call = await sim.placeCall({ script: { steps: [{ pause: 20_000 }] } });
      const handle = await until(() => server.runtime.handles()[0]);
      signals.emit('SIGINT');
      const result = await server.done;
      expect(result).toMatchObject({
        reason: 'SIGINT',
        drained: false,
        remainingCalls: 1,
        flushed: { telephony: 'ok', runtime: 'ok' },
      });
      await handle.done;
      await call.ended;
      expect(call.recording.timeline.some((e) => e.kind === 'caller.hangup')).toBe(false);
      expect(server.runtime.activeCalls).toBe(0);
      // The hung-up call's record was written before the process would exit.
      const after = await openCallStore({ dataDir: t.dataDir });
      expect(await after.count()).toBe(2);
      after.close();
    } finally {
      await server.shutdown();
      await server.done;
      await close();
      await rm(t.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
