/**
 * Opens the local embedding model for tools that run without the full runtime (the `kb`
 * commands, the retrieval benchmark): one embedding worker pool and a {@link LocalEmbedder}. When
 * the model is not in the model folder (and downloads are off) or cannot be loaded, it says so
 * once and returns undefined, and the caller falls back to keyword search.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { InferenceConfig } from '../config/inference.js';
import { LocalEmbedder } from '../providers/embeddings/local-embedder.js';
import type { Logger } from '../telemetry/logger.js';
import { openEmbeddingPool } from '../workers/pools.js';

/** An open local embedder and the pool behind it. */
export interface LocalEmbedding {
  embedder: LocalEmbedder;
  /** Stops the worker threads. */
  close(): Promise<void>;
}

/** The result of {@link openLocalEmbedding}: the embedder, or why there is none. */
export type LocalEmbeddingResult =
  | { local: LocalEmbedding; unavailable?: undefined }
  | { local?: undefined; unavailable: string };

/**
 * Starts the embedding pool and loads the configured model, or says why it is not available
 * (the caller logs it once, with what it does instead).
 *
 * @example
 * ```ts
 * const { local, unavailable } = await openLocalEmbedding(inferenceConfigFromEnv(process.env), { registry, logger });
 * const embedders = local ? [local.embedder] : [];
 * ```
 */
export async function openLocalEmbedding(
  config: InferenceConfig,
  deps: { registry: Registry; logger: Logger },
): Promise<LocalEmbeddingResult> {
  const { pool, unavailable } = openEmbeddingPool(config, deps);
  if (!pool) return { unavailable };
  try {
    const embedder = await LocalEmbedder.create(pool, config);
    return { local: { embedder, close: () => pool.close() } };
  } catch (err) {
    await pool.close();
    return {
      unavailable: `local embedding model "${config.embedder.id}" could not be loaded: ${(err as Error).message}`,
    };
  }
}
