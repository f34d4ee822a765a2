import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';

describe('a call end to end (runtime + real ari-client + simulated Asterisk)', () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig();
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('greets, answers a question from the knowledge base, and cleans up on hang-up', async () => {
    const { sim, handle } = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 600 } },
        { say: 'Are you open on Sunday?' },
        { waitForBot: { silenceMs: 600 } },
        { hangup: true },
      ],
    });
    const output = await handle.done;
    await sim.ended;
    expect(output.endReason).toBe('hangup');
    expect(output.turns).toBe(1);
    const history = handle.actor.getSnapshot().context.history;
    expect(history.at(-1)?.content).toMatch(/Sunday/);
    expect(handle.session.timeline.greetingLatencyMs).toBeGreaterThan(0);
    expect(sim.recording.turns()[0]?.latencyMs).toBeDefined();
    expect(rig.runtime.activeCalls).toBe(0);
  }, 60_000);
});
