/**
 * Fast Fourier transform of real input of any even length, by a mixed-radix (4, 2, 5 and
 * generic) decimation-in-time complex FFT of half the length with precomputed twiddles and
 * digit-reversal order. Used for the 400-point frames of Whisper's log-mel spectrogram.
 *
 * @module
 */

/** Splits `n` into radices, fours first, then 2, 3, 5 and any remaining primes. */
function factorize(n: number): number[] {
  const radices: number[] = [];
  let rest = n;
  for (const p of [4, 2, 3, 5]) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  for (let p = 7; rest > 1; p += 2) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  return radices;
}

/** Input order for a DIT FFT whose stages use `radices` in order (first stage innermost). */
function digitReversal(radices: readonly number[]): Int32Array {
  let perm = Int32Array.of(0);
  for (let s = 0; s < radices.length; s++) {
    const p = radices[s]!;
    const m = perm.length;
    const next = new Int32Array(m * p);
    for (let q = 0; q < p; q++) for (let i = 0; i < m; i++) next[q * m + i] = q + p * perm[i]!;
    perm = next;
  }
  return perm;
}

/** One DIT stage: radix `p` combining sub-transforms of length `m`, with its twiddles. */
interface Stage {
  p: number;
  m: number;
  /** `twRe[u * p + q]`, `twIm[u * p + q]` = W_(m p)^(u q). */
  twRe: Float64Array;
  twIm: Float64Array;
}

const C5_1 = Math.cos((2 * Math.PI) / 5);
const C5_2 = Math.cos((4 * Math.PI) / 5);
const S5_1 = Math.sin((2 * Math.PI) / 5);
const S5_2 = Math.sin((4 * Math.PI) / 5);

/**
 * Forward complex FFT of a fixed length `n` on split real/imaginary Float64Arrays. The result is
 * left in `re`/`im` (owned by the instance, overwritten by the next call).
 */
class ComplexFft {
  readonly n: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
  readonly #perm: Int32Array;
  readonly #stages: Stage[];
  readonly #sRe: Float64Array;
  readonly #sIm: Float64Array;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;

  constructor(n: number) {
    this.n = n;
    const radices = factorize(n);
    this.#perm = digitReversal(radices);
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.#cos = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * j) / n));
    this.#sin = Float64Array.from({ length: n }, (_, j) => -Math.sin((2 * Math.PI * j) / n));
    this.#stages = [];
    let m = 1;
    for (const p of radices) {
      const span = m * p;
      const twRe = new Float64Array(m * p);
      const twIm = new Float64Array(m * p);
      for (let u = 0; u < m; u++) {
        for (let q = 0; q < p; q++) {
          const angle = (-2 * Math.PI * u * q) / span;
          twRe[u * p + q] = Math.cos(angle);
          twIm[u * p + q] = Math.sin(angle);
        }
      }
      this.#stages.push({ p, m, twRe, twIm });
      m = span;
    }
    const maxRadix = Math.max(1, ...radices);
    this.#sRe = new Float64Array(maxRadix);
    this.#sIm = new Float64Array(maxRadix);
  }

  /** Transforms `inRe`/`inIm` (length `n`) into `this.re`/`this.im`. */
  transform(inRe: ArrayLike<number>, inIm: ArrayLike<number>): void {
    const n = this.n;
    const perm = this.#perm;
    const re = this.re;
    const im = this.im;
    for (let i = 0; i < n; i++) {
      const j = perm[i]!;
      re[i] = inRe[j]!;
      im[i] = inIm[j]!;
    }
    for (const stage of this.#stages) {
      if (stage.p === 4) this.#radix4(stage);
      else if (stage.p === 2) this.#radix2(stage);
      else if (stage.p === 5) this.#radix5(stage);
      else this.#generic(stage);
    }
  }

  #radix2({ m, twRe, twIm }: Stage): void {
    const re = this.re;
    const im = this.im;
    const span = 2 * m;
    for (let g = 0; g < this.n; g += span) {
      for (let u = 0; u < m; u++) {
        const a = g + u;
        const b = a + m;
        const wr = twRe[2 * u + 1]!;
        const wi = twIm[2 * u + 1]!;
        const br = re[b]! * wr - im[b]! * wi;
        const bi = re[b]! * wi + im[b]! * wr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[a] = ar + br;
        im[a] = ai + bi;
        re[b] = ar - br;
        im[b] = ai - bi;
      }
    }
  }

  #radix4({ m, twRe, twIm }: Stage): void {
    const re = this.re;
    const im = this.im;
    const span = 4 * m;
    for (let g = 0; g < this.n; g += span) {
      for (let u = 0; u < m; u++) {
        const i0 = g + u;
        const i1 = i0 + m;
        const i2 = i1 + m;
        const i3 = i2 + m;
        const t = 4 * u;
        const r0 = re[i0]!;
        const j0 = im[i0]!;
        let w = twRe[t + 1]!;
        let v = twIm[t + 1]!;
        const r1 = re[i1]! * w - im[i1]! * v;
        const j1 = re[i1]! * v + im[i1]! * w;
        w = twRe[t + 2]!;
        v = twIm[t + 2]!;
        const r2 = re[i2]! * w - im[i2]! * v;
        const j2 = re[i2]! * v + im[i2]! * w;
        w = twRe[t + 3]!;
        v = twIm[t + 3]!;
        const r3 = re[i3]! * w - im[i3]! * v;
        const j3 = re[i3]! * v + im[i3]! * w;
        const sr = r0 + r2;
        const si = j0 + j2;
        const dr = r0 - r2;
        const di = j0 - j2;
        const tr = r1 + r3;
        const ti = j1 + j3;
        const ur = r1 - r3;
        const ui = j1 - j3;
        re[i0] = sr + tr;
        im[i0] = si + ti;
        re[i1] = dr + ui;
        im[i1] = di - ur;
        re[i2] = sr - tr;
        im[i2] = si - ti;
        re[i3] = dr - ui;
        im[i3] = di + ur;
      }
    }
  }

  #radix5({ m, twRe, twIm }: Stage): void {
    const re = this.re;
    const im = this.im;
    const span = 5 * m;
    for (let g = 0; g < this.n; g += span) {
      for (let u = 0; u < m; u++) {
        const i0 = g + u;
        const i1 = i0 + m;
        const i2 = i1 + m;
        const i3 = i2 + m;
        const i4 = i3 + m;
        const t = 5 * u;
        const r0 = re[i0]!;
        const j0 = im[i0]!;
        let w = twRe[t + 1]!;
        let v = twIm[t + 1]!;
        const r1 = re[i1]! * w - im[i1]! * v;
        const j1 = re[i1]! * v + im[i1]! * w;
        w = twRe[t + 2]!;
        v = twIm[t + 2]!;
        const r2 = re[i2]! * w - im[i2]! * v;
        const j2 = re[i2]! * v + im[i2]! * w;
        w = twRe[t + 3]!;
        v = twIm[t + 3]!;
        const r3 = re[i3]! * w - im[i3]! * v;
        const j3 = re[i3]! * v + im[i3]! * w;
        w = twRe[t + 4]!;
        v = twIm[t + 4]!;
        const r4 = re[i4]! * w - im[i4]! * v;
        const j4 = re[i4]! * v + im[i4]! * w;
        // X_k = x0 + sum_q x_q W5^(kq): pair q with 5 - q.
        const ar = r1 + r4;
        const ai = j1 + j4;
        const br = r2 + r3;
        const bi = j2 + j3;
        const cr = r1 - r4;
        const ci = j1 - j4;
        const dr = r2 - r3;
        const di = j2 - j3;
        const e1r = r0 + C5_1 * ar + C5_2 * br;
        const e1i = j0 + C5_1 * ai + C5_2 * bi;
        const e2r = r0 + C5_2 * ar + C5_1 * br;
        const e2i = j0 + C5_2 * ai + C5_1 * bi;
        // -i * (S1 c + S2 d) for X1, -i * (S2 c - S1 d) for X2.
        const f1r = S5_1 * ci + S5_2 * di;
        const f1i = -(S5_1 * cr + S5_2 * dr);
        const f2r = S5_2 * ci - S5_1 * di;
        const f2i = -(S5_2 * cr - S5_1 * dr);
        re[i0] = r0 + ar + br;
        im[i0] = j0 + ai + bi;
        re[i1] = e1r + f1r;
        im[i1] = e1i + f1i;
        re[i4] = e1r - f1r;
        im[i4] = e1i - f1i;
        re[i2] = e2r + f2r;
        im[i2] = e2i + f2i;
        re[i3] = e2r - f2r;
        im[i3] = e2i - f2i;
      }
    }
  }

  /** Any radix: twiddle, then a direct p-point DFT. */
  #generic({ p, m, twRe, twIm }: Stage): void {
    const re = this.re;
    const im = this.im;
    const xRe = this.#sRe;
    const xIm = this.#sIm;
    const cos = this.#cos;
    const sin = this.#sin;
    const stride = this.n / p;
    const span = p * m;
    for (let g = 0; g < this.n; g += span) {
      for (let u = 0; u < m; u++) {
        for (let q = 0; q < p; q++) {
          const at = g + u + q * m;
          const w = twRe[u * p + q]!;
          const v = twIm[u * p + q]!;
          xRe[q] = re[at]! * w - im[at]! * v;
          xIm[q] = re[at]! * v + im[at]! * w;
        }
        for (let k = 0; k < p; k++) {
          let sr = 0;
          let si = 0;
          for (let q = 0; q < p; q++) {
            const t = ((k * q) % p) * stride;
            sr += xRe[q]! * cos[t]! - xIm[q]! * sin[t]!;
            si += xRe[q]! * sin[t]! + xIm[q]! * cos[t]!;
          }
          re[g + u + k * m] = sr;
          im[g + u + k * m] = si;
        }
      }
    }
  }
}

/**
 * Real-input FFT of even length `n`: one complex FFT of length `n / 2` on the packed input and a
 * split step. Reuses its buffers; not safe to share between concurrent callers (one per thread).
 *
 * @example
 * ```ts
 * const fft = new RealFft(400);
 * const power = new Float64Array(201);
 * fft.powerSpectrum(frame, power); // |X[k]|^2 for k = 0..200
 * ```
 */
export class RealFft {
  /** Transform length. */
  readonly n: number;
  /** Number of non-negative frequency bins, `n / 2 + 1`. */
  readonly bins: number;
  readonly #half: ComplexFft;
  readonly #zRe: Float64Array;
  readonly #zIm: Float64Array;
  readonly #wCos: Float64Array;
  readonly #wSin: Float64Array;

  constructor(n: number) {
    if (!(Number.isInteger(n) && n >= 2 && n % 2 === 0)) {
      throw new RangeError(`RealFft length must be an even integer >= 2, got ${n}`);
    }
    this.n = n;
    this.bins = n / 2 + 1;
    const h = n / 2;
    this.#half = new ComplexFft(h);
    this.#zRe = new Float64Array(h);
    this.#zIm = new Float64Array(h);
    this.#wCos = new Float64Array(h + 1);
    this.#wSin = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.#wCos[k] = Math.cos((2 * Math.PI * k) / n);
      this.#wSin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  /**
   * Computes bins 0..n/2 of the DFT of `input` (length `n`) into `outRe`/`outIm`
   * (length at least `n / 2 + 1`).
   */
  transform(input: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    const h = this.n / 2;
    const zRe = this.#zRe;
    const zIm = this.#zIm;
    for (let j = 0; j < h; j++) {
      zRe[j] = input[2 * j]!;
      zIm[j] = input[2 * j + 1]!;
    }
    this.#half.transform(zRe, zIm);
    const fRe = this.#half.re;
    const fIm = this.#half.im;
    for (let k = 0; k <= h; k++) {
      const a = k === h ? 0 : k;
      const b = k === 0 ? 0 : h - k;
      const ar = fRe[a]!;
      const ai = fIm[a]!;
      const br = fRe[b]!;
      const bi = -fIm[b]!;
      // Even part E = (Z[k] + conj Z[h-k]) / 2, odd part O = (Z[k] - conj Z[h-k]) / 2i.
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const c = this.#wCos[k]!;
      const s = this.#wSin[k]!;
      outRe[k] = er + or * c - oi * s;
      outIm[k] = ei + or * s + oi * c;
    }
  }

  /** Writes |X[k]|^2 for k = 0..n/2 of the DFT of `input` into `out`. */
  powerSpectrum(input: ArrayLike<number>, out: Float64Array, scratchIm?: Float64Array): void {
    const im = scratchIm ?? this.#scratch();
    this.transform(input, out, im);
    for (let k = 0; k < this.bins; k++) out[k] = out[k]! * out[k]! + im[k]! * im[k]!;
  }

  #scratchIm: Float64Array | undefined;
  #scratch(): Float64Array {
    this.#scratchIm ??= new Float64Array(this.bins);
    return this.#scratchIm;
  }
}
