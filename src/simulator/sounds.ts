/**
 * Synthetic sounds for scripted callers: a tone (a stand-in for speech in tests) and a burst of
 * noise (a cough, a knock on the handset). 16 kHz samples.
 *
 * @module
 */

/**
 * A short burst of noise (a cough, a knock on the handset): `ms` of deterministic white noise at
 * RMS `amplitude`, 16 kHz, with 10 ms fades.
 */
export function noiseBurst(ms: number, amplitude = 6000, seed = 1): Int16Array {
  const n = Math.round((ms / 1000) * 16_000);
  const fade = 160;
  const out = new Int16Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const uniform = ((x >>> 0) / 0xffffffff) * 2 - 1;
    const envelope = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = Math.round(uniform * amplitude * Math.sqrt(3) * envelope);
  }
  return out;
}

/** A tone, handy as speech stand-in in tests: `ms` of a sine at `hz`, 16 kHz. */
export function toneAudio(hz: number, ms: number, amplitude = 8000): Int16Array {
  const n = Math.round((ms / 1000) * 16_000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 16_000));
  return out;
}

/** `samples` with deterministic white noise of RMS `rms` added (line hiss), clipped to 16 bits. */
export function withNoise(samples: Int16Array, rms: number, seed = 7): Int16Array {
  if (rms <= 0) return samples.slice();
  const noise = noiseBurst((samples.length / 16_000) * 1000, rms, seed);
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]! + (noise[Math.min(i, noise.length - 1)] ?? 0);
    out[i] = Math.max(-32768, Math.min(32767, v));
  }
  return out;
}
