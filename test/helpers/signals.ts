/**
 * Known test signals and measurements for the audio tests.
 */

/** A sine of `freq` Hz at `rate` Hz, `seconds` long, with peak `amplitude`. */
export function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(rate * seconds);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Root-mean-square amplitude of a slice. */
export function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/**
 * Amplitude of the `freq` Hz component of `x` (Goertzel over the whole slice, Hann-windowed),
 * normalized so that a full-length sine of amplitude A gives about A.
 */
export function toneAmplitude(x: Float32Array, rate: number, freq: number): number {
  const n = x.length;
  const w = (2 * Math.PI * freq) / rate;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    re += x[i]! * win * Math.cos(w * i);
    im -= x[i]! * win * Math.sin(w * i);
    wsum += win;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

/** The frequency, in Hz, of the strongest DFT bin between `lo` and `hi` Hz (1 Hz steps). */
export function peakFrequency(x: Float32Array, rate: number, lo: number, hi: number): number {
  let best = lo;
  let bestAmp = -1;
  for (let f = lo; f <= hi; f++) {
    const a = toneAmplitude(x, rate, f);
    if (a > bestAmp) {
      bestAmp = a;
      best = f;
    }
  }
  return best;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
