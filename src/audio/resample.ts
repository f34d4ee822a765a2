/**
 * Band-limited sample-rate conversion between any two integer rates (8, 16, 22.05, 24 and 48 kHz
 * on the media path), one-shot or streaming.
 *
 * A polyphase windowed-sinc filter (Kaiser window, beta 8.6, about 80 dB stopband) low-passes at
 * 90% of the lower of the two Nyquist frequencies, so downsampling does not fold high tones back
 * into the band and upsampling does not leave images. Output sample `k` lies at input time
 * `k * fromRate / toRate`; samples before the start and after the end of the input count as zero.
 * The streaming {@link Resampler} holds back as much input as the filter needs and gives exactly
 * the samples that one {@link resample} call over the concatenated input would give.
 *
 * @module
 */

import { ConfigError } from '../errors.js';

/** Filter half-length, in samples at the lower of the two rates. */
const HALF_TAPS_LOW = 24;
/** Cutoff as a fraction of the lower Nyquist frequency. */
const ROLLOFF = 0.9;
const KAISER_BETA = 8.6;

interface Plan {
  /** Upsampling factor (toRate / gcd). */
  up: number;
  /** Downsampling factor (fromRate / gcd). */
  down: number;
  /** Half-length of the filter, input samples; `2 * half` taps per output sample. */
  half: number;
  /** `up` phases of `2 * half` taps each, phase-major. */
  taps: Float32Array;
}

const plans = new Map<string, Plan>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order zero. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function checkRate(name: string, rate: number): void {
  if (!(Number.isInteger(rate) && rate > 0)) {
    throw new ConfigError(`${name} must be a positive integer sample rate in Hz, got ${rate}`);
  }
}

function planFor(fromRate: number, toRate: number): Plan {
  const key = `${fromRate}:${toRate}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const scale = Math.min(1, up / down);
  const half = Math.ceil(HALF_TAPS_LOW / scale);
  const width = 2 * half;
  const fc = 0.5 * scale * ROLLOFF;
  const norm = besselI0(KAISER_BETA);
  const taps = new Float32Array(up * width);
  const row = new Float64Array(width);
  for (let phase = 0; phase < up; phase++) {
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const d = j - half + 1 - phase / up;
      const r = d / half;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / norm;
      const a = 2 * Math.PI * fc * d;
      const sinc = d === 0 ? 1 : Math.sin(a) / a;
      row[j] = 2 * fc * sinc * w;
      sum += row[j]!;
    }
    for (let j = 0; j < width; j++) taps[phase * width + j] = row[j]! / sum;
  }
  const plan = { up, down, half, taps };
  plans.set(key, plan);
  return plan;
}

/**
 * A {@link Resampler}'s stream position and held-back input: structured-cloneable, so a stream
 * can go on in another worker thread ({@link Resampler.snapshot}, {@link Resampler.restore}).
 */
export interface ResamplerState {
  fromRate: number;
  toRate: number;
  /** Input held back, from absolute input index `start` on. */
  held: Float32Array;
  start: number;
  inputCount: number;
  outputCount: number;
}

/**
 * Streaming resampler: push chunks of any size, then flush once at the end. The concatenated
 * outputs equal one {@link resample} call over the concatenated inputs, sample for sample.
 * Output lags input by the filter's half-length (3 ms at 8 kHz).
 *
 * @example
 * ```ts
 * const rs = new Resampler(24_000, 8_000);
 * for await (const chunk of tts) send(rs.push(chunk));
 * send(rs.flush());
 * ```
 */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  readonly #plan: Plan;
  /** Input samples from absolute index `#start` on; indexes below 0 are the leading zeros. */
  #buf: Float32Array;
  #len = 0;
  #start: number;
  /** Input samples pushed so far. */
  #inputCount = 0;
  /** Output samples produced so far. */
  #outputCount = 0;
  #flushed = false;

  constructor(fromRate: number, toRate: number) {
    checkRate('fromRate', fromRate);
    checkRate('toRate', toRate);
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.#plan = planFor(fromRate, toRate);
    const lead = this.#plan.half - 1;
    this.#start = -lead;
    this.#buf = new Float32Array(Math.max(1024, 4 * this.#plan.half));
    this.#len = lead;
  }

  /**
   * The stream's state, to go on elsewhere with {@link Resampler.restore}: the output continues
   * sample for sample as if the stream had never moved.
   */
  snapshot(): ResamplerState {
    if (this.#flushed) throw new ConfigError('Resampler.snapshot after flush');
    return {
      fromRate: this.fromRate,
      toRate: this.toRate,
      held: this.#buf.slice(0, this.#len),
      start: this.#start,
      inputCount: this.#inputCount,
      outputCount: this.#outputCount,
    };
  }

  /** A resampler that goes on from `state` (see {@link snapshot}). */
  static restore(state: ResamplerState): Resampler {
    const rs = new Resampler(state.fromRate, state.toRate);
    rs.#len = 0;
    rs.#append(state.held);
    rs.#start = state.start;
    rs.#inputCount = state.inputCount;
    rs.#outputCount = state.outputCount;
    return rs;
  }

  /** Adds input samples; returns the output samples that are now fully determined. */
  push(chunk: Float32Array): Float32Array {
    if (this.#flushed) throw new ConfigError('Resampler.push after flush');
    this.#append(chunk);
    this.#inputCount += chunk.length;
    const { up, down, half } = this.#plan;
    // Output k needs input up to floor(k * down / up) + half.
    const end = Math.max(0, Math.ceil(((this.#inputCount - half) * up) / down));
    return this.#produce(end);
  }

  /** Ends the stream: returns the remaining output, reading zeros past the end of the input. */
  flush(): Float32Array {
    if (this.#flushed) return new Float32Array(0);
    this.#flushed = true;
    const { up, down, half } = this.#plan;
    const total = Math.ceil((this.#inputCount * up) / down);
    this.#append(new Float32Array(2 * half));
    return this.#produce(total);
  }

  #append(chunk: Float32Array): void {
    const need = this.#len + chunk.length;
    if (need > this.#buf.length) {
      const bigger = new Float32Array(Math.max(need, this.#buf.length * 2));
      bigger.set(this.#buf.subarray(0, this.#len));
      this.#buf = bigger;
    }
    this.#buf.set(chunk, this.#len);
    this.#len = need;
  }

  /** Computes outputs up to (not including) absolute index `end`, then drops unneeded input. */
  #produce(end: number): Float32Array {
    const count = Math.max(0, end - this.#outputCount);
    const out = new Float32Array(count);
    const { up, down, half, taps } = this.#plan;
    const width = 2 * half;
    const buf = this.#buf;
    let k = this.#outputCount;
    for (let i = 0; i < count; i++, k++) {
      const pos = k * down;
      const phase = pos % up;
      const first = (pos - phase) / up - half + 1 - this.#start;
      const base = phase * width;
      let acc = 0;
      for (let j = 0; j < width; j++) acc += buf[first + j]! * taps[base + j]!;
      out[i] = acc;
    }
    this.#outputCount = k;
    const nextFirst = Math.floor((k * down) / up) - half + 1;
    const drop = Math.min(this.#len, Math.max(0, nextFirst - this.#start));
    if (drop > 0) {
      buf.copyWithin(0, drop, this.#len);
      this.#len -= drop;
      this.#start += drop;
    }
    return out;
  }
}

/**
 * Converts `samples` from `fromRate` to `toRate` Hz with an anti-aliasing filter. The output has
 * `ceil(samples.length * toRate / fromRate)` samples; equal rates return a copy.
 *
 * @example
 * ```ts
 * const pcm8k = resample(pcm48k, 48_000, 8_000);
 * ```
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  checkRate('fromRate', fromRate);
  checkRate('toRate', toRate);
  if (fromRate === toRate) return samples.slice();
  const rs = new Resampler(fromRate, toRate);
  const head = rs.push(samples);
  const tail = rs.flush();
  if (tail.length === 0) return head;
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
