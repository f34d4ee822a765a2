import { describe, expect, it } from 'vitest';
import {
  activeSpeechLevel,
  babbleNoise,
  clatterNoise,
  lineNoise,
  noiseLevelFor,
  pinkNoise,
  rmsOf,
  whiteNoise,
} from '../../src/simulator/line-noise.js';
import { voicedSignal } from '../fixtures/voiced.js';

/** Energy above 4 kHz over the total (one-pole high-pass as a crude split). */
function highShare(x: Float32Array): number {
  let prev = 0;
  let high = 0;
  let all = 0;
  for (const v of x) {
    const d = v - prev;
    prev = v;
    high += d * d;
    all += v * v;
  }
  return high / all;
}

describe('line noise', () => {
  it.each(['white', 'pink', 'clatter'] as const)(
    '%s: at the RMS asked, the same for a seed',
    (kind) => {
      const a = lineNoise(kind, 16_000, 0.05, { seed: 4 });
      expect(rmsOf(a)).toBeCloseTo(0.05, 4);
      expect(lineNoise(kind, 16_000, 0.05, { seed: 4 })).toEqual(a);
      expect(lineNoise(kind, 16_000, 0.05, { seed: 5 })).not.toEqual(a);
    },
  );

  it('pink noise has less energy up high than white', () => {
    expect(highShare(pinkNoise(32_000, 0.1))).toBeLessThan(highShare(whiteNoise(32_000, 0.1)) / 3);
  });

  it('clatter is bursts: most of it is near silence', () => {
    const x = clatterNoise(64_000, 0.05, 2);
    const quiet = x.filter((v) => Math.abs(v) < 0.001).length;
    expect(quiet / x.length).toBeGreaterThan(0.4);
  });

  it('babble sums the voices at the level asked and needs a voice', () => {
    const voices = [voicedSignal(1), voicedSignal(0.7)];
    expect(rmsOf(babbleNoise(16_000, 0.02, voices))).toBeCloseTo(0.02, 4);
    expect(() => babbleNoise(100, 0.1, [])).toThrow(RangeError);
  });

  it('SNR: noise level from the active speech level', () => {
    const speech = new Float32Array(32_000);
    speech.set(voicedSignal(1), 8_000);
    const level = activeSpeechLevel(speech);
    expect(level).toBeGreaterThan(rmsOf(speech)); // the silence does not count
    expect(noiseLevelFor(level, 20)).toBeCloseTo(level / 10, 6);
    expect(noiseLevelFor(level, 0)).toBeCloseTo(level, 6);
  });
});
