import { describe, expect, it } from 'vitest';
import { CallTimeline } from '../../src/calls/timeline.js';

describe('CallTimeline detail marks', () => {
  it('keeps the first mark of each point per turn, ms after the end of speech', () => {
    let now = 1_000;
    const timeline = new CallTimeline({ now: () => now });
    timeline.markDetail('answer_start');
    expect(timeline.turns()).toHaveLength(0);
    timeline.speechEnded();
    now += 12;
    timeline.markDetail('answer_start');
    now += 100;
    timeline.markDetail('answer_first_piece');
    timeline.markDetail('tts_start');
    now += 30;
    timeline.markDetail('answer_ready');
    now += 50;
    timeline.markDetail('answer_ready');
    timeline.speechEnded();
    now += 7;
    timeline.markDetail('answer_start');
    const [first, second] = timeline.turns();
    expect(first?.marks).toEqual({
      answer_start: 12,
      answer_first_piece: 112,
      tts_start: 112,
      answer_ready: 142,
    });
    expect(second?.marks).toEqual({ answer_start: 7 });
  });
});
