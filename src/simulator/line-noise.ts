/**
 * Noise on a caller's line, for noisy scripted callers: white noise (hiss), pink noise (the
 * hum and rumble of a street or a car, more energy low down), clatter (dishes, a keyboard, a
 * door: short bursts that start sharply, the noise that wakes a voice detector) and babble
 * (other people talking: several voices summed, the hardest because it is speech).
 * Deterministic for a seed. 16 kHz float samples in [-1, 1].
 *
 * @module
 */

/** The kinds of line noise. */
export type LineNoiseKind = 'white' | 'pink' | 'babble' | 'clatter';

/** A seeded uniform random source in [-1, 1) (xorshift32). */
function uniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 0x1_0000_0000) * 2 - 1;
  };
}

/** Root mean square of `x` (0 for nothing). */
export function rmsOf(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (x[i] ?? 0) ** 2;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/** Scales `x` in place to RMS `level`. */
function normalize(x: Float32Array, level: number): Float32Array {
  const r = rmsOf(x);
  if (r > 0) for (let i = 0; i < x.length; i++) x[i] = ((x[i] ?? 0) / r) * level;
  return x;
}

/** `n` samples of white noise at RMS `level`. */
export function whiteNoise(n: number, level: number, seed = 1): Float32Array {
  const next = uniform(seed);
  return normalize(
    Float32Array.from({ length: n }, () => next()),
    level,
  );
}

/** `n` samples of pink (1/f) noise at RMS `level` (Paul Kellet's filter on white noise). */
export function pinkNoise(n: number, level: number, seed = 1): Float32Array {
  const next = uniform(seed);
  const out = new Float32Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let b5 = 0;
  let b6 = 0;
  for (let i = 0; i < n; i++) {
    const w = next();
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return normalize(out, level);
}

/**
 * `n` samples of babble at RMS `level`: the `voices` (16 kHz speech, e.g. espeak utterances)
 * looped, each from its own offset, summed four at a time.
 */
export function babbleNoise(
  n: number,
  level: number,
  voices: readonly Float32Array[],
  seed = 1,
): Float32Array {
  const out = new Float32Array(n);
  const usable = voices.filter((v) => v.length > 0);
  if (usable.length === 0) throw new RangeError('babble needs at least one voice');
  const next = uniform(seed);
  const talkers = 4;
  for (let t = 0; t < talkers; t++) {
    const voice = usable[(t + Math.floor((next() + 1) * 97)) % usable.length] as Float32Array;
    let at = Math.floor(((next() + 1) / 2) * voice.length);
    for (let i = 0; i < n; i++) {
      out[i] = (out[i] ?? 0) + (voice[at] ?? 0);
      at = (at + 1) % voice.length;
    }
  }
  return normalize(out, level);
}

/**
 * `n` samples of clatter at RMS `level`: bursts of 30-250 ms of band-limited noise with a sharp
 * attack and an exponential decay, 100-900 ms apart, each at its own loudness.
 */
export function clatterNoise(n: number, level: number, seed = 1): Float32Array {
  const next = uniform(seed);
  const rand = () => (next() + 1) / 2;
  const out = new Float32Array(n);
  let at = Math.floor(rand() * 0.5 * 16_000);
  while (at < n) {
    const length = Math.floor((0.03 + rand() * 0.22) * 16_000);
    const gain = 0.3 + rand() * 0.7;
    const decay = 1 / (length / 4);
    let lowPass = 0;
    const smooth = 0.2 + rand() * 0.7;
    for (let i = 0; i < length && at + i < n; i++) {
      lowPass = smooth * lowPass + (1 - smooth) * next();
      out[at + i] = lowPass * gain * Math.exp(-i * decay);
    }
    at += length + Math.floor((0.1 + rand() * 0.8) * 16_000);
  }
  return normalize(out, level);
}

/** `n` samples of `kind` noise at RMS `level`. */
export function lineNoise(
  kind: LineNoiseKind,
  n: number,
  level: number,
  options: { seed?: number; voices?: readonly Float32Array[] } = {},
): Float32Array {
  const seed = options.seed ?? 1;
  if (kind === 'white') return whiteNoise(n, level, seed);
  if (kind === 'pink') return pinkNoise(n, level, seed);
  if (kind === 'clatter') return clatterNoise(n, level, seed);
  return babbleNoise(n, level, options.voices ?? [], seed);
}

/**
 * The level of speech in `x`: the RMS of its active 20 ms frames (those within 30 dB of the
 * loudest), the way speech levels are measured for a signal-to-noise ratio.
 */
export function activeSpeechLevel(x: Float32Array): number {
  const frame = 320;
  const levels: number[] = [];
  for (let at = 0; at + frame <= x.length; at += frame) levels.push(rmsOf(x, at, at + frame));
  const loudest = Math.max(0, ...levels);
  const active = levels.filter((l) => l > loudest * 10 ** (-30 / 20));
  return active.length > 0 ? Math.sqrt(active.reduce((s, l) => s + l * l, 0) / active.length) : 0;
}

/** The noise RMS that puts noise `snrDb` under speech at `speechLevel`. */
export function noiseLevelFor(speechLevel: number, snrDb: number): number {
  return speechLevel * 10 ** (-snrDb / 20);
}
