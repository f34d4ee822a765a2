/**
 * Builds the worker pools (embeddings, Whisper, voice activity, noise suppression, espeak-ng
 * synthesis) in one place, the inference ones from the inference configuration. Pools start
 * `minThreads` threads at once; models load on a thread's first task. Use {@link createInferencePools} for all three, or one of the single-pool
 * factories when a command needs only one (e.g. `voxstate kb` needs only embeddings).
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { InferenceConfig, PoolConfig } from '../config/inference.js';
import { isModelPresent } from '../models/model-folder.js';
import type { Logger } from '../telemetry/logger.js';
import type { EmbeddingResult, EmbeddingTask, EmbeddingWorkerData } from './embedding.worker.js';
import type { EspeakTask } from './espeak.worker.js';
import { InferencePool } from './inference-pool.js';
import type { NoiseResult, NoiseTask } from './noise.worker.js';
import type { VadResult, VadTask, VadWorkerData } from './vad.worker.js';
import type { WhisperResult, WhisperTask, WhisperWorkerData } from './whisper.worker.js';
import { workerEntry } from './worker-file.js';

/** The embedding pool's type. */
export type EmbeddingPool = InferencePool<EmbeddingTask, EmbeddingResult>;
/** The Whisper pool's type. */
export type WhisperPool = InferencePool<WhisperTask, WhisperResult>;
/** The VAD pool's type. */
export type VadPool = InferencePool<VadTask, VadResult>;

/** The noise suppression pool's type. */
export type NoisePool = InferencePool<NoiseTask, NoiseResult>;

/** The espeak-ng synthesis pool's type (wire bytes out). */
export type EspeakPool = InferencePool<EspeakTask, Uint8Array>;

/** The runtime's inference pools. */
export interface InferencePools {
  embedding: EmbeddingPool;
  whisper: WhisperPool;
  vad: VadPool;
  /** Stops every thread; queued tasks are rejected. */
  close(): Promise<void>;
}

/** Dependencies of the pool factories. */
export interface InferencePoolDeps {
  registry: Registry;
  logger: Logger;
}

function common(config: InferenceConfig) {
  return {
    modelDir: config.modelDir,
    allowDownloads: config.allowDownloads,
    intraOpNumThreads: config.intraOpNumThreads,
  };
}

/** Creates the embedding pool (`config.embedder`, `config.pools.embedding`). */
export function createEmbeddingPool(
  config: InferenceConfig,
  deps: InferencePoolDeps,
): EmbeddingPool {
  const workerData: EmbeddingWorkerData = { ...common(config), model: config.embedder };
  return new InferencePool({
    name: 'embedding',
    worker: workerEntry('embedding'),
    workerData,
    ...config.pools.embedding,
    ...deps,
  });
}

/** {@link openEmbeddingPool}'s result: the pool, or why the embedding model is not available. */
export type OpenedEmbeddingPool =
  | { pool: EmbeddingPool; unavailable?: undefined }
  | { pool?: undefined; unavailable: string };

/**
 * Checks that the embedding model is in the model folder (or may be downloaded) and creates its
 * pool; otherwise says why there is none, so the caller can log it once and fall back.
 *
 * @example
 * ```ts
 * const { pool, unavailable } = openEmbeddingPool(config, { registry, logger });
 * const embedder = pool ? await LocalEmbedder.create(pool, config) : undefined;
 * ```
 */
export function openEmbeddingPool(
  config: InferenceConfig,
  deps: InferencePoolDeps,
): OpenedEmbeddingPool {
  const { id, revision } = config.embedder;
  if (!config.allowDownloads && !isModelPresent(config.modelDir, id, revision)) {
    return {
      unavailable: `local embedding model "${id}" is not in ${config.modelDir} (run \`voxstate models pull\`)`,
    };
  }
  return { pool: createEmbeddingPool(config, deps) };
}

/** Creates the Whisper pool (`config.whisper`, `config.pools.whisper`). */
export function createWhisperPool(config: InferenceConfig, deps: InferencePoolDeps): WhisperPool {
  const { id, revision, dtype, maxNewTokens } = config.whisper;
  const workerData: WhisperWorkerData = {
    ...common(config),
    model: { id, revision, dtype },
    maxNewTokens,
  };
  return new InferencePool({
    name: 'whisper',
    worker: workerEntry('whisper'),
    workerData,
    ...config.pools.whisper,
    ...deps,
  });
}

/** Creates the VAD pool (`config.vad.modelPath`, `config.pools.vad`). */
export function createVadPool(config: InferenceConfig, deps: InferencePoolDeps): VadPool {
  const workerData: VadWorkerData = {
    modelPath: config.vad.modelPath,
    intraOpNumThreads: config.intraOpNumThreads,
  };
  return new InferencePool({
    name: 'vad',
    worker: workerEntry('vad'),
    workerData,
    ...config.pools.vad,
    ...deps,
  });
}

/**
 * Creates the noise suppression pool (RNNoise in WASM; `VOXSTATE_NOISE_THREADS`,
 * `VOXSTATE_NOISE_MAX_QUEUE`): create it only when some call may use noise suppression.
 */
export function createNoisePool(config: PoolConfig, deps: InferencePoolDeps): NoisePool {
  return new InferencePool({
    name: 'noise',
    worker: workerEntry('noise'),
    ...config,
    // The WASM heap is a few MB; the call states cross with each task.
    resourceLimits: { maxOldGenerationSizeMb: 128 },
    ...deps,
  });
}

/** Options of {@link createEspeakPool}. */
export interface EspeakPoolOptions {
  /** Worker threads (default 1). */
  threads?: number;
  /** Most tasks waiting for a thread before runs fail with QueueFullError (default 64). */
  maxQueue?: number;
}

/**
 * Creates the espeak-ng synthesis pool. An abort leaves a running synthesis to finish on its
 * thread (see {@link InferencePool}), so the thread keeps its compiled WASM module and the
 * instance it prepared ahead.
 */
export function createEspeakPool(options: EspeakPoolOptions, deps: InferencePoolDeps): EspeakPool {
  const threads = options.threads ?? 1;
  return new InferencePool({
    name: 'espeak',
    worker: workerEntry('espeak'),
    minThreads: threads,
    maxThreads: threads,
    maxQueue: options.maxQueue ?? 64,
    idleTimeoutMs: 60_000,
    // Each thread holds a 32 MB WASM heap and 18 MB of voice data per prepared instance.
    resourceLimits: { maxOldGenerationSizeMb: 256 },
    ...deps,
  });
}

/**
 * Creates the embedding, Whisper and VAD pools.
 *
 * @example
 * ```ts
 * const pools = createInferencePools(inferenceConfigFromEnv(process.env), { registry, logger });
 * const embedder = await LocalEmbedder.create(pools.embedding, config);
 * const stt = new WhisperStt(pools.whisper, config);
 * const vad = new VadSession(pools.vad); // one per call
 * await pools.close();
 * ```
 */
export function createInferencePools(
  config: InferenceConfig,
  deps: InferencePoolDeps,
): InferencePools {
  const embedding = createEmbeddingPool(config, deps);
  const whisper = createWhisperPool(config, deps);
  const vad = createVadPool(config, deps);
  return {
    embedding,
    whisper,
    vad,
    close: async () => {
      await Promise.all([embedding.close(), whisper.close(), vad.close()]);
    },
  };
}
