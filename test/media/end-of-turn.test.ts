import { describe, expect, test } from 'vitest';
import { adaptiveEndOfTurn, endOfTurnPolicy, fixedEndOfTurn } from '../../src/media/end-of-turn.js';
import { Endpointer, type EndpointerEvent } from '../../src/media/endpointer.js';

const W = 32;
const VOICE_END = 20 * W; // 640 ms of voice from 0

/** Windows of `p` from `fromMs` to `toMs` (the fake clock: times are positions on the call's clock). */
function run(ep: Endpointer, p: number, fromMs: number, toMs: number): EndpointerEvent[] {
  const events: EndpointerEvent[] = [];
  for (let t = fromMs; t + W <= toMs; t += W) events.push(...ep.push(p, t));
  return events;
}

/** An endpointer with the adaptive policy that has heard 640 ms of voice. */
function speaking(language?: 'en' | 'ru' | 'uk' | 'he') {
  const ep = new Endpointer({}, adaptiveEndOfTurn());
  ep.setLanguage(language);
  expect(run(ep, 0.9, 0, VOICE_END)).toMatchObject([{ type: 'speech.start' }]);
  return ep;
}

/** When the utterance ends (the `speech.end`'s `atMs`), feeding silence windows. */
function endAt(ep: Endpointer, untilMs = VOICE_END + 2000): number | undefined {
  const end = run(ep, 0.02, VOICE_END, untilMs).find((e) => e.type === 'speech.end');
  return end?.atMs;
}

describe('adaptive end of turn in the endpointer', () => {
  test('without a partial: the default 500 ms, as the fixed policy', () => {
    const fixed = new Endpointer({}, fixedEndOfTurn(500));
    run(fixed, 0.9, 0, VOICE_END);
    expect(endAt(speaking())).toBe(VOICE_END + 512);
    expect(endAt(fixed)).toBe(VOICE_END + 512);
  });

  test('a finished question ends after the short silence', () => {
    const ep = speaking();
    ep.setPartial('What time do you open on Saturday?');
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 250);
    expect(endAt(ep)).toBe(VOICE_END + 256);
  });

  test.each([
    ["I'd like to order...", 'en'],
    ['my number is 0 5 4', 'en'],
    ['я хочу заказать торт и', 'ru'],
    ["мій номер нуль п'ять", 'uk'],
    ['אני רוצה להזמין עוגה של', 'he'],
  ] as const)('%j stops mid-thought: the caller gets 800 ms to go on', (text, language) => {
    const ep = speaking(language);
    ep.setPartial(text);
    const end = endAt(ep);
    expect(end).toBeGreaterThanOrEqual(VOICE_END + 800);
    expect(end).toBeLessThan(VOICE_END + 800 + W);
  });

  test('a caller who goes on within the long silence keeps the turn', () => {
    const ep = speaking();
    ep.setPartial("I'd like to order");
    ep.setPartial("I'd like to order a cake and");
    expect(run(ep, 0.02, VOICE_END, VOICE_END + 704)).toEqual([]);
    expect(run(ep, 0.9, VOICE_END + 704, VOICE_END + 1344)).toEqual([]);
    ep.setPartial("I'd like to order a cake and a coffee.");
    const end = run(ep, 0.02, VOICE_END + 1344, VOICE_END + 3000).find(
      (e) => e.type === 'speech.end',
    );
    expect(end).toMatchObject({
      startMs: 0,
      endMs: VOICE_END + 1344,
      atMs: VOICE_END + 1344 + 256,
    });
  });

  test('a finished partial that arrives late in the pause ends the turn at once (advance)', () => {
    const ep = speaking();
    expect(run(ep, 0.02, VOICE_END, VOICE_END + 320)).toEqual([]);
    ep.setPartial('Thank you.');
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 250);
    expect(ep.advance(VOICE_END + 330)).toMatchObject([
      { type: 'speech.end', endMs: VOICE_END, atMs: VOICE_END + 330, reason: 'silence' },
    ]);
  });

  test('a flushed pause trusts a finished reading only once the settled words come', () => {
    const ep = speaking();
    ep.setPartial('Can I book a table'); // the engine has not caught up with "for"
    expect(run(ep, 0.02, VOICE_END, VOICE_END + 64)).toEqual([]);
    expect(ep.markFlushed()).toBe(VOICE_END);
    // Not "finished" yet: at most the default silence while the engine settles.
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 500);
    expect(run(ep, 0.02, VOICE_END + 64, VOICE_END + 288)).toEqual([]);
    ep.setPartial('Can I book a table for', true);
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 800);
    expect(ep.advance(VOICE_END + 300)).toEqual([]);
  });

  test('the settled words that read as finished end the turn at once when they come late', () => {
    const ep = speaking();
    ep.setPartial('Do you deliver to Haifa');
    run(ep, 0.02, VOICE_END, VOICE_END + 64);
    ep.markFlushed();
    expect(run(ep, 0.02, VOICE_END + 64, VOICE_END + 320)).toEqual([]);
    ep.setPartial('Do you deliver to Haifa?', true);
    expect(ep.advance(VOICE_END + 330)).toMatchObject([
      { type: 'speech.end', endMs: VOICE_END, atMs: VOICE_END + 330, reason: 'silence' },
    ]);
  });

  test('a flush of an earlier pause does not hold a later one', () => {
    const ep = speaking();
    run(ep, 0.02, VOICE_END, VOICE_END + 64);
    ep.markFlushed();
    run(ep, 0.9, VOICE_END + 64, VOICE_END + 640); // the caller went on; no answer to the flush
    ep.setPartial('Do you deliver to Haifa?');
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 640 + 250);
    expect(ep.markFlushed()).toBeUndefined(); // speaking: no pause to flush
  });

  test('new words after the settled ones in a pause: the caller speaks again, the turn goes on', () => {
    const ep = speaking();
    run(ep, 0.02, VOICE_END, VOICE_END + 64);
    ep.markFlushed();
    ep.setPartial('I was wondering, um', true); // unfinished: 800 ms
    expect(run(ep, 0.02, VOICE_END + 64, VOICE_END + 608)).toEqual([]);
    // The engine hears the next words before the voice detector does.
    ep.setPartial('I was wondering, um do you');
    expect(ep.advance(VOICE_END + 610)).toEqual([]);
    // The pause is over: the next silence is a new one (the detector's voice carries on).
    expect(ep.nextDeadlineMs()).toBeGreaterThanOrEqual(VOICE_END + 608 + 500);
    expect(run(ep, 0.9, VOICE_END + 608, VOICE_END + 1200)).toEqual([]);
  });

  test('a partial that only repeats the settled words in the pause does not end it early', () => {
    const ep = speaking();
    run(ep, 0.02, VOICE_END, VOICE_END + 64);
    ep.markFlushed();
    ep.setPartial('I was wondering, um', true);
    ep.setPartial('I was wondering, um');
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 800);
  });

  test('the policy says why it waits', () => {
    const policy = adaptiveEndOfTurn();
    const u = { startMs: 0, voicedMs: 600, voicedEndMs: 600, pauseMs: 100 };
    expect(
      policy.decide({ ...u, partial: { text: 'Thanks!', voicedAfterMs: 0, settling: true } }),
    ).toEqual({ silenceMs: 500, completion: 'settling' });
    expect(
      policy.decide({ ...u, partial: { text: 'a cake and', voicedAfterMs: 0, settling: true } }),
    ).toEqual({ silenceMs: 800, completion: 'unfinished' });
  });

  test('with no audio at all in the pause (DTX), the deadline follows the partial', () => {
    const ep = speaking();
    ep.setPartial('a cake and');
    expect(ep.nextDeadlineMs()).toBe(VOICE_END + 800);
    expect(ep.advance(VOICE_END + 799)).toEqual([]);
    expect(ep.advance(VOICE_END + 800)).toMatchObject([
      { type: 'speech.end', atMs: VOICE_END + 800 },
    ]);
  });

  test('a partial the caller has talked past is stale: the default silence', () => {
    const ep = speaking();
    ep.setPartial('Do you deliver?'); // at 640 ms of voice
    run(ep, 0.9, VOICE_END, VOICE_END + 640); // 640 ms more voice, no newer partial
    const end = run(ep, 0.02, VOICE_END + 640, VOICE_END + 2000).find(
      (e) => e.type === 'speech.end',
    );
    expect(end?.atMs).toBe(VOICE_END + 640 + 512);
  });

  test('the partial is forgotten with its utterance; late partials between utterances are ignored', () => {
    const ep = speaking();
    ep.setPartial('Thank you');
    expect(endAt(ep)).toBe(VOICE_END + 256);
    ep.setPartial('Thank you.'); // the engine's final, after the end
    const from = VOICE_END + 2000;
    expect(run(ep, 0.9, from, from + VOICE_END)).toMatchObject([{ type: 'speech.start' }]);
    expect(ep.nextDeadlineMs()).toBe(from + VOICE_END + 500);
  });

  test('the call language picks the rules; without it the letters decide', () => {
    const policy = adaptiveEndOfTurn();
    const u = { startMs: 0, voicedMs: 600, voicedEndMs: 600, pauseMs: 0 };
    const partial = { text: 'мой номер ноль пять', voicedAfterMs: 0 };
    expect(policy.decide({ ...u, partial })).toEqual({ silenceMs: 800, completion: 'unfinished' });
    expect(policy.decide({ ...u, partial, language: 'ru' }).silenceMs).toBe(800);
    expect(policy.decide({ ...u, partial: { text: 'Спасибо', voicedAfterMs: 0 } }).silenceMs).toBe(
      250,
    );
    expect(policy.decide(u)).toEqual({ silenceMs: 500, completion: 'none' });
  });

  test('the policy hears each partial (the seam for a turn-detection model)', () => {
    const heard: [string, string | undefined][] = [];
    const ep = new Endpointer(
      {},
      { requiredSilenceMs: () => 500, onPartial: (text, lang) => heard.push([text, lang]) },
    );
    ep.setLanguage('he');
    ep.setPartial('ignored: nobody speaks');
    run(ep, 0.9, 0, VOICE_END);
    ep.setPartial('מתי אתם פתוחים');
    expect(heard).toEqual([['מתי אתם פתוחים', 'he']]);
  });

  test('settings pick the policy', () => {
    const u = {
      startMs: 0,
      voicedMs: 600,
      voicedEndMs: 600,
      pauseMs: 0,
      partial: { text: 'Thanks!', voicedAfterMs: 0 },
    };
    const config = { silenceMs: 500, shortSilenceMs: 200, longSilenceMs: 900 };
    expect(endOfTurnPolicy({ mode: 'fixed', ...config }).requiredSilenceMs(u)).toBe(500);
    expect(endOfTurnPolicy({ mode: 'adaptive', ...config }).requiredSilenceMs(u)).toBe(200);
  });
});
