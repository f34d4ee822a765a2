/**
 * `voxstate serve` and `voxstate call` as real processes (bin/voxstate.js) against an ARI that
 * refuses them: wrong credentials, nothing listening, SIGTERM during the connection retries.
 * Each must print one line, close everything and exit 1 promptly. The bound is generous for a
 * loaded 2-core machine: before the fix these processes never exited.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { tinyEnv } from './helpers.js';
import { spawnVoxstate, type VoxstateProcess } from './process.js';

/** Longest accepted time from the failure (or the signal) to the exit, ms. */
const EXIT_BOUND_MS = 8_000;

describe('voxstate serve and call exit when ARI refuses them', () => {
  let sim: SimulatedAsterisk;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let refusedUrl: string;
  /** When the simulator answered a request with 401 (the failure), per test. */
  let rejectedAt: number | undefined;
  const runs: VoxstateProcess[] = [];

  beforeAll(async () => {
    sim = new SimulatedAsterisk({ password: 'right' });
    const { url } = await sim.start();
    sim.on('request', () => {
      rejectedAt ??= performance.now();
    });
    const spare = new SimulatedAsterisk();
    refusedUrl = (await spare.start()).url;
    await spare.stop();
    ({ env, dataDir } = await tinyEnv(url, {
      VOXSTATE_ARI_PASSWORD: 'wrong',
      VOXSTATE_LOG_LEVEL: 'warn',
    }));
  }, 60_000);

  afterAll(async () => {
    for (const r of runs) r.child.kill('SIGKILL');
    await sim?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const run = spawnVoxstate(args, { ...env, ...extra });
    runs.push(run);
    return run;
  };

  it('serve, wrong credentials: one line, exit 1 soon after Asterisk said 401', async () => {
    rejectedAt = undefined;
    const run = start(['serve']);
    const { code, at } = await run.exited;
    expect(run.messages()).toEqual([
      expect.stringMatching(
        /^voxstate serve: ARI at 127\.0\.0\.1:\d+ rejected the credentials of user "voxstate" \(401\)$/,
      ),
    ]);
    expect(code).toBe(1);
    expect(rejectedAt).toBeDefined();
    expect(at - (rejectedAt ?? 0)).toBeLessThan(EXIT_BOUND_MS);
  }, 120_000);

  it('serve, SIGTERM while retrying a refused connection: exit 1 soon after', async () => {
    const run = start(['serve'], { VOXSTATE_ARI_URL: refusedUrl });
    await run.seen('ARI not reachable; retrying');
    const killedAt = performance.now();
    run.child.kill('SIGTERM');
    const { code, at } = await run.exited;
    expect(code).toBe(1);
    expect(at - killedAt).toBeLessThan(EXIT_BOUND_MS);
    expect(run.messages()).toEqual(['voxstate serve: ARI connect was aborted']);
  }, 120_000);

  it('serve, SIGTERM during start-up (before the runtime is built): exit 1 soon after', async () => {
    const run = start(['serve'], { VOXSTATE_ARI_URL: refusedUrl });
    await run.seen('ARI not reachable yet');
    const killedAt = performance.now();
    run.child.kill('SIGTERM');
    const { code, at } = await run.exited;
    expect(code).toBe(1);
    expect(at - killedAt).toBeLessThan(EXIT_BOUND_MS);
    expect(run.messages()).toEqual([
      expect.stringMatching(
        /^voxstate serve: (start-up \(stopped by SIGTERM\)|ARI connect) was aborted$/,
      ),
    ]);
  }, 120_000);

  it('call, wrong credentials: one line, exit 1 soon after Asterisk said 401', async () => {
    rejectedAt = undefined;
    const run = start(['call', 'PJSIP/1000']);
    const { code, at } = await run.exited;
    expect(run.messages()).toEqual([
      expect.stringMatching(/^voxstate call: ARI at .+ rejected the credentials .+\(401\)$/),
    ]);
    expect(code).toBe(1);
    expect(at - (rejectedAt ?? 0)).toBeLessThan(EXIT_BOUND_MS);
  }, 120_000);

  it('call --timeout bounds the connection attempts to a refusing ARI', async () => {
    const run = start(['call', 'PJSIP/1000', '--timeout', '6'], { VOXSTATE_ARI_URL: refusedUrl });
    const retrying = await run.seen('ARI not reachable; retrying');
    const { code, at } = await run.exited;
    expect(run.messages()).toEqual([
      expect.stringMatching(
        /^voxstate call: ARI at 127\.0\.0\.1:\d+ not reachable within 6000 ms: .+$/,
      ),
    ]);
    expect(code).toBe(1);
    expect(at - retrying).toBeLessThan(6_000 + EXIT_BOUND_MS);
  }, 120_000);

  it('call, SIGTERM while retrying: exit 1 soon after', async () => {
    const run = start(['call', 'PJSIP/1000', '--timeout', '600'], {
      VOXSTATE_ARI_URL: refusedUrl,
    });
    await run.seen('ARI not reachable; retrying');
    const killedAt = performance.now();
    run.child.kill('SIGTERM');
    const { code, at } = await run.exited;
    expect(code).toBe(1);
    expect(at - killedAt).toBeLessThan(EXIT_BOUND_MS);
    expect(run.messages()).toEqual(['voxstate call: call to PJSIP/1000 (SIGTERM) was aborted']);
  }, 120_000);
});
