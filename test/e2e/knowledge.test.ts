/**
 * End to end: questions answered from the sample knowledge base (examples/knowledge-base) in
 * English and Russian, and DTMF during a call. Transcripts come from the caller script
 * (`stt: 'script'`); answers from the offline answerer over the ingested knowledge base.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  StateTrace,
  turnsDone,
  waitFor,
} from './helpers.js';

describe('questions answered from the knowledge base (real ari-client, runtime, simulated Asterisk)', () => {
  let rig: CallRig;

  beforeAll(async () => {
    rig = await startCallRig();
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('answers in English and in Russian, and the caller hears the answer', async () => {
    const questions = {
      en: 'How long does delivery take?',
      ru: 'Сколько ждать доставку?',
    } as const;
    const calls = await placeCalls(rig, [
      {
        language: 'en',
        script: {
          steps: [{ waitForBot: { silenceMs: 700 } }, { say: questions.en }, { pause: 60_000 }],
        },
      },
      {
        language: 'ru',
        script: {
          lang: 'ru',
          steps: [{ waitForBot: { silenceMs: 700 } }, { say: questions.ru }, { pause: 60_000 }],
        },
      },
    ]);
    const outputs = await Promise.all(
      calls.map(async (c) => {
        await hangUpAfterTurns(c, 1);
        return callEnded(c);
      }),
    );

    for (const [i, language] of (['en', 'ru'] as const).entries()) {
      const call = calls[i]!;
      const output = outputs[i]!;
      expect(output.endReason).toBe('hangup');
      expect(output.turns).toBe(1);
      expect(call.handle.actor.getSnapshot().context.language).toBe(language);
      const [user, answer] = historyOf(call);
      expect(user).toEqual({ role: 'user', content: questions[language] });
      expect(answer?.role).toBe('assistant');
      // The answer is a text of the sample knowledge base in the caller's language.
      expect(answer!.content.length).toBeGreaterThan(20);
      expect(await knowledgeBaseText(language)).toContain(answer!.content);
      expect(answer!.content).toContain('17:00');
      if (language === 'ru') expect(answer!.content).toMatch(/[а-яё]{4}/i);

      // The answer audio reached the caller: seconds of bot speech after the question.
      const rec = call.sim.recording;
      const speechEnd = firstOf(rec, 'caller.speech.end', questions[language]);
      const turn = rec.turns().find((t) => t.text === questions[language]);
      expect(turn?.firstBotAudioMs).toBeGreaterThan(speechEnd.atMs);
      expect(botAudioMsBetween(rec, speechEnd.atMs, rec.durationMs)).toBeGreaterThan(2_000);
      const timing = call.handle.session.timeline.turns()[0];
      expect(timing?.first_answer_audio).toBeDefined();
      await expectCallReleased(rig, call);
    }
    await expectRigIdle(rig);
  }, 90_000);

  it('passes DTMF to the machine without disturbing the call', async () => {
    const question = 'What is your phone number?';
    const [call] = await placeCalls(rig, [
      {
        script: {
          steps: [
            { waitForBot: { silenceMs: 700 } },
            { dtmf: '12', gapMs: 150 },
            { pause: 300 },
            { say: question },
            // Keys while the bot is busy with the turn.
            { pause: 1_200 },
            { dtmf: '#', gapMs: 150 },
            { pause: 60_000 },
          ],
        },
      },
    ]);
    const trace = new StateTrace(call!.handle);
    const seen: Array<{ dtmf: string; state: string }> = [];
    call!.handle.actor.subscribe((s) => {
      if (s.context.dtmf !== (seen.at(-1)?.dtmf ?? '')) {
        seen.push({ dtmf: s.context.dtmf, state: trace.current });
      }
    });
    await turnsDone(call!, 1);
    await waitFor(() => seen.length === 3, 'the three digits', 10_000);
    call!.sim.hangup();
    const output = await callEnded(call!);

    expect(output.endReason).toBe('hangup');
    expect(call!.handle.actor.getSnapshot().context.dtmf).toBe('12#');
    expect(seen.map((s) => s.dtmf)).toEqual(['1', '12', '12#']);
    expect(seen[0]?.state).toMatch(/^listening/);
    expect(seen[2]?.state).not.toMatch(/^listening/);
    // Undisturbed: one answered turn, no barge-in, the answer heard to the end.
    expect(output.turns).toBe(1);
    expect(output.bargeIns).toBe(0);
    const [user, answer] = historyOf(call!);
    expect(user?.content).toBe(question);
    expect(answer?.content).toContain('555-0142');
    expect(await knowledgeBaseText('en')).toContain(answer!.content);
    expect(trace.states.filter((s) => s === 'thinking.transcribing')).toHaveLength(1);
    await expectCallReleased(rig, call!);
    await expectRigIdle(rig);
  }, 90_000);
});
