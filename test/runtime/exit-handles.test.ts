/**
 * What keeps a process alive after `serve` or `startVoxstate` gave up on ARI: every libuv
 * resource that holds the event loop (servers, sockets, worker ports, timers) is compared
 * before and after, in the style of why-is-node-running. The leak found this way: the
 * AudioSocket server, opened before the ARI connection, was never closed when the connection
 * failed or was aborted.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serve } from '../../src/runtime/serve.js';
import { startVoxstate } from '../../src/runtime/start.js';
import { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { tinyEnv } from '../cli/helpers.js';
import { captureLogs } from '../helpers/logs.js';

/** Counts of the resources that keep the event loop alive, by type. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** The handles alive now, described (for the failure message). */
function describeHandles(): string[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.map((h) => {
    const name = (h as object).constructor?.name ?? typeof h;
    const address = (h as { address?: () => unknown }).address?.();
    return address ? `${name} ${JSON.stringify(address)}` : name;
  });
}

/** Resources alive now that were not before `baseline` (more of a type than there were). */
function leakedSince(baseline: Map<string, number>): string[] {
  const leaked: string[] = [];
  for (const [type, n] of resources()) {
    const extra = n - (baseline.get(type) ?? 0);
    if (extra > 0) leaked.push(`${extra} x ${type}`);
  }
  return leaked;
}

/**
 * Waits until nothing but timers is left over `baseline`, then checks the timers too (once
 * `vi.waitFor` has cleared its own).
 */
async function expectNothingLeft(baseline: Map<string, number>): Promise<void> {
  const fail = (leaked: string[]) =>
    new Error(`still open: ${leaked.join(', ')} (${describeHandles().join('; ')})`);
  await vi.waitFor(
    () => {
      const leaked = leakedSince(baseline).filter((l) => !l.endsWith(' Timeout'));
      if (leaked.length > 0) throw fail(leaked);
    },
    { timeout: 5_000, interval: 50 },
  );
  const leaked = leakedSince(baseline);
  if (leaked.length > 0) throw fail(leaked);
}

describe('nothing keeps the process alive after ARI fails', () => {
  let sim: SimulatedAsterisk;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let refusedUrl: string;

  beforeAll(async () => {
    sim = new SimulatedAsterisk({ password: 'right' });
    const { url } = await sim.start();
    // A port nothing listens on: the connection is refused.
    const spare = new SimulatedAsterisk();
    refusedUrl = (await spare.start()).url;
    await spare.stop();
    ({ env, dataDir } = await tinyEnv(url, { VOXSTATE_ARI_PASSWORD: 'wrong' }));
  }, 60_000);

  afterAll(async () => {
    await sim?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serve: wrong credentials stop the start-up and close every server and pool', async () => {
    const baseline = resources();
    await expect(
      serve({ env, logger: silentLogger(), emitter: new EventEmitter() }),
    ).rejects.toThrow(/rejected the credentials/);
    await expectNothingLeft(baseline);
  }, 60_000);

  it('serve: a shutdown during the ARI retries closes the media server it opened', async () => {
    const baseline = resources();
    const signals = new EventEmitter();
    const logs = captureLogs();
    const server = await serve({
      env: { ...env, VOXSTATE_ARI_URL: refusedUrl },
      logger: logs.logger,
      emitter: signals,
    });
    const telephony = server.telephony.catch((err: unknown) => err);
    await vi.waitFor(() => expect(logs.find('ARI not reachable; retrying').length).toBe(2), {
      timeout: 10_000,
    });
    signals.emit('SIGTERM');
    expect(await telephony).toMatchObject({ code: 'aborted' });
    await server.done;
    await expectNothingLeft(baseline);
  }, 60_000);

  it('startVoxstate: wrong credentials, and a connect deadline, leave nothing open', async () => {
    const baseline = resources();
    await expect(startVoxstate({ env, runtime: { logger: silentLogger() } })).rejects.toThrow(
      /rejected the credentials/,
    );
    await expectNothingLeft(baseline);
    await expect(
      startVoxstate({
        env: { ...env, VOXSTATE_ARI_URL: refusedUrl },
        connectDeadlineMs: 300,
        runtime: { logger: silentLogger() },
      }),
    ).rejects.toThrow(/not reachable within 300 ms/);
    await expectNothingLeft(baseline);
  }, 60_000);
});
