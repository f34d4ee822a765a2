/**
 * End to end: realtime calls whose session detects the caller's turns
 * (`VOXSTATE_REALTIME_TURN_DETECTION=server_vad`): the real runtime and ari-client against the
 * simulated Asterisk, the `openai` SDK against the Realtime fixture, whose energy VAD reports
 * `input_audio_buffer.speech_started`/`speech_stopped` and commits each turn. The machine hears
 * them as `media.speech.start`/`media.speech.end` (no local voice activity model runs), asks for
 * each answer itself (the session is configured not to respond or cancel on its own), stops the
 * answer on the session's speech start and truncates it at the audio the caller heard; the turn
 * log keeps the words heard. The bot's echo on the line is gated before the session hears it.
 */
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallerScript } from '../../src/simulator/caller-script.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  type FakeRealtimeServer,
  startFakeRealtimeServer,
} from '../fakes/openai-realtime-server.js';
import { prewarmEnglish } from '../faults/helpers.js';
import { metricValue } from '../helpers/metrics.js';
import { callEnded, historyOf, type RigCall, turnsDone } from './helpers.js';

const GREETING = 'Hello, Sunny Bakery here. How can I help?';
const QUESTION = 'When do you open on Sunday?';
const ANSWER = 'On Sunday we open at nine in the morning.';
/** About 6 s of the fixture's tone at 50 ms per character. */
const LONG_ANSWER = `${'We are at twelve Harbour Street, next to the old lighthouse, '.repeat(2)}.`;
const MS_PER_CHAR = 50;
const INTERRUPT_AFTER_MS = 1_500;

function sent<T extends RealtimeClientEvent['type']>(
  server: FakeRealtimeServer,
  type: T,
  from: number,
): Array<Extract<RealtimeClientEvent, { type: T }>> {
  return server
    .received()
    .slice(from)
    .filter((e): e is Extract<RealtimeClientEvent, { type: T }> => e.type === type);
}

function turnEvents(call: RigCall) {
  return call.handle.session.log
    .events()
    .filter((e) => e.type === 'turn')
    .map((e) => e.fields as Record<string, unknown>);
}

const vadRuns = (rig: CallRig) =>
  metricValue(rig.registry, 'voxstate_worker_run_seconds', { pool: 'vad' });

describe('realtime calls with the session detecting turns (server_vad)', () => {
  let rig: CallRig;
  let server: FakeRealtimeServer;

  beforeAll(async () => {
    server = await startFakeRealtimeServer({
      reply: (caller) => ({ say: caller === undefined ? GREETING : ANSWER }),
    });
    rig = await startCallRig({
      env: {
        VOXSTATE_BRAIN: 'realtime',
        VOXSTATE_REALTIME_BASE_URL: server.baseUrl,
        VOXSTATE_REALTIME_API_KEY: 'test-key',
        VOXSTATE_REALTIME_TURN_DETECTION: 'server_vad',
        VOXSTATE_LOG_TRANSCRIPTS: 'true',
      },
      runtimeOptions: { realtimeWsOptions: { ca: server.ca } },
      configure: (config) => prewarmEnglish(config),
    });
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
    await server?.close();
  });

  it('answers once the session hears the caller stop: no local VAD, no commit from voxstate', async () => {
    server.options.caller = [QUESTION];
    server.options.reply = (caller) => ({ say: caller === undefined ? GREETING : ANSWER });
    const from = server.received().length;
    const vadBefore = await vadRuns(rig);
    const script: CallerScript = {
      steps: [{ waitForBot: { silenceMs: 600 } }, { say: QUESTION }, { pause: 60_000 }],
    };
    const call = await rig.placeCall(script);
    await turnsDone(call, 1);
    call.sim.hangup();
    const out = await callEnded(call);

    const first = sent(server, 'session.update', from)[0];
    expect(
      (first!.session as { audio?: { input?: { turn_detection?: object } } }).audio?.input
        ?.turn_detection,
    ).toMatchObject({ type: 'server_vad', create_response: false, interrupt_response: false });
    // The session committed the turn; voxstate asked for the greeting and the answer.
    expect(sent(server, 'input_audio_buffer.commit', from)).toHaveLength(0);
    expect(sent(server, 'response.create', from)).toHaveLength(2);
    expect(out.turns).toBe(1);
    expect(historyOf(call)).toEqual([
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: ANSWER },
    ]);
    expect(turnEvents(call)[0]).toMatchObject({
      transcript: QUESTION,
      answer: ANSWER,
      outcome: 'answered',
    });
    expect(call.handle.session.log.events().some((e) => e.type === 'fallback')).toBe(false);
    // The session ended the turn: not one voice activity task ran for this call.
    expect(await vadRuns(rig)).toBe(vadBefore);
  }, 90_000);

  it('barge-in: the session hears the caller, the answer stops and is truncated where the caller stopped hearing it', async () => {
    const interruption = 'Sorry, and on Monday?';
    server.options.caller = [QUESTION, interruption];
    server.options.reply = (caller) => ({
      say: caller === undefined ? GREETING : caller === QUESTION ? LONG_ANSWER : ANSWER,
    });
    const from = server.received().length;
    const call = await rig.placeCall({
      steps: [
        { waitForBot: { silenceMs: 600 } },
        { say: QUESTION },
        { say: interruption, interruptAfterMs: INTERRUPT_AFTER_MS },
        { pause: 60_000 },
      ],
    });
    await turnsDone(call, 1);
    call.sim.hangup();
    const out = await callEnded(call);

    expect(out.bargeIns).toBeGreaterThanOrEqual(1);
    const bargeIn = call.handle.session.log.events().find((e) => e.type === 'barge_in');
    expect(bargeIn?.fields).toMatchObject({ by: 'session' });
    const truncates = sent(server, 'conversation.item.truncate', from);
    expect(truncates).toHaveLength(1);
    const heardMs = truncates[0]!.audio_end_ms;
    // The caller started talking 1.5 s into the answer; the session heard it at once.
    expect(heardMs).toBeGreaterThanOrEqual(INTERRUPT_AFTER_MS - 100);
    expect(heardMs).toBeLessThan(INTERRUPT_AFTER_MS + 1_500);
    const item = server.last?.items.find((i) => i.id === truncates[0]!.item_id);
    expect(item?.text).toBe(LONG_ANSWER);
    expect(item?.truncatedAtMs).toBe(heardMs);
    // The turn log keeps the words heard: the answer's share up to the truncation, whole words.
    const turn = turnEvents(call)[0]!;
    expect(turn).toMatchObject({ transcript: QUESTION, outcome: 'interrupted', interrupted: true });
    const heardText = String(turn.answer);
    expect(LONG_ANSWER.startsWith(heardText)).toBe(true);
    expect(Math.abs(heardText.length - heardMs / MS_PER_CHAR)).toBeLessThan(16);
  }, 90_000);

  it("the bot's echo on the line does not reach the session's voice detection", async () => {
    // A sensitive detector: the echo (the bot's tone 20 dB down) would be speech to it.
    server.options.speechRms = 300;
    server.options.caller = [QUESTION];
    server.options.reply = (caller) => ({ say: caller === undefined ? GREETING : LONG_ANSWER });
    const from = server.received().length;
    const call = await rig.placeCall({
      echo: { gainDb: -20 },
      steps: [
        { waitForBot: { silenceMs: 600 } },
        { say: QUESTION },
        { waitForBot: { silenceMs: 1_500, timeoutMs: 30_000 } },
        { pause: 60_000 },
      ],
    });
    await turnsDone(call, 1);
    call.sim.hangup();
    const out = await callEnded(call);
    server.options.speechRms = undefined;
    expect(out.bargeIns).toBe(0);
    expect(sent(server, 'conversation.item.truncate', from)).toHaveLength(0);
    expect(turnEvents(call)[0]).toMatchObject({ outcome: 'answered', answer: LONG_ANSWER });
  }, 90_000);
});
