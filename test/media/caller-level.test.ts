import { describe, expect, it } from 'vitest';
import { CallerLevel } from '../../src/media/caller-level.js';

/** Energy (mean square, 16-bit units) of a level in dB. */
const energy = (db: number) => 10 ** (db / 10);

describe('CallerLevel', () => {
  it('accepts every voice until enough of the caller is learned', () => {
    const level = new CallerLevel({ minWindows: 30 });
    for (let i = 0; i < 29; i++) level.learn(energy(70));
    expect(level.levelDb()).toBeUndefined();
    expect(level.accepts(energy(20))).toBe(true);
    level.learn(energy(70));
    expect(level.levelDb()).toBeCloseTo(70, 6);
    expect(level.accepts(energy(20))).toBe(false);
  });

  it('takes voice more than the margin under the level for somebody else', () => {
    const level = new CallerLevel({ marginDb: 12, minWindows: 1 });
    level.learn(energy(70));
    expect(level.accepts(energy(59))).toBe(true);
    expect(level.accepts(energy(58))).toBe(false);
    expect(level.relativeDb(energy(64))).toBeCloseTo(-6, 6);
    expect(level.accepts(0)).toBe(false);
  });

  it('stands on the caller’s loud syllables, not on babble that slipped into an utterance', () => {
    const level = new CallerLevel({ minWindows: 1, percentile: 0.8 });
    // 60% of the windows babble at 55 dB, 40% the caller at 70-74 dB
    for (let i = 0; i < 60; i++) level.learn(energy(55));
    for (let i = 0; i < 40; i++) level.learn(energy(70 + (i % 5)));
    expect(level.levelDb()).toBeGreaterThanOrEqual(70);
    expect(level.accepts(energy(56))).toBe(false);
  });

  it('follows the caller: only the most recent windows count', () => {
    const level = new CallerLevel({ minWindows: 1, memory: 10 });
    for (let i = 0; i < 10; i++) level.learn(energy(80));
    for (let i = 0; i < 10; i++) level.learn(energy(60));
    expect(level.levelDb()).toBeCloseTo(60, 6);
  });

  it('forgets the level after long voice turned away with none accepted, and learns again', () => {
    const level = new CallerLevel({ minWindows: 1, relearnAfterMs: 1_000 });
    level.learn(energy(70));
    for (let i = 0; i < 30; i++) expect(level.heard(false, 32)).toBe(false);
    // accepted voice in between starts the count again
    expect(level.heard(true, 32)).toBe(false);
    for (let i = 0; i < 31; i++) expect(level.heard(false, 32)).toBe(false);
    expect(level.heard(false, 32)).toBe(true);
    expect(level.levelDb()).toBeUndefined();
    expect(level.accepts(energy(50))).toBe(true);
  });

  it('is off at a margin of 0, and ignores silent windows', () => {
    const off = new CallerLevel({ marginDb: 0, minWindows: 1 });
    off.learn(energy(80));
    expect(off.accepts(energy(1))).toBe(true);
    const level = new CallerLevel({ minWindows: 1 });
    level.learn(0);
    expect(level.levelDb()).toBeUndefined();
  });
});
