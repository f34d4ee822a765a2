import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedAsterisk } from '../../src/simulator/simulated-asterisk.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type FixtureServer, startOpenAiServer } from '../fakes/openai-server.js';
import { captureLogs, type LogCapture } from '../helpers/logs.js';
import { metricValue } from '../helpers/metrics.js';
import { deadAir, prewarmEnglish, waitFor } from './helpers.js';

/** The externalMedia channel carrying the audio of the caller channel `callerId`. */
function mediaChannelOf(sim: SimulatedAsterisk, callerId: string): string {
  const bridgeId = sim.channels.get(callerId)?.bridgeId;
  const bridge = bridgeId ? sim.bridges.get(bridgeId) : undefined;
  const media = bridge?.channels.find((id) => id !== callerId && sim.channels.get(id)?.link);
  if (!media) throw new Error(`no media channel for ${callerId}`);
  return media;
}

describe('faults: the ARI WebSocket drops and an AudioSocket connection resets', () => {
  let rig: CallRig;
  let llm: FixtureServer;
  let logs: LogCapture;

  beforeAll(async () => {
    llm = await startOpenAiServer({ fallback: { text: 'Yes, we open at nine on Sunday.' } });
    logs = captureLogs();
    rig = await startCallRig({
      // The answers come from the LLM fixture (or no turn is taken): no knowledge base needed.
      ingest: false,
      logger: logs.logger,
      configure: prewarmEnglish,
      env: {
        OPENAI_BASE_URL: llm.baseURL,
        VOXSTATE_LLM_CHEAP_MODEL: 'none',
        VOXSTATE_LLM_STRONG_MODEL: 'gpt-test',
        VOXSTATE_BARGE_IN_ON_GREETING: 'true',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await llm?.close();
  });

  it('ARI events socket dropped mid-call and refused: the call goes on and ends, the socket reconnects, new calls are taken', async () => {
    const { sim, handle } = await rig.placeCall({
      steps: [
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 8_000 } },
        { hangup: true },
      ],
    });
    // Dropped while the caller is asking, and kept down until the caller has hung up: the answer
    // goes out on AudioSocket; the hang-up event is lost with the socket, and the call is
    // reconciled (GET /channels/{id}: gone) when the socket is back.
    rig.sim.faults.refuseEventSockets(true);
    rig.sim.faults.dropEventSockets();
    await sim.ended;
    expect(await metricValue(rig.registry, 'voxstate_ari_connected')).toBe(0);
    expect(rig.runtime.activeCalls).toBe(1);
    rig.sim.faults.refuseEventSockets(false);
    await rig.sim.waitForApp('voxstate', 15_000);
    const output = await handle.done;
    await waitFor(
      async () => (await metricValue(rig.registry, 'voxstate_ari_connected')) === 1,
      5_000,
      'the ARI connected gauge',
    );
    expect(output).toMatchObject({ endReason: 'hangup', turns: 1 });
    for (const t of deadAir(sim.recording)) expect(t.worstMs).toBeLessThan(3_000);
    expect(await metricValue(rig.registry, 'voxstate_ari_reconnects_total')).toBeGreaterThanOrEqual(
      1,
    );
    expect(logs.find('ARI events reconnecting').length).toBeGreaterThanOrEqual(2);

    const next = await rig.placeCall({ steps: [{ pause: 300 }, { hangup: true }] });
    expect((await next.handle.done).endReason).toBe('hangup');
    await next.sim.ended;
    expect(rig.runtime.activeCalls).toBe(0);
  }, 60_000);

  it('AudioSocket connection reset: that call ends cleanly, a call beside it is unaffected', async () => {
    const broken = await rig.placeCall({
      steps: [
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 8_000 } },
        { hangup: true },
      ],
    });
    const healthy = await rig.placeCall({
      steps: [
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 3_000, timeoutMs: 8_000 } },
        { hangup: true },
      ],
    });
    await waitFor(
      () => broken.sim.recording.timeline.some((e) => e.kind === 'caller.speech.end'),
      10_000,
      'the broken call to finish speaking',
    );
    rig.sim.faults.resetMedia(mediaChannelOf(rig.sim, broken.sim.channelId));

    const brokenOutput = await broken.handle.done;
    expect(['hangup', 'error']).toContain(brokenOutput.endReason);
    // The caller's channel is hung up too: nobody is left in a silent bridge.
    await broken.sim.ended;
    expect(rig.runtime.handles().find((h) => h.id === broken.handle.id)).toBeUndefined();

    const healthyOutput = await healthy.handle.done;
    await healthy.sim.ended;
    expect(healthyOutput).toMatchObject({ endReason: 'hangup', turns: 1 });
    for (const t of deadAir(healthy.sim.recording)) expect(t.worstMs).toBeLessThan(3_000);
    expect(rig.runtime.activeCalls).toBe(0);
    expect(logs.find('call ended').map((l) => l.callId)).toContain(broken.handle.id);
  }, 60_000);
});
