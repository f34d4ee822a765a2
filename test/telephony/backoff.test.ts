import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/telephony/backoff.js';

describe('backoffDelay', () => {
  const schedule = (n: number, options = {}) =>
    Array.from({ length: n }, (_, i) => backoffDelay(i, { jitter: 0, ...options }));

  it('tries quickly for about the first 2.7 s, then doubles from 500 ms up to 5 s', () => {
    const delays = schedule(20);
    expect(delays.slice(0, 12)).toEqual([
      100, 150, 200, 250, 250, 250, 250, 250, 250, 250, 250, 250,
    ]);
    expect(delays.slice(0, 12).reduce((a, b) => a + b)).toBe(2_700);
    expect(delays.slice(12)).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it('spreads each delay by the jitter and never exceeds the cap', () => {
    expect(backoffDelay(3, {}, () => 0)).toBe(200);
    expect(backoffDelay(3, {}, () => 1)).toBe(300);
    expect(backoffDelay(40, {}, () => 1)).toBe(5_000);
  });

  it('takes its numbers from the options, the cap bounding the quick attempts too', () => {
    expect(schedule(5, { fastAttempts: 2, initialMs: 20, maxMs: 50 })).toEqual([
      50, 50, 20, 40, 50,
    ]);
    expect(schedule(3, { fastAttempts: 0, initialMs: 250, maxMs: 10_000 })).toEqual([
      250, 500, 1_000,
    ]);
  });
});
