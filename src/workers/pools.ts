/**
 * Builds the three inference pools (embeddings, Whisper, voice activity) in one place, from
 * the inference configuration. Pools start their threads lazily up to `minThreads`; models load
 * on a thread's first task.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { InferenceConfig } from '../config/inference.js';
import type { Logger } from '../telemetry/logger.js';
import type { EmbeddingResult, EmbeddingTask, EmbeddingWorkerData } from './embedding.worker.js';
import { InferencePool } from './inference-pool.js';
import type { VadResult, VadTask, VadWorkerData } from './vad.worker.js';
import type { WhisperResult, WhisperTask, WhisperWorkerData } from './whisper.worker.js';
import { workerEntry } from './worker-file.js';

/** The runtime's inference pools. */
export interface InferencePools {
  embedding: InferencePool<EmbeddingTask, EmbeddingResult>;
  whisper: InferencePool<WhisperTask, WhisperResult>;
  vad: InferencePool<VadTask, VadResult>;
  /** Stops every thread; queued tasks are rejected. */
  close(): Promise<void>;
}

/** Dependencies of {@link createInferencePools}. */
export interface InferencePoolDeps {
  registry: Registry;
  logger: Logger;
}

/**
 * Creates the embedding, Whisper and VAD pools.
 *
 * @example
 * ```ts
 * const pools = createInferencePools(inferenceConfigFromEnv(process.env), { registry, logger });
 * const embedder = new LocalEmbedder(pools.embedding, config);
 * await pools.close();
 * ```
 */
export function createInferencePools(
  config: InferenceConfig,
  deps: InferencePoolDeps,
): InferencePools {
  const common = {
    modelDir: config.modelDir,
    allowDownloads: config.allowDownloads,
    intraOpNumThreads: config.intraOpNumThreads,
  };
  const embeddingData: EmbeddingWorkerData = { ...common, model: config.embedder };
  const whisperData: WhisperWorkerData = {
    ...common,
    model: {
      id: config.whisper.id,
      revision: config.whisper.revision,
      dtype: config.whisper.dtype,
    },
    maxNewTokens: config.whisper.maxNewTokens,
  };
  const vadData: VadWorkerData = {
    modelPath: config.vad.modelPath,
    intraOpNumThreads: config.intraOpNumThreads,
  };
  const embedding = new InferencePool<EmbeddingTask, EmbeddingResult>({
    name: 'embedding',
    worker: workerEntry('embedding'),
    workerData: embeddingData,
    ...config.pools.embedding,
    ...deps,
  });
  const whisper = new InferencePool<WhisperTask, WhisperResult>({
    name: 'whisper',
    worker: workerEntry('whisper'),
    workerData: whisperData,
    ...config.pools.whisper,
    ...deps,
  });
  const vad = new InferencePool<VadTask, VadResult>({
    name: 'vad',
    worker: workerEntry('vad'),
    workerData: vadData,
    ...config.pools.vad,
    ...deps,
  });
  return {
    embedding,
    whisper,
    vad,
    close: async () => {
      await Promise.all([embedding.close(), whisper.close(), vad.close()]);
    },
  };
}
