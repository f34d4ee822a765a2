/**
 * Benchmark suite `logmel`: Whisper log-mel features for a 3 s clip, transformers.js's
 * `WhisperFeatureExtractor` (which pads to 30 s and computes all 3000 frames) against
 * `whisperLogMel` (which computes only the frames that see the audio), side by side in one run.
 * Also checks that both give the same features.
 *
 * Run: `npm run bench -- logmel [--json]`.
 *
 * @module
 */

import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { whisperLogMel } from '../src/workers/log-mel/log-mel.js';

/** Options every suite takes. */
export interface BenchOptions {
  json: boolean;
}

/** What this suite measures. */
export interface LogMelBenchResult extends Record<string, unknown> {
  clipSeconds: number;
  runs: number;
  /** Median ms per clip, transformers.js. */
  libraryMs: number;
  /** Median ms per clip, `whisperLogMel`. */
  oursMs: number;
  /** `libraryMs / oursMs`. */
  speedup: number;
  /** Largest absolute difference between the two feature tensors. */
  maxAbsDiff: number;
  /** Median ms of `whisperLogMel` for a full 30 s clip (nothing to skip: the worst case). */
  oursFullWindowMs: number;
}

const RATE = 16_000;

/** A speech-like test clip: a rising sweep with a 3 Hz syllable envelope. */
export function benchClip(seconds: number): Float32Array {
  const n = Math.round(seconds * RATE);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
    out[i] = 0.5 * envelope * Math.sin(2 * Math.PI * (120 * t + 300 * t * t));
  }
  return out;
}

/** A `WhisperFeatureExtractor` configured like Whisper's preprocessor_config.json. */
export function libraryExtractor(nMels = 80): WhisperFeatureExtractor {
  return new WhisperFeatureExtractor({
    feature_extractor_type: 'WhisperFeatureExtractor',
    feature_size: nMels,
    sampling_rate: RATE,
    hop_length: 160,
    n_fft: 400,
    chunk_length: 30,
    n_samples: 480_000,
    nb_max_frames: 3000,
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** Runs the suite; with `json`, prints nothing and lets the runner print the result. */
export default async function run(opts: BenchOptions): Promise<LogMelBenchResult> {
  const clipSeconds = 3;
  const runs = 15;
  const audio = benchClip(clipSeconds);
  const extractor = libraryExtractor();
  const library = async () => (await extractor(audio)).input_features.data as Float32Array;
  const ours = () => whisperLogMel(audio);

  for (let i = 0; i < 3; i++) await library();
  for (let i = 0; i < 10; i++) ours();
  const libTimes: number[] = [];
  const ourTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await library();
    libTimes.push(performance.now() - t);
    t = performance.now();
    ours();
    ourTimes.push(performance.now() - t);
  }

  const a = await library();
  const b = ours();
  let maxAbsDiff = 0;
  for (let i = 0; i < a.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i]! - b[i]!));

  const full = benchClip(30);
  const fullTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    whisperLogMel(full);
    fullTimes.push(performance.now() - t);
  }

  const libraryMs = median(libTimes);
  const oursMs = median(ourTimes);
  const result: LogMelBenchResult = {
    clipSeconds,
    runs,
    libraryMs: round(libraryMs),
    oursMs: round(oursMs),
    speedup: round(libraryMs / oursMs, 1),
    maxAbsDiff,
    oursFullWindowMs: round(median(fullTimes)),
  };
  if (!opts.json) {
    console.log(`log-mel, ${clipSeconds} s clip, median of ${runs} runs`);
    console.log(`  transformers.js WhisperFeatureExtractor  ${result.libraryMs} ms`);
    console.log(`  whisperLogMel                            ${result.oursMs} ms`);
    console.log(`  speedup ${result.speedup}x, max |diff| ${maxAbsDiff.toExponential(2)}`);
    console.log(`  whisperLogMel on a full 30 s clip         ${result.oursFullWindowMs} ms`);
  }
  return result;
}
