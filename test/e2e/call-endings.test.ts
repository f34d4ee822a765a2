/**
 * End to end: every way a call ends. The caller hangs up in each phase of the conversation
 * (greeting, listening, thinking, answering, goodbye), and the bot ends calls itself (most
 * turns, too long a silence). Each must end with the right reason and leave nothing behind:
 * no handle, session or ARI state in the runtime, no channel, bridge or playback in the
 * simulated Asterisk.
 *
 * The rig runs the real speech-to-text path (the generated tiny Whisper on the worker pool), so
 * that "thinking" lasts as long as a real transcription and a hang-up lands inside it. Limits:
 * one turn, 2.5 s of silence, no "are you still there?" prompt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  placeCalls,
  type RigCall,
  StateTrace,
  waitFor,
} from './helpers.js';

const SILENT: CallerScript = { steps: [{ pause: 60_000 }] };
const ASKS: CallerScript = {
  steps: [
    { waitForBot: { silenceMs: 700 } },
    { say: 'Are you open on Sunday?' },
    { pause: 60_000 },
  ],
};

/** Resolves once the call's playback has started an item with this label (e.g. `goodbye`). */
function playing(call: RigCall, label: RegExp): Promise<void> {
  return new Promise((resolve) => {
    call.handle.session.playback.on('item.started', (item) => {
      if (label.test(item.label ?? '')) resolve();
    });
  });
}

describe('how calls end (real ari-client, runtime, Whisper pipeline, simulated Asterisk)', () => {
  let rig: CallRig;

  beforeAll(async () => {
    rig = await startCallRig({
      stt: 'whisper',
      env: {
        VOXSTATE_MAX_TURNS: '1',
        VOXSTATE_MAX_SILENCE_MS: '2500',
        VOXSTATE_MAX_SILENCE_PROMPTS: '0',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('a caller hang-up in every phase ends the call and releases everything', async () => {
    const phases = ['greeting', 'listening', 'thinking', 'answering', 'goodbye'] as const;
    const calls = await placeCalls(
      rig,
      phases.map((phase) => ({
        script: phase === 'greeting' || phase === 'listening' ? SILENT : ASKS,
      })),
    );
    const traces = calls.map((c) => new StateTrace(c.handle));
    const hangUpIn = async (i: number): Promise<void> => {
      const call = calls[i]!;
      const trace = traces[i]!;
      switch (phases[i]) {
        case 'greeting':
          // The greeting is audible.
          await trace.reach('greeting.speaking');
          await waitFor(() => call.sim.recording.timeline.length > 0, 'greeting audio');
          break;
        case 'listening':
          await trace.reach('listening.waiting');
          break;
        case 'thinking':
          // Right away: the utterance is being transcribed, the filler may be starting.
          await trace.reach('thinking');
          break;
        case 'answering': {
          const answerAudio = playing(call, /^answer/);
          await trace.reach('answering');
          await answerAudio;
          await new Promise((r) => setTimeout(r, 300));
          break;
        }
        case 'goodbye': {
          const goodbye = playing(call, /^goodbye$/);
          await trace.reach('goodbye');
          await goodbye;
          await new Promise((r) => setTimeout(r, 300));
          break;
        }
      }
      call.sim.hangup();
    };
    await Promise.all(phases.map((_, i) => hangUpIn(i)));
    const outputs = await Promise.all(calls.map((c) => callEnded(c)));

    for (const [i, phase] of phases.entries()) {
      const call = calls[i]!;
      expect({ phase, endReason: outputs[i]!.endReason }).toEqual({ phase, endReason: 'hangup' });
      // The machine was in that phase when it learned of the hang-up.
      expect({ phase, in: traces[i]!.lastBeforeEnd }).toEqual({
        phase,
        in: expect.stringMatching(new RegExp(`^${phase}`)),
      });
      firstOf(call.sim.recording, 'call.end');
      await expectCallReleased(rig, call);
    }
    expect(outputs.map((o) => o.turns)).toEqual([0, 0, 0, 0, 1]);
    await expectRigIdle(rig);
  }, 120_000);

  it('the bot says goodbye and hangs up after the last turn, or after too long a silence', async () => {
    const destroyed: string[] = [];
    const onDestroyed = (id: string) => destroyed.push(id);
    rig.sim.on('channelDestroyed', onDestroyed);
    try {
      const [maxTurns, maxSilence] = await placeCalls(rig, [{ script: ASKS }, { script: SILENT }]);
      const traces = [new StateTrace(maxTurns!.handle), new StateTrace(maxSilence!.handle)];
      const outputs = await Promise.all([callEnded(maxTurns!), callEnded(maxSilence!)]);

      expect(outputs[0]).toMatchObject({ endReason: 'max_turns', turns: 1 });
      expect(outputs[1]).toMatchObject({ endReason: 'max_silence', turns: 0 });
      for (const [i, call] of [maxTurns!, maxSilence!].entries()) {
        // The goodbye played to the end, then the bot hung up: the caller never did.
        expect(traces[i]!.lastBeforeEnd).toBe('goodbye');
        const rec = call.sim.recording;
        expect(rec.timeline.some((e) => e.kind === 'caller.hangup')).toBe(false);
        const end = firstOf(rec, 'call.end');
        const lastBotAudio = rec.timeline.filter((e) => e.kind === 'bot.audio.start').at(-1);
        expect(lastBotAudio!.atMs).toBeLessThan(end.atMs);
        expect(destroyed).toContain(call.sim.channelId);
        await expectCallReleased(rig, call);
      }
      // Silence: no reprompt (VOXSTATE_MAX_SILENCE_PROMPTS=0), straight to the goodbye.
      expect(traces[1]!.states).not.toContain('reprompt');
      expect(traces[1]!.states.filter((s) => s.startsWith('listening'))).toEqual([
        'listening.waiting',
      ]);
      await expectRigIdle(rig);
    } finally {
      rig.sim.off('channelDestroyed', onDestroyed);
    }
  }, 120_000);
});
