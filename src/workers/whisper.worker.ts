/**
 * Whisper worker (piscina): speech-to-text on 16 kHz mono Float32 audio with
 * `@huggingface/transformers`. The model and tokenizer load once per thread.
 *
 * The log-mel features come from `whisperLogMel` (time proportional to the utterance, equal to
 * the library's own extractor within float tolerance) instead of the library's extractor, which
 * always pays for a zero-padded 30 s window. The encoder runs once per utterance; when no
 * language is given, one decoder step after `<|startoftranscript|>` picks the most likely
 * language token (the library alone would assume English), and generation reuses the same
 * encoder output.
 *
 * @module
 */
import './console-to-stderr.js';
import {
  AutoTokenizer,
  type PreTrainedTokenizer,
  Tensor,
  WhisperForConditionalGeneration,
} from '@huggingface/transformers';
import { workerData } from 'piscina';
import type { ModelRef } from '../config/inference.js';
import { configureTransformers } from '../models/transformers-env.js';
import { whisperLogMel } from './log-mel/log-mel.js';

/** Per-thread settings, sent as piscina `workerData`. */
export interface WhisperWorkerData {
  modelDir: string;
  allowDownloads: boolean;
  intraOpNumThreads: number;
  model: ModelRef;
  maxNewTokens: number;
}

/** One utterance; `audio` should be moved with `transferList`. */
export interface WhisperTask {
  audio: Float32Array;
  /** ISO 639-1 code, or undefined to detect. */
  language?: string;
}

/** A transcript and the language it was decoded in. */
export interface WhisperResult {
  text: string;
  language: string;
}

interface Loaded {
  tokenizer: PreTrainedTokenizer;
  model: WhisperForConditionalGeneration;
  sot: number;
  nMels: number;
  languages: Map<number, string>;
}

const data = workerData as WhisperWorkerData;
let loaded: Promise<Loaded> | undefined;

async function load(): Promise<Loaded> {
  configureTransformers(data);
  const options = { revision: data.model.revision };
  const [tokenizer, model] = await Promise.all([
    AutoTokenizer.from_pretrained(data.model.id, options),
    WhisperForConditionalGeneration.from_pretrained(data.model.id, {
      ...options,
      dtype: data.model.dtype,
      device: 'cpu',
      session_options: { intraOpNumThreads: data.intraOpNumThreads, interOpNumThreads: 1 },
    }) as Promise<WhisperForConditionalGeneration>,
  ]);
  const gen = model.generation_config as unknown as {
    decoder_start_token_id: number;
    lang_to_id?: Record<string, number>;
  };
  const languages = new Map(
    Object.entries(gen.lang_to_id ?? {}).map(([token, id]) => [id, token.slice(2, -2)] as const),
  );
  const nMels = (model.config as unknown as { num_mel_bins?: number }).num_mel_bins ?? 80;
  return { tokenizer, model, sot: gen.decoder_start_token_id, nMels, languages };
}

function model(): Promise<Loaded> {
  if (!loaded) {
    loaded = load();
    loaded.catch(() => {
      loaded = undefined;
    });
  }
  return loaded;
}

async function detectLanguage(m: Loaded, encoderOutputs: Tensor): Promise<string> {
  const ids = new Tensor('int64', BigInt64Array.of(BigInt(m.sot)), [1, 1]);
  const out = (await m.model.forward({
    encoder_outputs: encoderOutputs,
    decoder_input_ids: ids,
  })) as {
    logits: Tensor;
  };
  const logits = out.logits.data as Float32Array;
  let best: string | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const [id, code] of m.languages) {
    const score = logits[id] ?? Number.NEGATIVE_INFINITY;
    if (score > bestScore) {
      bestScore = score;
      best = code;
    }
  }
  return best ?? 'en';
}

/** Transcribes one utterance. */
export default async function transcribe(task: WhisperTask): Promise<WhisperResult> {
  const m = await model();
  if (task.audio.length === 0) return { text: '', language: task.language ?? 'en' };
  const features = new Tensor('float32', whisperLogMel(task.audio, { nMels: m.nMels }), [
    1,
    m.nMels,
    3000,
  ]);
  const sessions = (
    m.model as unknown as {
      sessions: Record<string, { run(feeds: unknown): Promise<Record<string, unknown>> }>;
    }
  ).sessions;
  const encoder = sessions.model;
  if (!encoder) throw new Error('whisper model has no encoder session');
  const encoded = await encoder.run({
    input_features: (features as unknown as { ort_tensor: unknown }).ort_tensor,
  });
  const encoderOutputs = new Tensor(encoded.last_hidden_state as never);
  // English-only checkpoints have no language tokens and refuse a language or task.
  const multilingual = m.languages.size > 0;
  const language = multilingual
    ? (task.language ?? (await detectLanguage(m, encoderOutputs)))
    : 'en';
  const ids = (await m.model.generate({
    inputs: features,
    encoder_outputs: encoderOutputs,
    ...(multilingual ? { language, task: 'transcribe' } : {}),
    max_new_tokens: data.maxNewTokens,
  } as never)) as Tensor;
  const [text = ''] = m.tokenizer.batch_decode(ids, { skip_special_tokens: true });
  return { text: text.trim(), language };
}
