/**
 * End to end: the real speech-to-text pipeline. The caller's synthesized speech goes through
 * the AudioSocket media, the endpointer with Silero VAD on its worker pool, and Whisper (the
 * generated tiny model, which always hears "hello world") on its worker pool; the transcript
 * drives a turn. The simulator's script text is not used: the transcript proves it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dontKnowPhrase } from '../../src/prompts/greeting.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  botAudioMsBetween,
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  hangUpAfterTurns,
  historyOf,
  metricTotal,
  placeCalls,
  StateTrace,
} from './helpers.js';

describe('the Whisper speech-to-text path (real ari-client, runtime, worker pools, simulated Asterisk)', () => {
  let rig: CallRig;

  beforeAll(async () => {
    rig = await startCallRig({ stt: 'whisper' });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('transcribes an utterance with VAD and Whisper on workers, and takes a turn', async () => {
    expect(rig.runtime.stt.name).toBe('whisper');
    const whisperRunsBefore = await metricTotal(rig, 'voxstate_worker_run_seconds', {
      pool: 'whisper',
    });
    const vadRunsBefore = await metricTotal(rig, 'voxstate_worker_run_seconds', { pool: 'vad' });
    const question = 'Are you open on Sunday?';
    const [call] = await placeCalls(rig, [
      {
        script: {
          steps: [{ waitForBot: { silenceMs: 700 } }, { say: question }, { pause: 60_000 }],
        },
      },
    ]);
    const trace = new StateTrace(call!.handle);
    await hangUpAfterTurns(call!, 1);
    const output = await callEnded(call!);

    expect(output.endReason).toBe('hangup');
    expect(output.turns).toBe(1);
    expect(trace.states).toEqual(
      expect.arrayContaining(['listening.hearing', 'thinking.transcribing', 'answering']),
    );
    // Whisper's transcript (not the script's text) reached the machine and the history.
    const [user, answer] = historyOf(call!);
    expect(user).toEqual({ role: 'user', content: 'hello world' });
    // Nothing in the knowledge base matches "hello world": the offline "don't know" answer.
    expect(answer).toEqual({
      role: 'assistant',
      content: dontKnowPhrase('en', rig.runtime.business.phone),
    });
    const timing = call!.handle.session.timeline.turns()[0];
    expect(timing?.transcript).toBeDefined();
    expect(timing?.first_answer_audio).toBeDefined();
    expect(
      await metricTotal(rig, 'voxstate_worker_run_seconds', { pool: 'whisper' }),
    ).toBeGreaterThan(whisperRunsBefore);
    expect(await metricTotal(rig, 'voxstate_worker_run_seconds', { pool: 'vad' })).toBeGreaterThan(
      vadRunsBefore,
    );
    // The answer was heard.
    const rec = call!.sim.recording;
    const speechEnd = firstOf(rec, 'caller.speech.end');
    expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(1_500);
    await expectCallReleased(rig, call!);
    await expectRigIdle(rig);
  }, 90_000);
});
