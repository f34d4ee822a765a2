import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpsServer, type OpsServer, type OpsServerOptions } from '../../src/ops/server.js';
import { registerCatalog } from '../../src/telemetry/catalog.js';

describe('ops server', () => {
  const servers: OpsServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(options: Partial<OpsServerOptions> = {}) {
    const registry = options.registry ?? new Registry();
    const ops = createOpsServer({ registry, port: 0, ...options });
    servers.push(ops);
    const addr = await ops.listen();
    return { ...addr, registry };
  }

  it('binds to localhost by default', async () => {
    const { host } = await start();
    expect(host).toBe('127.0.0.1');
    expect(servers[0]?.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('serves Prometheus text with default metrics, event-loop delay and catalogue metrics', async () => {
    const registry = new Registry();
    registerCatalog(registry);
    const { url } = await start({ registry });
    await new Promise((r) => setTimeout(r, 30));
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('voxstate_process_cpu_user_seconds_total');
    expect(text).toContain('voxstate_nodejs_heap_size_used_bytes');
    expect(text).toMatch(/voxstate_event_loop_delay_seconds\{quantile="0.99"\} \d/);
    expect(text).toContain('# TYPE voxstate_stage_latency_seconds histogram');
  });

  it('registers default metrics once per registry (two servers, one registry)', async () => {
    const registry = new Registry();
    const a = await start({ registry });
    await start({ registry });
    const text = await (await fetch(`${a.url}/metrics`)).text();
    expect(text.match(/# TYPE voxstate_process_cpu_user_seconds_total/g)).toHaveLength(1);
  });

  it('requires the bearer token except on /healthz', async () => {
    const { url } = await start({ token: 's3cret' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const denied = await fetch(`${url}/metrics`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${url}/calls`, { headers: { authorization: 'Bearer s3creT' } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
  });

  it('answers 503 on /readyz until every check passes, then 200', async () => {
    const state: Record<string, boolean | string> = { ari: false, pools: 'warming', redis: true };
    const { url } = await start({ readiness: async () => ({ ...state }) });
    let res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, checks: state });
    state.ari = true;
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    state.pools = 'ok';
    res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ready: boolean }).ready).toBe(true);
  });

  it('answers 503 when a readiness check throws or hangs', async () => {
    const a = await start({
      readiness: () => {
        throw new Error('ari gone');
      },
    });
    expect((await fetch(`${a.url}/readyz`)).status).toBe(503);
    const b = await start({ readiness: () => new Promise(() => {}), readinessTimeoutMs: 50 });
    const res = await fetch(`${b.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: Record<string, string> }).checks.readiness).toContain(
      'timed out',
    );
  });

  it('lists active calls without personal data', async () => {
    const call = {
      id: 'c-1',
      state: 'listening',
      direction: 'inbound',
      startedAt: 1_000,
      turns: 2,
      flags: { stt: 'whisper' },
      callerNumber: '+380501234567',
      transcript: 'my card number is 4111',
    };
    const { url } = await start({ calls: () => [call], now: () => 6_000 });
    const res = await fetch(`${url}/calls`);
    const body = await res.json();
    expect(body).toEqual({
      count: 1,
      calls: [
        {
          id: 'c-1',
          state: 'listening',
          direction: 'inbound',
          startedAt: new Date(1_000).toISOString(),
          durationMs: 5_000,
          turns: 2,
          flags: { stt: 'whisper' },
        },
      ],
    });
    const raw = JSON.stringify(body);
    expect(raw).not.toContain('380501234567');
    expect(raw).not.toContain('4111');
  });

  it('answers 404 and 405', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
