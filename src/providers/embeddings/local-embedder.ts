/**
 * The local text embedder: a transformers.js feature-extraction model on the embedding worker
 * pool. Vectors are mean-pooled and L2-normalized; e5-style models get their `query: ` /
 * `passage: ` prefixes in the worker.
 *
 * @module
 */
import type { InferenceConfig } from '../../config/inference.js';
import { assertModelAvailable } from '../../models/model-folder.js';
import type { EmbeddingResult, EmbeddingTask } from '../../workers/embedding.worker.js';
import type { InferencePool } from '../../workers/inference-pool.js';
import type { Embedder, EmbedOptions } from './embedder.js';

type EmbeddingPool = Pick<InferencePool<EmbeddingTask, EmbeddingResult>, 'run'>;

/** Embeds texts on the worker pool. Build it with {@link LocalEmbedder.create}. */
export class LocalEmbedder implements Embedder {
  /** `local:<model id>`, used in cache keys and table names. */
  readonly model: string;
  readonly layer = 'local' as const;

  /** Use {@link LocalEmbedder.create}, which checks the model and learns `dimensions`. */
  constructor(
    private readonly pool: EmbeddingPool,
    modelId: string,
    readonly dimensions: number,
  ) {
    this.model = `local:${modelId}`;
  }

  /**
   * Checks that the model is in the model folder (or may be downloaded), loads it on a thread
   * with one warm-up embedding, and returns the embedder.
   *
   * @throws ModelMissingError when the model is missing and downloads are off.
   * @throws WorkerError when the model cannot be loaded.
   * @example
   * ```ts
   * const embedder = await LocalEmbedder.create(pools.embedding, config);
   * const [vector] = await embedder.embed(['when are you open?'], { kind: 'query', signal });
   * ```
   */
  static async create(
    pool: EmbeddingPool,
    config: Pick<InferenceConfig, 'embedder' | 'modelDir' | 'allowDownloads'>,
    options: { signal?: AbortSignal } = {},
  ): Promise<LocalEmbedder> {
    const { id, revision } = config.embedder;
    assertModelAvailable(id, {
      modelDir: config.modelDir,
      allowDownloads: config.allowDownloads,
      revision,
    });
    const warm = await pool.run({ texts: ['warm-up'], kind: 'query' }, options);
    return new LocalEmbedder(pool, id, warm.dimensions);
  }

  /**
   * Embeds texts; one vector per text, L2-normalized. The signal aborts the task while it
   * waits for a thread; a running task finishes on its thread and its result is dropped.
   */
  async embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const result = await this.pool.run(
      { texts: [...texts], kind: options.kind },
      options.signal ? { signal: options.signal } : {},
    );
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i++) {
      out.push(result.data.slice(i * result.dimensions, (i + 1) * result.dimensions));
    }
    return out;
  }
}
