import { networkInterfaces } from 'node:os';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type ActiveCallInfo, createOpsServer, type OpsServer } from '../../src/ops/server.js';

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

describe('operations server exposure', () => {
  let ops: OpsServer | undefined;
  afterEach(async () => {
    await ops?.close();
    ops = undefined;
  });

  it('binds to 127.0.0.1 by default and is not reachable on other interfaces', async () => {
    ops = createOpsServer({ registry: new Registry(), port: 0 });
    const { host, port } = await ops.listen();
    const addr = ops.server.address();
    expect(host).toBe('127.0.0.1');
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const external = externalAddress();
    if (external) {
      await expect(fetch(`http://${external}:${port}/healthz`)).rejects.toThrow();
    }
  });

  it('with a token, refuses every endpoint but /healthz without the exact bearer token', async () => {
    const token = 'ops-token-9f8e7d';
    const calls: ActiveCallInfo[] = [
      {
        id: 'c1',
        state: 'listening',
        direction: 'inbound',
        startedAt: 1_000,
        turns: 2,
        flags: {},
        // Extra fields the runtime might carry are never served.
        ...({ callerNumber: '+15551230000', transcript: 'my secret words' } as object),
      },
    ];
    ops = createOpsServer({
      registry: new Registry(),
      port: 0,
      token,
      calls: () => calls,
      now: () => 5_000,
    });
    const { url } = await ops.listen();
    const get = (path: string, authorization?: string) =>
      fetch(`${url}${path}`, authorization ? { headers: { authorization } } : {});
    for (const path of ['/metrics', '/readyz', '/calls', '/nope']) {
      for (const auth of [
        undefined,
        'Bearer',
        'Bearer wrong',
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        `Basic ${Buffer.from(`u:${token}`).toString('base64')}`,
        token,
      ]) {
        const res = await get(path, auth);
        expect(res.status, `${path} ${auth}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.text()).not.toContain(token);
      }
    }
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/metrics', `Bearer ${token}`)).status).toBe(200);
    expect((await get('/metrics', `bearer ${token}`)).status).toBe(200);
    const served = await (await get('/calls', `Bearer ${token}`)).text();
    expect(JSON.parse(served).calls[0]).toMatchObject({ id: 'c1', turns: 2, durationMs: 4_000 });
    expect(served).not.toContain('+1555');
    expect(served).not.toContain('secret words');
    const post = await fetch(`${url}/metrics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(post.status).toBe(405);
  });
});
