import { describe, expect, it } from 'vitest';
import { RealFft } from '../../../src/workers/log-mel/real-fft.js';
import { rng } from '../../helpers/signals.js';

/** Direct DFT, bins 0..n/2. */
function dft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let j = 0; j < n; j++) {
      re[k]! += x[j]! * Math.cos((2 * Math.PI * j * k) / n);
      im[k]! -= x[j]! * Math.sin((2 * Math.PI * j * k) / n);
    }
  }
  return { re, im };
}

describe('RealFft', () => {
  it.each([2, 4, 6, 8, 10, 14, 22, 30, 64, 90, 400, 512])(
    'length %i equals the direct DFT',
    (n) => {
      const random = rng(n);
      const x = Float64Array.from({ length: n }, () => random() * 2 - 1);
      const fft = new RealFft(n);
      const re = new Float64Array(fft.bins);
      const im = new Float64Array(fft.bins);
      fft.transform(x, re, im);
      const ref = dft(x);
      for (let k = 0; k < fft.bins; k++) {
        expect(re[k]).toBeCloseTo(ref.re[k]!, 9);
        expect(im[k]).toBeCloseTo(ref.im[k]!, 9);
      }
    },
  );

  it('puts a cosine at its bin in the power spectrum', () => {
    const n = 400;
    const x = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 25 * j) / n));
    const power = new Float64Array(201);
    new RealFft(n).powerSpectrum(x, power);
    expect(power[25]).toBeCloseTo((n / 2) ** 2, 6);
    expect(power[24]).toBeLessThan(1e-18);
    expect(power[0]).toBeLessThan(1e-18);
  });

  it('rejects odd lengths', () => {
    expect(() => new RealFft(401)).toThrow(RangeError);
  });
});
