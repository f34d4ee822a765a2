/**
 * End to end: questions answered from the sample knowledge base (examples/knowledge-base) in
 * English and Russian, and DTMF during a call. Transcripts come from the caller script
 * (`stt: 'script'`); answers from the offline answerer over the ingested knowledge base.
 *
 * The three calls are independent and run at the same time (placed in `beforeAll`); each test
 * checks its own call, the last one that nothing is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../src/machines/call.types.js';
import { type CallRig, startCallRig } from '../fakes/call-rig.js';
import {
  botAudioMsBetween,
  callEnded,
  expectCallReleased,
  expectRigIdle,
  firstOf,
  hangUpAfterTurns,
  historyOf,
  knowledgeBaseText,
  placeCalls,
  type RigCall,
  StateTrace,
  turnsDone,
  waitFor,
} from './helpers.js';

const QUESTIONS = {
  en: 'How long does delivery take?',
  ru: 'Сколько ждать доставку?',
} as const;
const PHONE_QUESTION = 'What is your phone number?';

interface Ended {
  call: RigCall;
  output: CallOutput;
}

/** Marks a promise as handled until a test awaits it (no unhandled rejection in between). */
function later<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

describe('questions answered from the knowledge base (real ari-client, runtime, simulated Asterisk)', () => {
  let rig: CallRig;
  let english: Promise<Ended>;
  let russian: Promise<Ended>;
  let keys: Promise<Ended & { seen: Array<{ dtmf: string; state: string }>; trace: StateTrace }>;

  beforeAll(async () => {
    rig = await startCallRig();
    const [en, ru, dtmf] = await placeCalls(rig, [
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
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  for (const language of ['en', 'ru'] as const) {
    it(`answers in ${language === 'en' ? 'English' : 'Russian'}, and the caller hears the answer`, async () => {
      const { call, output } = await (language === 'en' ? english : russian);
      expect(output.endReason).toBe('hangup');
      expect(output.turns).toBe(1);
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

  it('leaves nothing behind', async () => {
    await Promise.allSettled([english, russian, keys]);
    await expectRigIdle(rig);
  }, 30_000);
});
