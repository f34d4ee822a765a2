import { describe, expect, it } from 'vitest';
import { CallTimeline } from '../../src/calls/timeline.js';
import { demoTurn, formatHeader, formatSummary, formatTurn } from '../../src/cli/demo-report.js';

/** A turn on a fake clock: the caller stopped 500 ms before the end was detected. */
function timelineTurn() {
  let now = 10_000;
  const timeline = new CallTimeline({ now: () => now });
  timeline.speechEnded(500);
  now += 9;
  timeline.mark('filler');
  now += 4;
  timeline.mark('transcript');
  timeline.heard('Do you deliver?');
  now += 20;
  timeline.mark('retrieval');
  now += 870;
  timeline.mark('first_answer_audio');
  timeline.said('Yes, we deliver every day.');
  timeline.said('Orders over 30 euros travel free.');
  return timeline;
}

describe('the demo turn line', () => {
  it("measures every column from the caller's last word", () => {
    const [t] = timelineTurn().turns();
    const turn = demoTurn(t!, 'script text');
    expect(turn).toEqual({
      turn: 1,
      caller: 'Do you deliver?',
      bot: 'Yes, we deliver every day. Orders over 30 euros travel free.',
      interrupted: false,
      endDetectedMs: 500,
      fillerMs: 509,
      transcriptMs: 513,
      retrievalMs: 533,
      answerMs: 1403,
    });
    expect(formatTurn(turn)).toBe(
      '  turn  1  end 500   filler 509   text 513   kb 533   answer 1403\n' +
        '           caller: Do you deliver?\n' +
        '           bot:    Yes, we deliver every day. Orders over 30 euros travel free.\n',
    );
  });

  it('an interrupted turn shows what the bot had started to say', () => {
    let now = 0;
    const timeline = new CallTimeline({ now: () => now });
    timeline.speechEnded(480);
    timeline.heard('Do you deliver?');
    now += 700;
    timeline.mark('first_answer_audio');
    timeline.said('Yes, we deliver within 10 km.');
    timeline.bargedIn();
    // The next utterance is a new turn; the interrupted one keeps its text.
    timeline.speechEnded(480);
    const [first] = timeline.turns();
    const line = formatTurn(demoTurn(first!, undefined));
    expect(line).toContain('caller: Do you deliver?');
    expect(line).toContain('bot:    Yes, we deliver within 10 km. ... [interrupted by the caller]');
    const nothing = formatTurn(demoTurn({ turn: 3, speechEndAtMs: 0, bargeIn: true }, 'Hello?'));
    expect(nothing).toContain('caller: Hello?');
    expect(nothing).toContain('bot:    (nothing yet) [interrupted by the caller]');
    expect(nothing).toContain('end -');
  });

  it('one legend line explains the columns', () => {
    const header = formatHeader({ stt: 'script', answerer: 'offline', dataDir: '/d' });
    const legends = header.split('\n').filter((l) => l.includes('ms after'));
    expect(legends).toHaveLength(1);
    for (const column of ['end', 'filler', 'text', 'kb', 'answer'])
      expect(legends[0]).toContain(`${column} = `);
  });
});

describe('the demo summary', () => {
  it("prints the call's cost with its currency, its baseline and the prices used", () => {
    const text = formatSummary({
      stt: 'script',
      answerer: 'offline',
      endReason: 'hangup',
      greetingMs: 80,
      turns: [],
      wav: 'recordings/demo.wav',
      dataDir: '.voxstate/demo',
      costTotal: 0,
      cost: {
        total: 0,
        baselineTotal: 0.00339,
        currency: 'USD',
        prices: 'example list prices, 2025-11',
        baseline: 'stt: cloud, llm: claude-sonnet-4-5',
      },
    });
    expect(text).toContain(
      'call ended: hangup; cost 0.0000 USD (baseline 0.00339 USD: stt: cloud, llm: claude-sonnet-4-5, no caches)',
    );
    expect(text).toContain('prices: example list prices, 2025-11');
  });
});
