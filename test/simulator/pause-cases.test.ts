import { describe, expect, test } from 'vitest';
import { CallerScriptRunner, toneAudio } from '../../src/simulator/caller-script.js';
import {
  casePartials,
  caseText,
  PAUSE_CASES,
  pausingCaller,
} from '../../src/simulator/pause-cases.js';
import { classifyTurn } from '../../src/text/turn-rules/index.js';

describe('scripted callers with mid-sentence pauses', () => {
  test('four languages, paused and finished cases', () => {
    expect(new Set(PAUSE_CASES.map((c) => c.language))).toEqual(new Set(['en', 'ru', 'uk', 'he']));
    expect(new Set(PAUSE_CASES.map((c) => c.id)).size).toBe(PAUSE_CASES.length);
    expect(PAUSE_CASES.filter((c) => c.kind === 'dictation').length).toBeGreaterThanOrEqual(4);
    expect(PAUSE_CASES.filter((c) => c.kind === 'finished').length).toBeGreaterThanOrEqual(4);
  });

  test.each(PAUSE_CASES.filter((c) => c.kind !== 'finished'))(
    '$id: the text before the pause reads as unfinished; a scripted pause of 450-500 ms',
    (c) => {
      const [before, after] = casePartials(c);
      expect(classifyTurn(before as string, c.language)).toBe('unfinished');
      // A number may go on (an extension, more digits) unless it is a whole phone number.
      if (c.kind !== 'dictation' || c.id === 'en-phone') {
        expect(classifyTurn(after as string, c.language)).not.toBe('unfinished');
      }
      expect(c.pieces[0]?.pauseAfterMs).toBeGreaterThanOrEqual(450);
      expect(c.pieces[0]?.pauseAfterMs).toBeLessThanOrEqual(500);
      expect(after).toBe(caseText(c));
    },
  );

  test.each(PAUSE_CASES.filter((c) => c.kind === 'finished'))(
    '$id: a finished question in one breath',
    (c) => {
      expect(c.pieces).toHaveLength(1);
      expect(classifyTurn(caseText(c), c.language)).toBe('finished');
    },
  );

  test('the script says the pieces with the pause of silence between them', () => {
    const c = PAUSE_CASES.find((x) => x.id === 'en-order')!;
    const script = pausingCaller(c);
    const audio = new Map<number, Int16Array>([
      [1, toneAudio(300, 400)],
      [3, toneAudio(300, 600)],
    ]);
    const runner = new CallerScriptRunner(script, audio);
    runner.hear(Buffer.from(new Int16Array(320).fill(4000).buffer)); // the greeting
    for (let i = 0; i < 200 && runner.utterances.length < 2; i++) runner.pull();
    const [first, second] = runner.utterances;
    expect(first).toMatchObject({ text: "I'd like to order..." });
    expect(second).toMatchObject({ text: 'a cake for Saturday.' });
    expect(second!.startMs - first!.endMs).toBeGreaterThanOrEqual(450);
    expect(second!.startMs - first!.endMs).toBeLessThan(500);
  });
});
