import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoFeatureExtractor, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  whisperComputedFrames,
  whisperLogMel,
  whisperLogMelShape,
} from '../../../src/workers/log-mel/log-mel.js';
import { rng } from '../../helpers/signals.js';

type Extractor = (
  audio: Float32Array,
) => Promise<{ input_features: { data: unknown; dims: number[] } }>;

const RATE = 16000;
let dir: string;
const saved = { allowRemoteModels: env.allowRemoteModels, localModelPath: env.localModelPath };
const extractors = new Map<string, Extractor>();

/** Writes a Whisper-shaped preprocessor_config.json and loads the library's extractor from it. */
async function libraryExtractor(nMels: number, nFrames: number): Promise<Extractor> {
  const id = `whisper-fe-${nMels}-${nFrames}`;
  const cached = extractors.get(id);
  if (cached) return cached;
  mkdirSync(join(dir, id), { recursive: true });
  writeFileSync(
    join(dir, id, 'preprocessor_config.json'),
    JSON.stringify({
      feature_extractor_type: 'WhisperFeatureExtractor',
      feature_size: nMels,
      sampling_rate: RATE,
      hop_length: 160,
      n_fft: 400,
      chunk_length: (nFrames * 160) / RATE,
      n_samples: nFrames * 160,
      nb_max_frames: nFrames,
      padding_side: 'right',
      padding_value: 0,
      return_attention_mask: false,
    }),
  );
  const fe = (await AutoFeatureExtractor.from_pretrained(id)) as unknown as Extractor;
  extractors.set(id, fe);
  return fe;
}

function clip(
  kind: 'sine' | 'noise' | 'chirp' | 'silence',
  seconds: number,
  seed = 1,
): Float32Array {
  const n = Math.round(seconds * RATE);
  const random = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    if (kind === 'sine') out[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t);
    else if (kind === 'noise') out[i] = (random() - 0.5) * 0.2;
    else if (kind === 'chirp') {
      // A speech-like sweep with a 3 Hz syllable envelope and a little breath noise.
      const env3 = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3 * t);
      out[i] =
        0.5 * env3 * Math.sin(2 * Math.PI * (120 * t + 300 * t * t)) + 0.01 * (random() - 0.5);
    }
  }
  return out;
}

async function compare(audio: Float32Array, nMels = 80, nFrames = 3000): Promise<number> {
  const fe = await libraryExtractor(nMels, nFrames);
  const { input_features } = await fe(audio);
  expect(input_features.dims).toEqual([1, nMels, nFrames]);
  const lib = input_features.data as Float32Array;
  const ours = whisperLogMel(audio, { nMels, nFrames });
  expect(ours.length).toBe(lib.length);
  let worst = 0;
  for (let i = 0; i < lib.length; i++) worst = Math.max(worst, Math.abs(lib[i]! - ours[i]!));
  return worst;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'voxstate-logmel-'));
  env.allowRemoteModels = false;
  env.localModelPath = dir;
});

afterAll(() => {
  env.allowRemoteModels = saved.allowRemoteModels;
  env.localModelPath = saved.localModelPath;
  rmSync(dir, { recursive: true, force: true });
});

describe('whisperLogMel equals WhisperFeatureExtractor', () => {
  it.each([
    ['sine', 0.3],
    ['noise', 2],
    ['chirp', 3],
    ['chirp', 29.9],
    ['noise', 30],
    ['sine', 31.5],
    ['sine', 0.01],
    ['silence', 1],
  ] as const)('%s, %f s', async (kind, seconds) => {
    expect(await compare(clip(kind, seconds, Math.round(seconds * 1000)))).toBeLessThan(1e-5);
  });

  it('matches when the padding is not the minimum (a loud clip with a quiet tail)', async () => {
    const audio = clip('chirp', 2);
    audio.fill(0, 16000);
    audio[31999] = 1e-4;
    expect(await compare(audio)).toBeLessThan(1e-5);
  });

  it('matches for 128 mel bins (large-v3) and a shorter window', async () => {
    expect(await compare(clip('chirp', 2.5), 128, 3000)).toBeLessThan(1e-5);
    expect(await compare(clip('noise', 4), 80, 1500)).toBeLessThan(1e-5);
  });
});

describe('whisperLogMel cost and shape', () => {
  it('computes only the frames that see the audio', () => {
    expect(whisperComputedFrames(0)).toBe(2);
    expect(whisperComputedFrames(32000)).toBe(202);
    expect(whisperComputedFrames(480000)).toBe(3000);
    expect(whisperComputedFrames(10 * 480000)).toBe(3000);
    expect(whisperLogMelShape()).toEqual([80, 3000]);
    expect(whisperLogMelShape({ nMels: 128 })).toEqual([128, 3000]);
  });

  it('fills the padding with one constant: clamp floor of the global maximum', () => {
    const out = whisperLogMel(clip('sine', 1));
    const [nMels, nFrames] = whisperLogMelShape();
    let max = Number.NEGATIVE_INFINITY;
    for (const v of out) max = Math.max(max, v);
    const pad = out[nFrames - 1]!;
    expect(pad).toBeCloseTo(max - 2, 6);
    for (let m = 0; m < nMels; m++) {
      for (let f = whisperComputedFrames(16000); f < nFrames; f++) {
        if (out[m * nFrames + f] !== pad) throw new Error(`mel ${m} frame ${f} is not padding`);
      }
    }
    expect(whisperLogMel(new Float32Array(16000)).every((v) => v === -1.5)).toBe(true);
  });

  it('rejects nonsense options', () => {
    expect(() => whisperLogMel(new Float32Array(10), { nMels: 0 })).toThrow(RangeError);
    expect(() => whisperLogMel(new Float32Array(10), { nFrames: 2.5 })).toThrow(RangeError);
  });
});
