import ari from 'ari-client';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, TelephonyError, TimeoutError } from '../../src/errors.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import {
  type AriConnection,
  connectAri,
  patchSwaggerFail,
} from '../../src/telephony/ari-connection.js';
import { connectAriWithRetry } from '../../src/telephony/ari-retry.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 3_000, interval: 10 };

describe('connectAri against the simulated Asterisk', () => {
  let sim: SimulatedAsterisk;
  let url: string;
  let conn: AriConnection | undefined;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeEach(async () => {
    uncaught.length = 0;
    process.on('uncaughtException', onUncaught);
    sim = new SimulatedAsterisk({ user: 'vox', password: 'secret' });
    ({ url } = await sim.start());
  });
  afterEach(async () => {
    conn?.close();
    conn = undefined;
    await sim.stop();
    process.off('uncaughtException', onUncaught);
  });

  const connect = (extra: Partial<Parameters<typeof connectAri>[0]> = {}) =>
    connectAri({
      url,
      user: 'vox',
      password: 'secret',
      app: 'voxstate',
      requestTimeoutMs: 300,
      ...extra,
    });

  it('connects, receives Stasis events through ari-client and calls REST', async () => {
    conn = await connect();
    expect(conn.connected).toBe(true);
    const started = new Promise<{ args: string[]; id: string }>((resolve) => {
      conn!.client.on('StasisStart', (event, channel) =>
        resolve({ args: [event.args].flat(), id: channel.id }),
      );
    });
    const call = await sim.placeCall({
      app: 'voxstate',
      callerNumber: '+15551230000',
      args: ['x'],
    });
    const got = await started;
    expect(got).toEqual({ args: ['x'], id: call.channelId });
    await conn.rest.answer(call.channelId);
    expect(await conn.rest.getChannelVar(call.channelId, 'NOPE').catch((e) => e.name)).toBe(
      'AriRequestError',
    );
    await conn.rest.hangup(call.channelId);
    await call.ended;
    // a second hangup of a gone channel is not an error
    await conn.rest.hangup(call.channelId);
  });

  it('rejects wrong credentials with a typed error and no uncaught exception', async () => {
    const err = await connect({ password: 'wrong' }).catch((e) => e);
    expect(err).toBeInstanceOf(TelephonyError);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/rejected the credentials/);
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).toEqual([]);
  });

  it("contains swagger-client's throw even when ari-client is called directly with a wrong password", async () => {
    patchSwaggerFail();
    await expect(ari.connect(url, 'vox', 'wrong')).rejects.toBeDefined();
    await new Promise((r) => setTimeout(r, 100));
    expect(uncaught).toEqual([]);
  });

  it('drops an event of an unknown type instead of crashing, and keeps delivering', async () => {
    conn = await connect();
    const unknown: string[] = [];
    conn.on('unknownEvent', (type) => unknown.push(type));
    const started = new Promise<void>((resolve) => conn!.client.on('StasisStart', () => resolve()));
    sim.pushRawEvent('voxstate', { type: 'BrandNewAsteriskEvent', channel: { id: 'x' } });
    sim.pushRawEvent('voxstate', { type: 'ChannelDtmfReceived' });
    await sim.placeCall({ app: 'voxstate' });
    await started;
    expect(unknown).toEqual(['BrandNewAsteriskEvent']);
    expect(conn.unknownEvents).toBe(1);
    expect(uncaught).toEqual([]);
  });

  it('times out a REST call to an Asterisk that stopped answering', async () => {
    conn = await connect();
    sim.faults.stallRest(true);
    const t0 = performance.now();
    const err = await conn.rest.answer('1.1').catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(
      performance.now() - t0,
      'at the 300 ms request deadline, not before',
    ).toBeGreaterThanOrEqual(295);
    sim.faults.stallRest(false);
  });

  it('reconnects with backoff when the events socket drops, and keeps working', async () => {
    conn = await connect({ reconnect: { initialMs: 20, maxMs: 100 } });
    const states: string[] = [];
    conn.on('disconnected', () => states.push('disconnected'));
    conn.on('connected', () => states.push('connected'));
    sim.faults.refuseEventSockets(true);
    sim.faults.dropEventSockets();
    await new Promise((r) => setTimeout(r, 250));
    expect(conn.connected).toBe(false);
    sim.faults.refuseEventSockets(false);
    await vi.waitFor(() => expect(conn!.connected).toBe(true), WAIT);
    expect(states).toEqual(['disconnected', 'connected']);
    expect(conn.reconnects).toBeGreaterThan(1);
    await sim.waitForApp('voxstate');
    const started = new Promise<void>((resolve) => conn!.client.on('StasisStart', () => resolve()));
    await sim.placeCall({ app: 'voxstate' });
    await started;
  });

  it('allows one login per process', async () => {
    conn = await connect();
    await expect(connect({ user: 'other' })).rejects.toBeInstanceOf(ConfigError);
    conn.close();
    conn = await connect();
    expect(conn.connected).toBe(true);
  });

  it('reports connection state, reconnects, unknown events and request outcomes as metrics', async () => {
    const registry = new Registry();
    conn = await connect({ registry, reconnect: { initialMs: 10, maxMs: 20 } });
    sim.pushRawEvent('voxstate', { type: 'Mystery' });
    sim.faults.stallRest(true);
    await conn.rest.answer('x').catch(() => undefined);
    sim.faults.stallRest(false);
    await conn.rest.answer('x').catch(() => undefined);
    await conn.rest
      .externalMedia({
        app: 'voxstate',
        external_host: '127.0.0.1:1',
        format: 'slin16',
        encapsulation: 'audiosocket',
        transport: 'tcp',
      })
      .catch(() => undefined);
    sim.faults.dropEventSockets();
    await vi.waitFor(() => expect(conn!.reconnects > 0 && conn!.connected).toBe(true), WAIT);
    const text = await registry.metrics();
    expect(text).toContain('voxstate_ari_connected 1');
    expect(text).toMatch(/voxstate_ari_reconnects_total [1-9]/);
    expect(text).toContain('voxstate_ari_unknown_events_total{type="Mystery"} 1');
    expect(text).toContain(
      'voxstate_ari_request_seconds_count{operation="channels.answer",outcome="timeout"} 1',
    );
    // A 404 is counted as `gone` (the channel does not exist), other refusals as `error`.
    expect(text).toContain(
      'voxstate_ari_request_seconds_count{operation="channels.answer",outcome="gone"} 1',
    );
    expect(text).toContain(
      'voxstate_ari_request_seconds_count{operation="channels.externalMedia",outcome="error"} 1',
    );
  });

  it('retries a connect while Asterisk is not up yet, but not wrong credentials', async () => {
    const port = Number(new URL(url).port);
    await sim.stop();
    const retries: number[] = [];
    const pending = connectAriWithRetry(
      { url, user: 'vox', password: 'secret', app: 'voxstate' },
      { backoff: { initialMs: 20, maxMs: 40 }, onRetry: (_e, ms) => retries.push(ms) },
    );
    await new Promise((r) => setTimeout(r, 150));
    sim = new SimulatedAsterisk({ user: 'vox', password: 'secret', port });
    await sim.start();
    const retried = await pending;
    expect(retried.connected).toBe(true);
    expect(retries.length).toBeGreaterThan(0);
    retried.close();
    conn = undefined;
    await expect(
      connectAriWithRetry(
        { url, user: 'vox', password: 'bad', app: 'voxstate' },
        { backoff: { initialMs: 10 } },
      ),
    ).rejects.toMatchObject({ retryable: false });
  });

  it('fails fast when nothing listens', async () => {
    await sim.stop();
    await expect(connect()).rejects.toBeInstanceOf(TelephonyError);
    sim = new SimulatedAsterisk();
    await sim.start();
  });
});
