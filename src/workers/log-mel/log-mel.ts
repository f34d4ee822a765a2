/**
 * Whisper's log-mel spectrogram, computed in time proportional to the utterance.
 *
 * transformers.js (`WhisperFeatureExtractor`) pads every clip with zeros to 30 s and computes all
 * 3000 frames, about 150 ms of JavaScript even for a 2 s clip. This module gives the same
 * `input_features` (row-major `[nMels, nFrames]`) but computes only the frames that can see the
 * audio: a frame whose 400-sample window lies wholly in the zero padding has zero power, so its
 * mel energies are the floor 1e-10 and its log is -10 before normalization. Frames that straddle
 * the end of the audio are computed for real. The normalization clamps every value at the global
 * maximum minus 8 (over the whole padded spectrogram, padding included) and maps x to (x + 4) / 4.
 *
 * The math reproduces the library's: reflect padding of 200 samples at both ends of the 30 s
 * window, periodic Hann window of 400, power spectrum (rounded to float32 as the library stores
 * it), Slaney-normalized Slaney-scale mel filters from 0 to 8 kHz (float32 weights), a floor of
 * 1e-10, log10, and the last of the 3001 frames dropped. Audio longer than the window is cut.
 *
 * @module
 */

import { RealFft } from './real-fft.js';

/** Whisper's sampling rate, Hz. */
export const WHISPER_SAMPLE_RATE = 16_000;
/** FFT and window length, samples. */
export const WHISPER_N_FFT = 400;
/** Hop between frames, samples. */
export const WHISPER_HOP_LENGTH = 160;

const PAD = WHISPER_N_FFT / 2;
const BINS = WHISPER_N_FFT / 2 + 1;
const MEL_FLOOR = Math.fround(1e-10);

/** Options of {@link whisperLogMel}. */
export interface WhisperLogMelOptions {
  /** Mel bins: 80 for Whisper tiny..large-v2, 128 for large-v3. Default 80. */
  nMels?: number;
  /** Frames in the output (the padded window is `nFrames * 160` samples). Default 3000 (30 s). */
  nFrames?: number;
}

/** A mel filter as the range of FFT bins where it is non-zero and its float32 weights. */
interface MelFilter {
  start: number;
  weights: Float64Array;
}

/** Slaney mel scale, as in the library's `hertz_to_mel(..., 'slaney')`. */
function hertzToMel(freq: number): number {
  const minLogHertz = 1000;
  const minLogMel = 15;
  const logstep = 27 / Math.log(6.4);
  return freq >= minLogHertz
    ? minLogMel + Math.log(freq / minLogHertz) * logstep
    : (3 * freq) / 200;
}

function melToHertz(mels: number): number {
  const minLogHertz = 1000;
  const minLogMel = 15;
  const logstep = Math.log(6.4) / 27;
  return mels >= minLogMel
    ? minLogHertz * Math.exp(logstep * (mels - minLogMel))
    : (200 * mels) / 3;
}

function linspace(start: number, end: number, num: number): Float64Array {
  const step = (end - start) / (num - 1);
  return Float64Array.from({ length: num }, (_, i) => start + step * i);
}

const filterCache = new Map<number, MelFilter[]>();

/**
 * The library's `mel_filter_bank(201, nMels, 0, 8000, 16000, 'slaney', 'slaney')`, with each
 * weight rounded to float32 (the library feeds them to a float32 matmul), stored sparsely.
 */
function melFilters(nMels: number): MelFilter[] {
  const cached = filterCache.get(nMels);
  if (cached) return cached;
  const melFreqs = linspace(hertzToMel(0), hertzToMel(8000), nMels + 2);
  const filterFreqs = melFreqs.map(melToHertz);
  const fftFreqs = linspace(0, Math.floor(WHISPER_SAMPLE_RATE / 2), BINS);
  const filters: MelFilter[] = [];
  for (let i = 0; i < nMels; i++) {
    const lower = filterFreqs[i]!;
    const center = filterFreqs[i + 1]!;
    const upper = filterFreqs[i + 2]!;
    const enorm = 2 / (upper - lower);
    const row = new Float64Array(BINS);
    let first = -1;
    let last = -1;
    for (let j = 0; j < BINS; j++) {
      const down = -(lower - fftFreqs[j]!) / (center - lower);
      const up = (upper - fftFreqs[j]!) / (upper - center);
      const w = Math.fround(Math.max(0, Math.min(down, up)) * enorm);
      row[j] = w;
      if (w !== 0) {
        if (first < 0) first = j;
        last = j;
      }
    }
    const start = Math.max(first, 0);
    filters.push({ start, weights: row.slice(start, last + 1) });
  }
  filterCache.set(nMels, filters);
  return filters;
}

/** The library's periodic Hann window: `0.5 - 0.5 cos(2 pi i / 400)`. */
const HANN = (() => {
  const factor = (2 * Math.PI) / WHISPER_N_FFT;
  return Float64Array.from({ length: WHISPER_N_FFT }, (_, i) => 0.5 - 0.5 * Math.cos(i * factor));
})();

let fft: RealFft | undefined;

/** The shape `[nMels, nFrames]` of {@link whisperLogMel}'s output (batch dimension not included). */
export function whisperLogMelShape(options: WhisperLogMelOptions = {}): [number, number] {
  return [options.nMels ?? 80, options.nFrames ?? 3000];
}

/**
 * Number of frames {@link whisperLogMel} computes for `samples` of audio (the rest are padding
 * with a known value): `ceil((samples + 200) / 160)`, at most `nFrames`.
 */
export function whisperComputedFrames(samples: number, nFrames = 3000): number {
  return Math.min(
    nFrames,
    Math.ceil((Math.min(samples, nFrames * WHISPER_HOP_LENGTH) + PAD) / WHISPER_HOP_LENGTH),
  );
}

/**
 * Log-mel features of 16 kHz mono audio, equal within float tolerance to transformers.js's
 * `WhisperFeatureExtractor` `input_features` data: row-major `[nMels, nFrames]`, normalized.
 * Cost grows with the audio length, not the 30 s window. CPU work: call it on a worker thread.
 *
 * @example
 * ```ts
 * const features = whisperLogMel(audio16k); // Float32Array(80 * 3000)
 * const input = new Tensor('float32', features, [1, 80, 3000]);
 * ```
 */
export function whisperLogMel(
  audio: Float32Array,
  options: WhisperLogMelOptions = {},
): Float32Array {
  const [nMels, nFrames] = whisperLogMelShape(options);
  if (!(Number.isInteger(nMels) && nMels > 0 && Number.isInteger(nFrames) && nFrames > 0)) {
    throw new RangeError(
      `nMels and nFrames must be positive integers, got ${nMels} and ${nFrames}`,
    );
  }
  const nSamples = nFrames * WHISPER_HOP_LENGTH;
  const length = Math.min(audio.length, nSamples);
  const computed = whisperComputedFrames(length, nFrames);
  const filters = melFilters(nMels);
  fft ??= new RealFft(WHISPER_N_FFT);
  const out = new Float32Array(nMels * nFrames);
  const frame = new Float64Array(WHISPER_N_FFT);
  const power = new Float64Array(BINS);
  const lastIndex = nSamples - 1;
  let logMax = Number.NEGATIVE_INFINITY;

  for (let f = 0; f < computed; f++) {
    const start = f * WHISPER_HOP_LENGTH - PAD;
    if (start >= 0 && start + WHISPER_N_FFT <= length) {
      for (let j = 0; j < WHISPER_N_FFT; j++) frame[j] = audio[start + j]! * HANN[j]!;
    } else {
      for (let j = 0; j < WHISPER_N_FFT; j++) {
        let i = start + j;
        if (i < 0) i = -i;
        else if (i > lastIndex) i = 2 * lastIndex - i;
        frame[j] = i < length ? audio[i]! * HANN[j]! : 0;
      }
    }
    fft.powerSpectrum(frame, power);
    for (let k = 0; k < BINS; k++) power[k] = Math.fround(power[k]!);
    for (let m = 0; m < nMels; m++) {
      const { start: s, weights } = filters[m]!;
      let acc = 0;
      for (let k = 0; k < weights.length; k++) acc += weights[k]! * power[s + k]!;
      const mel = Math.max(MEL_FLOOR, Math.fround(acc));
      const log = Math.fround(Math.log10(mel));
      out[m * nFrames + f] = log;
      if (log > logMax) logMax = log;
    }
  }

  const padLog = Math.fround(Math.log10(MEL_FLOOR));
  if (computed < nFrames && padLog > logMax) logMax = padLog;
  const threshold = logMax - 8;
  const padValue = Math.fround((Math.max(padLog, threshold) + 4) / 4);
  for (let m = 0; m < nMels; m++) {
    const row = m * nFrames;
    for (let f = 0; f < computed; f++) {
      out[row + f] = (Math.max(out[row + f]!, threshold) + 4) / 4;
    }
    out.fill(padValue, row + computed, row + nFrames);
  }
  return out;
}
