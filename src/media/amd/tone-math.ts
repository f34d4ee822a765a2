/**
 * The sample math of answering-machine detection: 16-bit samples from little-endian PCM, a
 * frame's mean absolute level (what Asterisk's silence detector compares with its threshold),
 * its energy, and the Goertzel power of one frequency.
 *
 * @module
 */

/** 16-bit samples of little-endian PCM bytes (slin, slin16). */
export function samplesOf(pcm: Uint8Array): Int16Array {
  const n = pcm.length >> 1;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = pcm[i * 2]! | (pcm[i * 2 + 1]! << 8);
    out[i] = v >= 0x8000 ? v - 0x10000 : v;
  }
  return out;
}

/** Mean absolute sample value (0 for an empty frame). */
export function meanAbs(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += Math.abs(samples[i]!);
  return samples.length === 0 ? 0 : sum / samples.length;
}

/** Sum of squared samples. */
export function energy(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return sum;
}

/**
 * Goertzel power |X(f)|^2 of `samples` at `hz`, at `sampleRate`. For a pure tone of amplitude
 * A over N samples it is about (A N / 2)^2, so `2 * power / (N * energy)` is the share of the
 * frame's energy at `hz` (1 for a pure tone).
 */
export function goertzelPower(samples: Int16Array, hz: number, sampleRate: number): number {
  const coeff = 2 * Math.cos((2 * Math.PI * hz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}
