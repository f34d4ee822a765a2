/**
 * End to end: the greeting. The rig speaks through the OpenAI text-to-speech engine against a
 * local fake server whose latency the tests set, so that "the greeting cannot be ready yet" is
 * a fact, not a race. The caller's own speech is synthesized with espeak-ng.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { type FakeOpenAiTtsServer, startFakeOpenAiTtsServer } from '../fakes/openai-tts-server.js';
import { metricValue } from '../helpers/metrics.js';
import {
  botAudioMsBetween,
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  historyOf,
  knowledgeBaseText,
  placeCalls,
  StateTrace,
} from './helpers.js';

describe('the greeting (real ari-client, runtime and simulated Asterisk)', () => {
  let tts: FakeOpenAiTtsServer;
  let rig: CallRig;

  beforeAll(async () => {
    tts = await startFakeOpenAiTtsServer({ msPerChar: 20 });
    rig = await startCallRig({
      env: {
        VOXSTATE_TTS_ENGINE: 'openai',
        VOXSTATE_OPENAI_TTS_BASE_URL: tts.baseUrl,
        VOXSTATE_OPENAI_TTS_API_KEY: 'test-key',
        // No cached phrases: every greeting waits for the server.
        VOXSTATE_TTS_LRU_MAX_BYTES: '0',
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await tts?.close();
  });

  it('is heard before the caller speaks, and its latency is recorded', async () => {
    const ttsLatencyMs = 400;
    tts.options.latencyMs = ttsLatencyMs;
    const [call] = await placeCalls(rig, [
      {
        script: {
          steps: [{ waitForBot: { silenceMs: 500 } }, { say: 'Hello?' }, { hangup: true }],
        },
      },
    ]);
    const output = await callEnded(call!);

    expect(output.endReason).toBe('hangup');
    expect(output.greeting).toBe('spoken');
    const rec = call!.sim.recording;
    const botStart = firstOf(rec, 'bot.audio.start');
    const callerStart = firstOf(rec, 'caller.speech.start');
    expect(botStart.atMs).toBeLessThan(callerStart.atMs);
    // The greeting (a tone of 20 ms per character from the fake) was heard, not a click.
    expect(botAudioMsBetween(rec, 0, callerStart.atMs)).toBeGreaterThanOrEqual(400);
    expect(tts.requests.some((r) => r.body.input?.includes('Sunflower Bakery'))).toBe(true);

    // Recorded: on the call's timeline and in the histogram. It cannot be shorter than the
    // synthesis it waited for.
    const latency = call!.handle.session.timeline.greetingLatencyMs;
    expect(latency).toBeDefined();
    expect(latency!).toBeGreaterThanOrEqual(ttsLatencyMs);
    expect(await metricValue(rig.registry, 'voxstate_greeting_latency_seconds')).toBe(1);
    await expectCallReleased(rig, call!);
  }, 60_000);

  it('is skipped for an inbound caller who speaks first, who is listened to', async () => {
    // The greeting cannot play for 3 s; the caller starts talking at once.
    tts.options.latencyMs = 3_000;
    const question = 'Are you open on Sunday?';
    const [call] = await placeCalls(rig, [
      {
        script: {
          steps: [{ say: question }, { waitForBot: { silenceMs: 1_500 } }, { hangup: true }],
        },
      },
    ]);
    const trace = new StateTrace(call!.handle);
    // Once the machine gave up on the greeting, the answer may be synthesized quickly.
    await trace.reach('listening');
    tts.options.latencyMs = 0;
    const output = await callEnded(call!);

    expect(trace.states).not.toContain('greeting.speaking');
    expect(trace.states).toContain('listening.hearing');
    expect(trace.states.indexOf('listening.hearing')).toBeLessThan(
      trace.states.indexOf('thinking.transcribing'),
    );
    expect(trace.states).toContain('answering');
    expect(output.greeting).toBe('skipped');
    expect(output.endReason).toBe('hangup');
    expect(output.turns).toBe(1);
    const [user, answer] = historyOf(call!);
    expect(user).toEqual({ role: 'user', content: question });
    expect(answer?.role).toBe('assistant');
    expect(await knowledgeBaseText('en')).toContain(answer!.content);
    expect(answer!.content).toMatch(/Sunday/);

    // Nothing was played before the caller finished the question; the answer was heard after.
    const rec = call!.sim.recording;
    const speechEnd = firstOf(rec, 'caller.speech.end');
    expect(firstOf(rec, 'bot.audio.start').atMs).toBeGreaterThanOrEqual(speechEnd.atMs);
    expect(botAudioMsBetween(rec, 0, speechEnd.atMs)).toBe(0);
    expect(call!.handle.session.timeline.greetingLatencyMs).toBeUndefined();
    await expectCallReleased(rig, call!);
    await expectRigIdle(rig);
  }, 60_000);
});
