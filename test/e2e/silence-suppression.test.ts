/**
 * End to end: callers whose line sends no frames while they are silent, as a real Asterisk
 * Local channel does between playbacks and a SIP leg with silence suppression or DTX does
 * (docs/asterisk.md). The end of a question must be found on the clock, not by counting
 * frames: before the fix the call stayed in `listening.hearing` with no answer, no reprompt
 * and no maximum-utterance cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  callEnded,
  conversationState,
  expectRigIdle,
  historyOf,
  placeCalls,
  StateTrace,
  turnsDone,
  waitFor,
} from './helpers.js';

const QUESTION = 'Are you open on Sunday?';
const SECOND = 'Do you deliver?';
/**
 * From the caller's end of speech to the machine thinking: the 500 ms end-of-speech silence
 * plus voice detection and a loaded machine's delays (before the fix: never).
 */
const END_BOUND_MS = 2_500;

describe('a caller line that sends no frames in silence', () => {
  let rig: CallRig;
  beforeAll(async () => {
    rig = await startCallRig({
      env: { VOXSTATE_MAX_SILENCE_MS: '2000', VOXSTATE_MAX_SILENCE_PROMPTS: '1' },
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('answers each question, reprompts the silence after it, then says goodbye', async () => {
    const [call] = await placeCalls(rig, [
      {
        script: {
          sendSilence: false,
          steps: [
            { waitForBot: { silenceMs: 600 } },
            { say: QUESTION },
            { waitForBot: { silenceMs: 600, timeoutMs: 30_000 } },
            { say: SECOND },
            { pause: 60_000 },
          ],
        },
      },
    ]);
    const trace = new StateTrace(call!.handle);
    // When each question ended (the caller's side) and when the machine started thinking.
    const spoken: number[] = [];
    const thinking: number[] = [];
    rig.sim.on('utterance', (u) => {
      if (u.channelId === call!.sim.channelId) spoken.push(performance.now());
    });
    let last = '';
    call!.handle.actor.subscribe((snapshot) => {
      const state = conversationState(snapshot.value);
      if (state.startsWith('thinking') && !last.startsWith('thinking')) {
        thinking.push(performance.now());
      }
      last = state;
    });
    // The question ends in silence with no frames: the call must move on to thinking.
    await trace.reach('listening.hearing', 20_000);
    await trace.reach('thinking', 10_000);
    await turnsDone(call!, 2, 90_000);
    expect(historyOf(call!).filter((m) => m.role === 'user')).toEqual([
      { role: 'user', content: QUESTION },
      { role: 'user', content: SECOND },
    ]);
    // Each end of speech was found about the end-of-speech silence after the caller stopped
    // (espeak's recording ends in ~120 ms of its own silence, which the caller does send).
    expect(spoken).toHaveLength(2);
    expect(thinking).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      expect(thinking[i]! - spoken[i]!).toBeGreaterThan(200);
      expect(thinking[i]! - spoken[i]!).toBeLessThan(END_BOUND_MS);
    }
    // The caller sent nothing while silent, so the app never saw the silence as frames.
    const endpoint = call!.handle.session.endpoint as { mediaChannelId?: string };
    const link = rig.sim.channels.get(endpoint.mediaChannelId ?? '')?.link;
    expect(link?.framesSuppressed).toBeGreaterThan(100);
    // Then silence: a reprompt, and the goodbye after the second silence.
    const output = await callEnded(call!, 60_000);
    expect(output.endReason).toBe('max_silence');
    expect(trace.states).toContain('reprompt');
    expect(trace.states.filter((s) => s === 'listening.hearing')).toHaveLength(2);
    await waitFor(() => rig.runtime.activeCalls === 0, 'the call to be released');
    await expectRigIdle(rig);
  }, 180_000);
});
