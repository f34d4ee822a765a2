/**
 * End to end, on the real speech-to-text pipeline: the caller's synthesized speech goes through
 * the AudioSocket media, the endpointer with Silero VAD on its worker pool and Whisper (the
 * generated tiny model, which always hears "hello world") on its worker pool, and the transcript
 * drives a turn; the simulator's script text is not used, the transcript proves it.
 *
 * And every way a call ends. The caller hangs up in each phase of the conversation
 * (greeting, listening, thinking, answering, goodbye), and the bot ends calls itself (most
 * turns, too long a silence). Each must end with the right reason and leave nothing behind:
 * no handle, session or ARI state in the runtime, no channel, bridge or playback in the
 * simulated Asterisk.
 *
 * The rig runs the real speech-to-text path (the generated tiny Whisper on the worker pool), so
 * that "thinking" lasts as long as a real transcription and a hang-up lands inside it. Limits:
 * one turn, 2.5 s of silence, no "are you still there?" prompt. The seven calls are independent
 * and run at the same time (placed in `beforeAll`); each test checks its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../src/machines/call.types.js';
import { dontKnowPhrase } from '../../src/prompts/greeting.js';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { metricValue } from '../helpers/metrics.js';
import {
  botAudioMsBetween,
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  historyOf,
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

const PHASES = ['greeting', 'listening', 'thinking', 'answering', 'goodbye'] as const;
type Phase = (typeof PHASES)[number];

/** Hangs the caller up once the call is in `phase` (and, where there is audio, it is heard). */
async function hangUpIn(call: RigCall, trace: StateTrace, phase: Phase): Promise<void> {
  switch (phase) {
    case 'greeting':
      await trace.reach('greeting.speaking');
      await waitFor(() => call.sim.recording.timeline.length > 0, 'greeting audio');
      break;
    case 'listening':
      await trace.reach('listening.waiting');
      break;
    case 'thinking':
      // At once: the utterance is being transcribed, the filler may be starting.
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
}

interface Ended {
  call: RigCall;
  trace: StateTrace;
  output: CallOutput;
}

describe('calls on the Whisper pipeline, and how calls end (real ari-client, runtime, worker pools, simulated Asterisk)', () => {
  let rig: CallRig;
  const runsBefore = { whisper: 0, vad: 0 };
  let hungUp: Promise<Ended[]>;
  let botEnded: Promise<Ended[]>;
  const destroyed: string[] = [];

  beforeAll(async () => {
    rig = await startCallRig({
      stt: 'whisper',
      env: {
        VOXSTATE_MAX_TURNS: '1',
        VOXSTATE_MAX_SILENCE_MS: '2500',
        VOXSTATE_MAX_SILENCE_PROMPTS: '0',
      },
    });
    rig.sim.on('channelDestroyed', (id) => destroyed.push(id));
    for (const pool of ['whisper', 'vad'] as const) {
      runsBefore[pool] = await metricValue(rig.registry, 'voxstate_worker_run_seconds', { pool });
    }
    const calls = await placeCalls(rig, [
      ...PHASES.map((phase) => ({
        script: phase === 'greeting' || phase === 'listening' ? SILENT : ASKS,
      })),
      { script: ASKS },
      { script: SILENT },
    ]);
    const traces = calls.map((c) => new StateTrace(c.handle));
    const ended = async (i: number): Promise<Ended> => ({
      call: calls[i]!,
      trace: traces[i]!,
      output: await callEnded(calls[i]!),
    });
    hungUp = Promise.all(
      PHASES.map(async (phase, i) => {
        await hangUpIn(calls[i]!, traces[i]!, phase);
        return ended(i);
      }),
    );
    hungUp.catch(() => undefined);
    botEnded = Promise.all([ended(PHASES.length), ended(PHASES.length + 1)]);
    botEnded.catch(() => undefined);
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('transcribes an utterance with VAD and Whisper on workers, and takes a turn', async () => {
    expect(rig.runtime.stt.name).toBe('whisper');
    // The max-turns call: a question, its turn, the goodbye.
    const [{ call, trace, output }] = (await botEnded) as [Ended];
    expect(output.turns).toBe(1);
    expect(trace.states).toEqual(
      expect.arrayContaining(['listening.hearing', 'thinking.transcribing', 'answering']),
    );
    // Whisper's transcript (not the script's text) reached the machine and the history.
    const [user, answer] = historyOf(call);
    expect(user).toEqual({ role: 'user', content: 'hello world' });
    // Nothing in the knowledge base matches "hello world": the offline "don't know" answer.
    expect(answer).toEqual({
      role: 'assistant',
      content: dontKnowPhrase('en', rig.runtime.business.phone),
    });
    const timing = call.handle.session.timeline.turns()[0];
    expect(timing?.transcript).toBeDefined();
    expect(timing?.first_answer_audio).toBeDefined();
    for (const pool of ['whisper', 'vad'] as const) {
      expect(
        await metricValue(rig.registry, 'voxstate_worker_run_seconds', { pool }),
      ).toBeGreaterThan(runsBefore[pool]);
    }
    // The answer was heard.
    const rec = call.sim.recording;
    const speechEnd = firstOf(rec, 'caller.speech.end');
    expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(1_500);
  }, 120_000);

  it('a caller hang-up in every phase ends the call and releases everything', async () => {
    const results = await hungUp;
    for (const [i, phase] of PHASES.entries()) {
      const { call, trace, output } = results[i]!;
      expect({ phase, endReason: output.endReason }).toEqual({ phase, endReason: 'hangup' });
      // The machine was in that phase when it learned of the hang-up.
      expect({ phase, in: trace.lastBeforeEnd }).toEqual({
        phase,
        in: expect.stringMatching(new RegExp(`^${phase}`)),
      });
      firstOf(call.sim.recording, 'call.end');
      await expectCallReleased(rig, call);
    }
    expect(results.map((r) => r.output.turns)).toEqual([0, 0, 0, 0, 1]);
  }, 120_000);

  it('the bot says goodbye and hangs up after the last turn, or after too long a silence', async () => {
    const [maxTurns, maxSilence] = await botEnded;
    expect(maxTurns!.output).toMatchObject({ endReason: 'max_turns', turns: 1 });
    expect(maxSilence!.output).toMatchObject({ endReason: 'max_silence', turns: 0 });
    for (const { call, trace } of [maxTurns!, maxSilence!]) {
      // The goodbye played to its end, then the bot hung up: the caller never did.
      expect(trace.lastBeforeEnd).toBe('goodbye');
      const rec = call.sim.recording;
      expect(rec.timeline.some((e) => e.kind === 'caller.hangup')).toBe(false);
      const end = firstOf(rec, 'call.end');
      const lastBotAudio = rec.timeline.filter((e) => e.kind === 'bot.audio.start').at(-1);
      expect(lastBotAudio!.atMs).toBeLessThan(end.atMs);
      expect(destroyed).toContain(call.sim.channelId);
      await expectCallReleased(rig, call);
    }
    // Silence: no reprompt (VOXSTATE_MAX_SILENCE_PROMPTS=0), straight to the goodbye.
    expect(maxSilence!.trace.states).not.toContain('reprompt');
    expect(maxSilence!.trace.states.filter((s) => s.startsWith('listening'))).toEqual([
      'listening.waiting',
    ]);
  }, 120_000);

  it('leaves nothing behind', async () => {
    await Promise.allSettled([hungUp, botEnded]);
    await expectRigIdle(rig);
  }, 30_000);
});
