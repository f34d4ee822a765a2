/**
 * End to end, one rig: conversations. Questions answered from the sample knowledge base
 * (examples/knowledge-base) in English and Russian, DTMF during a call, a caller barging in on a
 * long answer, and an outbound call where the bot speaks first. Transcripts come from the
 * caller script (`stt: 'script'`); answers from the offline answerer over the ingested
 * knowledge base.
 *
 * The calls are independent and run at the same time (placed in `beforeAll`, so the file takes
 * as long as its longest call); each test checks its own call, the last one that nothing is
 * left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../src/machines/call.types.js';
import type { CallHandle } from '../../src/runtime/runtime.js';
import type { CallRecording } from '../../src/simulator/call-recording.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import { metricValue } from '../helpers/metrics.js';
import {
  botAudioMsBetween,
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  hangUpAfterTurns,
  historyOf,
  knowledgeBaseText,
  loudBotFrames,
  placeCalls,
  type RigCall,
  StateTrace,
  turnsDone,
  waitFor,
  within,
} from './helpers.js';

const QUESTIONS = {
  en: 'How long does delivery take?',
  ru: 'Сколько ждать доставку?',
} as const;
const PHONE_QUESTION = 'What is your phone number?';
/** The answer to this one is long (two sentences, about 9 s): the barge-in talks over it. */
const LONG_QUESTION = 'Where are you located?';
/** Media ms from the caller starting to talk over the bot to the bot's last audible frame. */
const STOP_BOUND_MS = 1_000;

interface Ended {
  call: RigCall;
  output: CallOutput;
}

/** Marks a promise as handled until a test awaits it (no unhandled rejection in between). */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

describe('conversations (real ari-client, runtime and simulated Asterisk)', () => {
  let rig: CallRig;
  let english: Promise<Ended>;
  let russian: Promise<Ended>;
  let keys: Promise<Ended & { seen: Array<{ dtmf: string; state: string }>; trace: StateTrace }>;
  let bargeIn: Promise<Ended & { trace: StateTrace; bargedInFrom: string }>;
  let outbound: Promise<{
    handle: CallHandle;
    recording: CallRecording;
    trace: StateTrace;
    output: CallOutput;
  }>;
  const originated: Array<{ endpoint: string; variables: Record<string, string> }> = [];

  beforeAll(async () => {
    rig = await startCallRig({
      simulator: {
        onOriginate: (endpoint, variables) => {
          originated.push({ endpoint, variables });
          return {
            answerAfterMs: 300,
            script: {
              steps: [{ waitForBot: { silenceMs: 600 } }, { say: QUESTIONS.en }, { pause: 60_000 }],
            },
          };
        },
      },
    });
    const [en, ru, dtmf, barge] = await placeCalls(rig, [
      {
        language: 'en',
        script: {
          steps: [{ waitForBot: { silenceMs: 600 } }, { say: QUESTIONS.en }, { pause: 60_000 }],
        },
      },
      {
        language: 'ru',
        script: {
          lang: 'ru',
          steps: [{ waitForBot: { silenceMs: 600 } }, { say: QUESTIONS.ru }, { pause: 60_000 }],
        },
      },
      {
        script: {
          steps: [
            { waitForBot: { silenceMs: 600 } },
            { dtmf: '12', gapMs: 150 },
            { pause: 300 },
            { say: PHONE_QUESTION },
            // A key while the bot is busy with the turn.
            { pause: 1_200 },
            { dtmf: '#' },
            { pause: 60_000 },
          ],
        },
      },
      {
        script: {
          steps: [
            { waitForBot: { silenceMs: 600 } },
            { say: LONG_QUESTION },
            { say: PHONE_QUESTION, interruptAfterMs: 2_000 },
            { pause: 60_000 },
          ],
        },
      },
    ]);
    const answered = async (call: RigCall): Promise<Ended> => {
      await hangUpAfterTurns(call, 1);
      return { call, output: await callEnded(call) };
    };
    english = later(answered(en!));
    russian = later(answered(ru!));

    const trace = new StateTrace(dtmf!.handle);
    const seen: Array<{ dtmf: string; state: string }> = [];
    dtmf!.handle.actor.subscribe((s) => {
      if (s.context.dtmf !== (seen.at(-1)?.dtmf ?? '')) {
        seen.push({ dtmf: s.context.dtmf, state: trace.current });
      }
    });
    keys = later(
      (async () => {
        await turnsDone(dtmf!, 1);
        await waitFor(() => seen.length === 3, 'the three digits', 10_000);
        dtmf!.sim.hangup();
        return { call: dtmf!, output: await callEnded(dtmf!), seen, trace };
      })(),
    );

    const bargeTrace = new StateTrace(barge!.handle);
    let bargedInFrom = '';
    barge!.handle.actor.subscribe((s) => {
      if (s.context.bargeIns === 1 && bargedInFrom === '') {
        bargedInFrom = bargeTrace.states.at(-2) ?? '';
      }
    });
    bargeIn = later(
      (async () => {
        await hangUpAfterTurns(barge!, 1);
        const output = await callEnded(barge!);
        return { call: barge!, output, trace: bargeTrace, bargedInFrom };
      })(),
    );

    outbound = later(
      (async () => {
        const handle = await within(
          rig.telephony.originate('PJSIP/1000', { variables: { CAMPAIGN: 'e2e' } }),
          20_000,
          'the originated call to be answered',
        );
        const trace = new StateTrace(handle);
        const channel = rig.sim.channels.get(handle.id);
        if (channel?.kind !== 'outbound' || !channel.runner) {
          throw new Error(`no outbound channel ${handle.id} in the simulator`);
        }
        // The callee puts the phone down once the answer has been played.
        await turnsDone({ handle }, 1);
        rig.sim.destroyChannel(channel, 16);
        const output = await within(handle.done, 30_000, 'the outbound call to end');
        return { handle, recording: channel.runner.recording, trace, output };
      })(),
    );
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  for (const language of ['en', 'ru'] as const) {
    it(`answers in ${language === 'en' ? 'English' : 'Russian'}, and the caller hears the answer`, async () => {
      const { call, output } = await (language === 'en' ? english : russian);
      expect(output.endReason).toBe('hangup');
      expect(output.turns).toBe(1);
      expect(output.bargeIns).toBe(0);
      expect(call.handle.actor.getSnapshot().context.language).toBe(language);
      const [user, answer] = historyOf(call);
      expect(user).toEqual({ role: 'user', content: QUESTIONS[language] });
      expect(answer?.role).toBe('assistant');
      // The answer is a text of the sample knowledge base in the caller's language.
      expect(answer!.content.length).toBeGreaterThan(20);
      expect(await knowledgeBaseText(language)).toContain(answer!.content);
      expect(answer!.content).toContain('17:00');
      if (language === 'ru') expect(answer!.content).toMatch(/[а-яё]{4}/i);

      // The answer audio reached the caller: seconds of bot speech after the question.
      const rec = call.sim.recording;
      const speechEnd = firstOf(rec, 'caller.speech.end', QUESTIONS[language]);
      const turn = rec.turns().find((t) => t.text === QUESTIONS[language]);
      expect(turn?.firstBotAudioMs).toBeGreaterThan(speechEnd.atMs);
      expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(2_000);
      expect(call.handle.session.timeline.turns()[0]?.first_answer_audio).toBeDefined();
      await expectCallReleased(rig, call);
    }, 90_000);
  }

  it('passes DTMF to the machine without disturbing the call', async () => {
    const { call, output, seen, trace } = await keys;
    expect(output.endReason).toBe('hangup');
    expect(call.handle.actor.getSnapshot().context.dtmf).toBe('12#');
    expect(seen.map((s) => s.dtmf)).toEqual(['1', '12', '12#']);
    expect(seen[0]?.state).toMatch(/^listening/);
    expect(seen[2]?.state).not.toMatch(/^listening/);
    // Undisturbed: one answered turn, no barge-in, the answer played to its end.
    expect(output.turns).toBe(1);
    expect(output.bargeIns).toBe(0);
    const [user, answer] = historyOf(call);
    expect(user?.content).toBe(PHONE_QUESTION);
    expect(answer?.content).toContain('555-0142');
    expect(await knowledgeBaseText('en')).toContain(answer!.content);
    expect(trace.states.filter((s) => s === 'thinking.transcribing')).toHaveLength(1);
    await expectCallReleased(rig, call);
  }, 90_000);

  it('stops the answer when the caller barges in, and answers the interruption', async () => {
    const { call, output, trace, bargedInFrom } = await bargeIn;
    // The machine: one barge-in, during the answer; the interruption is the answered turn.
    expect(output.endReason).toBe('hangup');
    expect(output.bargeIns, JSON.stringify({ states: trace.states })).toBe(1);
    expect(bargedInFrom).toBe('answering');
    expect(output.turns).toBe(1);
    const [user, answer] = historyOf(call);
    expect(user).toEqual({ role: 'user', content: PHONE_QUESTION });
    expect(answer?.content).toContain('555-0142');
    const timings = call.handle.session.timeline.turns();
    expect(timings).toHaveLength(2);
    expect(timings[0]?.first_answer_audio).toBeDefined();
    expect(timings[0]?.bargeIn).toBe(true);
    expect(timings[1]?.bargeIn).toBeUndefined();
    expect(timings[1]?.first_answer_audio).toBeDefined();

    // The caller's recording: the bot was talking when the caller started and went quiet
    // within the bound; it spoke again only after the interrupting question ended.
    const rec = call.sim.recording;
    const interrupt = firstOf(rec, 'caller.speech.start', PHONE_QUESTION);
    const interruptEnd = firstOf(rec, 'caller.speech.end', PHONE_QUESTION);
    const loud = loudBotFrames(rec);
    expect(loud.some((t) => t >= interrupt.atMs - 100 && t <= interrupt.atMs)).toBe(true);
    const duringInterruption = loud.filter((t) => t >= interrupt.atMs && t < interruptEnd.atMs);
    const stopMs = (duringInterruption.at(-1) ?? interrupt.atMs - 20) + 20 - interrupt.atMs;
    console.info(`barge-in: bot audio stopped ${stopMs} ms (media time) after the caller began`);
    expect(stopMs).toBeLessThan(STOP_BOUND_MS);
    // The interruption lasted long enough that an unstopped answer would have been heard.
    expect(interruptEnd.atMs - interrupt.atMs).toBeGreaterThan(STOP_BOUND_MS);
    expect(loud.some((t) => t >= interruptEnd.atMs)).toBe(true);
    await expectCallReleased(rig, call);
  }, 90_000);

  it('places an outbound call: the bot speaks first, and a turn works', async () => {
    const { handle, recording: rec, trace, output } = await outbound;
    expect(originated).toEqual([{ endpoint: 'PJSIP/1000', variables: { CAMPAIGN: 'e2e' } }]);
    expect(handle.session.endpoint.direction).toBe('outbound');
    expect(output.endReason).toBe('hangup');
    expect(output.greeting).toBe('spoken');
    expect(output.bargeIns).toBe(0);
    expect(trace.states).toContain('greeting.speaking');
    expect(trace.states.indexOf('greeting.speaking')).toBeLessThan(
      trace.states.indexOf('listening.hearing'),
    );
    // The greeting was heard before the callee said anything.
    const firstWords = firstOf(rec, 'caller.speech.start');
    expect(firstOf(rec, 'bot.audio.start').atMs).toBeLessThan(firstWords.atMs);
    expect(botAudioMsBetween(rec, 0, firstWords.atMs)).toBeGreaterThan(1_000);
    expect(handle.session.timeline.greetingLatencyMs).toBeDefined();
    // And a turn worked.
    expect(output.turns).toBe(1);
    const [user, answer] = handle.actor.getSnapshot().context.history;
    expect(user).toEqual({ role: 'user', content: QUESTIONS.en });
    expect(await knowledgeBaseText('en')).toContain(answer!.content);
    expect(answer!.content).toContain('17:00');
    const speechEnd = firstOf(rec, 'caller.speech.end');
    expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(2_000);
    await waitFor(() => !rig.sim.channels.has(handle.id), 'the callee channel to go', 10_000);
    expect(rig.runtime.handles().find((h) => h.id === handle.id)).toBeUndefined();
  }, 90_000);

  it('leaves nothing behind', async () => {
    await Promise.allSettled([english, russian, keys, bargeIn, outbound]);
    // Only the barge-in call interrupted the bot.
    expect(await metricValue(rig.registry, 'voxstate_barge_ins_total')).toBe(1);
    await expectRigIdle(rig);
  }, 30_000);
});
