import { describe, expect, it } from 'vitest';
import { checkBudgets, checkOutcome, checkText } from '../../src/evals/checks.js';

const turn = {
  botText: 'Yes, we deliver within 10 km, every day from 10:00 to 19:00.',
  passages: ['knowledge-base/en/delivery.md:5 knowledge-base/en/delivery.md#637f'],
  fillerMs: 520,
  answerMs: 1800,
};

describe('eval checks', () => {
  it('passes an answer that says what it must and cites its passage', () => {
    expect(
      checkText(
        {
          contains: ['10 KM', 'every day'],
          notContains: 'pizza',
          matches: '\\d+:00',
          cites: 'en/delivery.md',
        },
        turn,
      ),
    ).toEqual([]);
  });

  it('names each thing a wrong answer got wrong', () => {
    expect(
      checkText(
        { contains: '20 km', notContains: 'every day', matches: '^No', cites: 'en/returns.md' },
        turn,
      ),
    ).toEqual([
      'answer does not contain "20 km"',
      'answer contains "every day"',
      'answer does not match /^No/',
      'no retrieved passage from "en/returns.md" (got knowledge-base/en/delivery.md:5 knowledge-base/en/delivery.md#637f)',
    ]);
  });

  it('fails a blown budget and a missing answer', () => {
    expect(checkBudgets({ fillerMs: 600, answerMs: 1500 }, turn)).toEqual([
      'answer audio 1800 ms > 1500 ms',
    ]);
    expect(checkBudgets({ fillerMs: 600, answerMs: 1500 }, { botText: '', passages: [] })).toEqual([
      'no first audio (budget 600 ms)',
      'no answer audio (budget 1500 ms)',
    ]);
    // Without a filler, the first audio is the answer.
    expect(checkBudgets({ fillerMs: 600 }, { ...turn, fillerMs: undefined })).toEqual([
      'first audio 1800 ms > 600 ms',
    ]);
  });

  it("checks the call's end", () => {
    const seen = { endReason: 'max_turns', transferred: false, turns: 3, timedOut: false };
    expect(checkOutcome({ endReason: 'max_turns', maxTurns: 3 }, seen)).toEqual([]);
    expect(checkOutcome({ endReason: 'hangup', transferred: true, minTurns: 4 }, seen)).toEqual([
      'ended by max_turns, expected hangup',
      'the call was not transferred',
      '3 answered turns, expected at least 4',
    ]);
    expect(checkOutcome(undefined, { ...seen, timedOut: true })).toEqual([
      'the call did not end in time and was hung up',
    ]);
  });
});
