import { describe, expect, it } from 'vitest';
import { Resampler, resample } from '../../src/audio/resample.js';
import { ConfigError } from '../../src/errors.js';
import { peakFrequency, rms, rng, sine, toneAmplitude } from '../helpers/signals.js';

const RATES = [8000, 16000, 22050, 24000, 48000] as const;
const pairs = RATES.flatMap((a) => RATES.filter((b) => b !== a).map((b) => [a, b] as const));

/** Middle part of a signal, away from the filter's edges. */
function middle(x: Float32Array, rate: number): Float32Array {
  const edge = Math.round(rate * 0.02);
  return x.subarray(edge, x.length - edge);
}

describe('resample', () => {
  it.each(pairs)('%i -> %i keeps a 1 kHz sine at 1 kHz with its level', (from, to) => {
    const x = sine(1000, from, 0.25);
    const y = resample(x, from, to);
    expect(y.length).toBe(Math.ceil((x.length * to) / from));
    const mid = middle(y, to);
    expect(peakFrequency(mid, to, 900, 1100)).toBe(1000);
    expect(toneAmplitude(mid, to, 1000)).toBeCloseTo(0.5, 2);
  });

  it.each(pairs)('%i -> %i matches an ideal sine at 3 kHz sample by sample', (from, to) => {
    const f = 3000;
    const y = resample(sine(f, from, 0.1), from, to);
    const ideal = sine(f, to, 0.1);
    const edge = Math.round(to * 0.01);
    let err = 0;
    for (let i = edge; i < ideal.length - edge; i++)
      err = Math.max(err, Math.abs(y[i]! - ideal[i]!));
    expect(err).toBeLessThan(0.5 * 10 ** (-40 / 20));
  });

  it('attenuates a 6 kHz tone by more than 40 dB going 48 kHz -> 8 kHz', () => {
    const y = middle(resample(sine(6000, 48000, 0.5), 48000, 8000), 8000);
    // 6 kHz would alias to 2 kHz at 8 kHz: nothing may appear there or anywhere.
    const db = 20 * Math.log10(rms(y) / (0.5 / Math.SQRT2));
    expect(db).toBeLessThan(-40);
    expect(toneAmplitude(y, 8000, 2000)).toBeLessThan(0.005);
  });

  it('attenuates a 9 kHz tone by more than 40 dB going 22.05 kHz -> 16 kHz', () => {
    const y = middle(resample(sine(9000, 22050, 0.5), 22050, 16000), 16000);
    expect(20 * Math.log10(rms(y) / (0.5 / Math.SQRT2))).toBeLessThan(-40);
  });

  it('passes speech-band tones while cutting above the lower Nyquist (24 kHz -> 8 kHz)', () => {
    const pass = middle(resample(sine(3000, 24000, 0.3), 24000, 8000), 8000);
    expect(toneAmplitude(pass, 8000, 3000)).toBeGreaterThan(0.5 * 0.95);
    const stop = middle(resample(sine(5000, 24000, 0.3), 24000, 8000), 8000);
    expect(rms(stop)).toBeLessThan(0.5 * 0.01);
  });

  it('upsampling leaves no image above the source band (8 kHz -> 48 kHz)', () => {
    const y = middle(resample(sine(1000, 8000, 0.3), 8000, 48000), 48000);
    // The first image of 1 kHz at 8 kHz sits at 7 kHz.
    expect(toneAmplitude(y, 48000, 7000)).toBeLessThan(0.5 * 0.01);
  });

  it('returns a copy for equal rates and rejects bad rates', () => {
    const x = sine(440, 16000, 0.01);
    const y = resample(x, 16000, 16000);
    expect(y).toEqual(x);
    expect(y).not.toBe(x);
    expect(() => resample(x, 0, 16000)).toThrow(ConfigError);
    expect(() => new Resampler(16000, 8000.5)).toThrow(ConfigError);
  });

  it('handles empty and tiny inputs', () => {
    expect(resample(new Float32Array(0), 48000, 8000).length).toBe(0);
    expect(resample(Float32Array.of(1), 8000, 48000).length).toBe(6);
    expect(resample(Float32Array.of(1), 48000, 8000).length).toBe(1);
  });
});

describe('Resampler (streaming)', () => {
  it.each(pairs)('%i -> %i equals one-shot across random chunk boundaries', (from, to) => {
    const random = rng(from + to);
    const x = Float32Array.from({ length: Math.round(from * 0.2) }, () => random() * 2 - 1);
    const oneShot = resample(x, from, to);
    const rs = new Resampler(from, to);
    const parts: Float32Array[] = [];
    for (let at = 0; at < x.length; ) {
      const n = Math.min(x.length - at, Math.floor(random() * 700));
      parts.push(rs.push(x.subarray(at, at + n)));
      at += n;
    }
    parts.push(rs.flush());
    const streamed = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      streamed.set(p, o);
      o += p.length;
    }
    expect(streamed.length).toBe(oneShot.length);
    expect(Buffer.from(streamed.buffer).equals(Buffer.from(oneShot.buffer))).toBe(true);
  });

  it.each([
    [16_000, 48_000],
    [48_000, 16_000],
  ])('%i -> %i goes on sample for sample from a snapshot (another thread)', (from, to) => {
    const random = rng(7);
    const x = Float32Array.from({ length: from / 5 }, () => random() * 2 - 1);
    const oneShot = resample(x, from, to);
    let rs = new Resampler(from, to);
    const parts: number[] = [];
    for (let at = 0; at < x.length; at += 320) {
      parts.push(...rs.push(x.subarray(at, at + 320)));
      rs = Resampler.restore(structuredClone(rs.snapshot()));
    }
    parts.push(...rs.flush());
    expect(Float32Array.from(parts)).toEqual(oneShot);
  });

  it('emits output as soon as the filter has enough input (low latency for TTS)', () => {
    const rs = new Resampler(24000, 8000);
    const out = rs.push(new Float32Array(480)); // 20 ms
    expect(out.length).toBeGreaterThanOrEqual(160 - 30);
    expect(rs.push(new Float32Array(480)).length + out.length).toBeGreaterThanOrEqual(320 - 30);
    expect(() => {
      rs.flush();
      rs.push(new Float32Array(1));
    }).toThrow(ConfigError);
  });
});
