/**
 * End to end: the ARI events WebSocket drops in the middle of a call. Media is a separate
 * connection (AudioSocket), so the call must go on while ari-client reconnects; hang-ups after
 * the reconnect must be seen, and a hang-up whose events were lost while the socket was down
 * must be found when it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  historyOf,
  knowledgeBaseText,
  loudBotFrames,
  placeCalls,
  StateTrace,
  waitFor,
} from './helpers.js';

const QUESTION = 'How long does delivery take?';

describe('the ARI events connection dropped mid-call (real ari-client, runtime, simulated Asterisk)', () => {
  let rig: CallRig;

  beforeAll(async () => {
    rig = await startCallRig();
  }, 60_000);

  afterAll(async () => {
    rig?.sim.faults.refuseEventSockets(false);
    await rig?.close();
  });

  it('keeps the call going through the drop, and sees the hang-up after the reconnect', async () => {
    const script: CallerScript = {
      steps: [
        { waitForBot: { silenceMs: 700 } },
        { say: QUESTION },
        { waitForBot: { silenceMs: 900 } },
        { pause: 60_000 },
      ],
    };
    const [call] = await placeCalls(rig, [{ script }]);
    const trace = new StateTrace(call!.handle);
    const ari = rig.telephony.ari;
    const reconnectsBefore = ari.reconnects;
    const disconnected = new Promise<string>((resolve) => ari.once('disconnected', resolve));

    // Drop the events socket while the greeting is playing.
    await trace.reach('greeting.speaking');
    await waitFor(() => call!.sim.recording.timeline.length > 0, 'greeting audio');
    const droppedAtMs = call!.sim.runner.nowMs;
    rig.sim.faults.dropEventSockets();
    await disconnected;
    await waitFor(() => ari.connected && rig.sim.connectedApps.includes('voxstate'), 'a reconnect');
    expect(ari.reconnects).toBeGreaterThan(reconnectsBefore);

    // The conversation went on: the greeting kept playing and a whole turn followed.
    await waitFor(
      () => call!.handle.actor.getSnapshot().context.turns === 1,
      'a turn after the drop',
      40_000,
    );
    await trace.reach('listening');
    const rec = call!.sim.recording;
    expect(loudBotFrames(rec).some((t) => t > droppedAtMs + 200)).toBe(true);
    expect(firstOf(rec, 'caller.speech.start').atMs).toBeGreaterThan(droppedAtMs);
    const [user, answer] = historyOf(call!);
    expect(user).toEqual({ role: 'user', content: QUESTION });
    expect(await knowledgeBaseText('en')).toContain(answer!.content);

    // The caller hangs up after the reconnect: the runtime hears it and cleans up.
    call!.sim.hangup();
    const output = await callEnded(call!, 20_000);
    expect(output.endReason).toBe('hangup');
    expect(output.turns).toBe(1);
    expect(trace.lastBeforeEnd).toMatch(/^listening/);
    await expectCallReleased(rig, call!);
    await expectRigIdle(rig);
  }, 90_000);

  it('ends a call whose caller hung up while the events socket was down, once it is back', async () => {
    const [call] = await placeCalls(rig, [{ script: { steps: [{ pause: 60_000 }] } }]);
    const trace = new StateTrace(call!.handle);
    await trace.reach('greeting.speaking');
    const ari = rig.telephony.ari;
    const disconnected = new Promise<string>((resolve) => ari.once('disconnected', resolve));
    rig.sim.faults.refuseEventSockets(true);
    rig.sim.faults.dropEventSockets();
    await disconnected;

    // The hang-up's events go nowhere; the call's media channel stays in its bridge.
    call!.sim.hangup();
    await call!.sim.ended;
    await new Promise((r) => setTimeout(r, 300));
    expect(rig.runtime.handles().map((h) => h.id)).toContain(call!.handle.id);

    rig.sim.faults.refuseEventSockets(false);
    const output = await callEnded(call!, 30_000);
    expect(output.endReason).toBe('hangup');
    expect(ari.connected).toBe(true);
    await expectCallReleased(rig, call!);
    await expectRigIdle(rig);
  }, 90_000);
});
