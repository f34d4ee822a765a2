/**
 * Issue 13.2: on a real Asterisk 22, 3 of 37 RTP calls failed with `bridges.addChannel: Channel
 * not in Stasis application`: the externalMedia channel's StasisStart came after the
 * externalMedia response and the app bridged it before. The simulator sends it late here.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AudioSocketServer } from '../../src/media/audiosocket-server.js';
import {
  SimulatedAsterisk,
  type SimulatedAsteriskOptions,
} from '../../src/simulator/simulated-asterisk.js';
import { AriApp, type AriAppOptions } from '../../src/telephony/ari-app.js';
import { type AriConnection, connectAri } from '../../src/telephony/ari-connection.js';
import type { PhoneCall } from '../../src/telephony/phone-call.js';

type Transport = 'audiosocket' | 'rtp';

interface Rig {
  sim: SimulatedAsterisk;
  ari: AriConnection;
  app: AriApp;
  audio: AudioSocketServer;
  calls: PhoneCall[];
  failures: Array<{ channelId: string; err: Error }>;
  /** Observations of voxstate_call_setup_seconds with this outcome. */
  setups(outcome: string): Promise<number>;
}

let rig: Rig | undefined;

async function startRig(
  transport: Transport,
  simOptions: SimulatedAsteriskOptions,
  appOptions: Partial<AriAppOptions> = {},
): Promise<Rig> {
  const sim = new SimulatedAsterisk(simOptions);
  const { url } = await sim.start();
  const audio = new AudioSocketServer();
  const { port } = await audio.listen();
  const ari = await connectAri({ url, user: 'voxstate', password: 'voxstate', app: 'voxstate' });
  const registry = new Registry();
  const app = new AriApp({
    ari,
    registry,
    media:
      transport === 'audiosocket'
        ? { transport, server: audio, externalHost: `127.0.0.1:${port}` }
        : { transport, bindHost: '127.0.0.1', externalAddress: '127.0.0.1' },
    ...appOptions,
  });
  const setups = async (outcome: string) => {
    const text = await registry.metrics();
    const line = text
      .split('\n')
      .find((l) =>
        l.startsWith(
          `voxstate_call_setup_seconds_count{transport="${transport}",outcome="${outcome}"}`,
        ),
      );
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const r: Rig = { sim, ari, app, audio, calls: [], failures: [], setups };
  app.on('call', (call) => r.calls.push(call));
  app.on('callFailed', (channelId, err) => r.failures.push({ channelId, err }));
  app.start();
  rig = r;
  return r;
}

afterEach(async () => {
  if (!rig) return;
  await rig.app.stop();
  await rig.ari.close();
  await rig.audio.close();
  await rig.sim.stop();
  rig = undefined;
});

describe.each(['rtp', 'audiosocket'] as const)('call set-up over %s', (transport) => {
  it("waits for the media channel's late StasisStart before bridging it", async () => {
    const { sim, calls, failures, setups } = await startRig(transport, {
      lateMediaStasisStart: { delayMs: 400 },
    });
    const simCall = await sim.placeCall({});
    await vi.waitFor(() => expect(calls.length + failures.length).toBe(1), { timeout: 4000 });
    expect(failures.map((f) => f.err.message)).toEqual([]);
    const call = calls[0]!;
    // Set-up counts from the caller's StasisStart and includes the wait for the media channel.
    expect(await setups('ok')).toBe(1);
    expect(call.startedAt - call.answeredAt).toBeGreaterThanOrEqual(400);
    expect(call.id).toBe(simCall.channelId);
    const bridge = sim.bridges.get(call.bridgeId);
    expect(bridge?.channels.sort()).toEqual([call.id, call.mediaChannelId].sort());
    await call.hangup();
    await simCall.ended;
    await vi.waitFor(() => expect(sim.channels.size + sim.bridges.size).toBe(0));
  });

  it('sets up every call when some StasisStarts come late, in any order', async () => {
    let n = 0;
    const { sim, calls, failures, app } = await startRig(transport, {
      lateMediaStasisStart: { share: 0.5, delayMs: 300, random: () => (n++ % 2 === 0 ? 0 : 0.9) },
    });
    const placed = await Promise.all(Array.from({ length: 6 }, () => sim.placeCall({})));
    await vi.waitFor(() => expect(calls.length + failures.length).toBe(6), { timeout: 8000 });
    expect(failures.map((f) => f.err.message)).toEqual([]);
    await Promise.all(calls.map((c) => c.hangup()));
    await Promise.all(placed.map((p) => p.ended));
    await vi.waitFor(() => expect(sim.channels.size + sim.bridges.size + app.activeCalls).toBe(0));
  });

  it('gives up with a clear error and releases everything when the media channel never enters Stasis', async () => {
    const { sim, calls, failures, app, setups } = await startRig(
      transport,
      { lateMediaStasisStart: { delayMs: 60_000 } },
      { mediaTimeoutMs: 300 },
    );
    const simCall = await sim.placeCall({});
    await vi.waitFor(() => expect(failures).toHaveLength(1), { timeout: 4000 });
    expect(calls).toEqual([]);
    const { channelId, err } = failures[0]!;
    expect(channelId).toBe(simCall.channelId);
    expect(err.name).toBe('TimeoutError');
    expect(err.message).toMatch(/media channel .* did not enter the Stasis app 'voxstate'/);
    expect(await setups('failed')).toBe(1);
    await simCall.ended;
    await vi.waitFor(() => expect(sim.channels.size + sim.bridges.size + app.activeCalls).toBe(0));
  });

  it('stops waiting as soon as the caller hangs up during set-up', async () => {
    const { sim, failures, app, setups } = await startRig(
      transport,
      { lateMediaStasisStart: { delayMs: 60_000 } },
      { mediaTimeoutMs: 20_000 },
    );
    const simCall = await sim.placeCall({});
    await vi.waitFor(() => expect(sim.channels.size).toBe(2));
    simCall.hangup();
    await vi.waitFor(() => expect(failures).toHaveLength(1), { timeout: 3000 });
    expect(failures[0]!.err.message).toMatch(/hung up during set-up/);
    expect(await setups('abandoned')).toBe(1);
    expect(await setups('failed')).toBe(0);
    await vi.waitFor(() => expect(sim.channels.size + sim.bridges.size + app.activeCalls).toBe(0));
  });
});
