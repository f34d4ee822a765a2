/**
 * Fast Fourier transform of real input of any even length, by a mixed-radix (4, 2, 3, 5 and
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

/**
 * Forward complex FFT of a fixed length `n` on split real/imaginary Float64Arrays, in place.
 */
class ComplexFft {
  readonly n: number;
  readonly #radices: number[];
  readonly #perm: Int32Array;
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #re: Float64Array;
  readonly #im: Float64Array;
  readonly #sRe: Float64Array;
  readonly #sIm: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.#radices = factorize(n);
    this.#perm = digitReversal(this.#radices);
    this.#cos = new Float64Array(n);
    this.#sin = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      this.#cos[j] = Math.cos((2 * Math.PI * j) / n);
      this.#sin[j] = -Math.sin((2 * Math.PI * j) / n);
    }
    this.#re = new Float64Array(n);
    this.#im = new Float64Array(n);
    const maxRadix = Math.max(1, ...this.#radices);
    this.#sRe = new Float64Array(maxRadix);
    this.#sIm = new Float64Array(maxRadix);
  }

  /** Transforms `re`/`im` (length `n`) in place. */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const perm = this.#perm;
    const aRe = this.#re;
    const aIm = this.#im;
    for (let i = 0; i < n; i++) {
      const j = perm[i]!;
      aRe[i] = re[j]!;
      aIm[i] = im[j]!;
    }
    let m = 1;
    for (const p of this.#radices) {
      const span = m * p;
      const step = n / span;
      for (let g = 0; g < n; g += span) {
        for (let u = 0; u < m; u++) this.#butterfly(g + u, m, p, u * step);
      }
      m = span;
    }
    re.set(aRe);
    im.set(aIm);
  }

  /**
   * One p-point butterfly: inputs at `base + q * m` times twiddle W_n^(q * tw), then a p-point
   * DFT written back to the same positions.
   */
  #butterfly(base: number, m: number, p: number, tw: number): void {
    const aRe = this.#re;
    const aIm = this.#im;
    const cos = this.#cos;
    const sin = this.#sin;
    const n = this.n;
    const xRe = this.#sRe;
    const xIm = this.#sIm;
    for (let q = 0; q < p; q++) {
      const at = base + q * m;
      const t = (q * tw) % n;
      const c = cos[t]!;
      const s = sin[t]!;
      const r = aRe[at]!;
      const i = aIm[at]!;
      xRe[q] = r * c - i * s;
      xIm[q] = r * s + i * c;
    }
    if (p === 2) {
      const r0 = xRe[0]!;
      const i0 = xIm[0]!;
      const r1 = xRe[1]!;
      const i1 = xIm[1]!;
      aRe[base] = r0 + r1;
      aIm[base] = i0 + i1;
      aRe[base + m] = r0 - r1;
      aIm[base + m] = i0 - i1;
      return;
    }
    if (p === 4) {
      const r0 = xRe[0]!;
      const i0 = xIm[0]!;
      const r1 = xRe[1]!;
      const i1 = xIm[1]!;
      const r2 = xRe[2]!;
      const i2 = xIm[2]!;
      const r3 = xRe[3]!;
      const i3 = xIm[3]!;
      const sr = r0 + r2;
      const si = i0 + i2;
      const dr = r0 - r2;
      const di = i0 - i2;
      const tr = r1 + r3;
      const ti = i1 + i3;
      const ur = r1 - r3;
      const ui = i1 - i3;
      aRe[base] = sr + tr;
      aIm[base] = si + ti;
      // X1 = d - i*u ; X3 = d + i*u (forward transform, W4 = -i)
      aRe[base + m] = dr + ui;
      aIm[base + m] = di - ur;
      aRe[base + 2 * m] = sr - tr;
      aIm[base + 2 * m] = si - ti;
      aRe[base + 3 * m] = dr - ui;
      aIm[base + 3 * m] = di + ur;
      return;
    }
    // Generic p-point DFT (3, 5, other primes): O(p^2), p is small.
    const stride = n / p;
    for (let k = 0; k < p; k++) {
      let sr = 0;
      let si = 0;
      for (let q = 0; q < p; q++) {
        const t = ((k * q) % p) * stride;
        const c = cos[t]!;
        const s = sin[t]!;
        sr += xRe[q]! * c - xIm[q]! * s;
        si += xRe[q]! * s + xIm[q]! * c;
      }
      aRe[base + k * m] = sr;
      aIm[base + k * m] = si;
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
    for (let k = 0; k <= h; k++) {
      const a = k === h ? 0 : k;
      const b = k === 0 ? 0 : h - k;
      const ar = zRe[a]!;
      const ai = zIm[a]!;
      const br = zRe[b]!;
      const bi = -zIm[b]!;
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
