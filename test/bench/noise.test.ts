import { describe, expect, it } from 'vitest';
import { judge } from '../../bench/noise.bench.js';
import type { EndpointerEvent } from '../../src/media/endpointer.js';

const start = (onsetMs: number): EndpointerEvent => ({
  type: 'speech.start',
  startMs: onsetMs - 200,
  onsetMs,
  atMs: onsetMs + 200,
  bargeIn: false,
});
const end = (startMs: number, endMs: number, atMs: number): EndpointerEvent => ({
  type: 'speech.end',
  startMs,
  endMs,
  atMs,
  reason: 'silence',
});

describe('noise benchmark judging', () => {
  it('a clean detection: no false start, the delay from the end of the speech', () => {
    expect(judge([start(2_050), end(1_850, 3_950, 4_500)], 2_000, 4_000)).toEqual({
      falseStarts: 0,
      missed: false,
      delayMs: 500,
    });
  });

  it('starts in the noise alone are false; one that runs into the speech still ends it', () => {
    const events = [start(600), end(400, 900, 1_400), start(1_500), end(1_300, 3_990, 4_600)];
    expect(judge(events, 2_000, 4_000)).toEqual({ falseStarts: 2, missed: false, delayMs: 600 });
    expect(judge([start(5_000), end(4_800, 5_500, 6_000)], 2_000, 4_000)).toMatchObject({
      falseStarts: 1,
      missed: true,
    });
  });

  it('speech still open at the end of the trial: detected, no end', () => {
    expect(judge([start(1_000)], 2_000, 4_000)).toEqual({
      falseStarts: 1,
      missed: false,
      delayMs: undefined,
    });
  });
});
