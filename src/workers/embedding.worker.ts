/**
 * Embedding worker (piscina): feature extraction with mean pooling and L2 normalization,
 * through `@huggingface/transformers`. The model loads once per thread, on the first task.
 * e5-style models get the `query: ` / `passage: ` prefixes they were trained with.
 *
 * @module
 */
import './console-to-stderr.js';
import { type FeatureExtractionPipeline, pipeline } from '@huggingface/transformers';
import { workerData } from 'piscina';
import type { EmbedPrefixMode, ModelRef } from '../config/inference.js';
import { configureTransformers } from '../models/transformers-env.js';

/** Per-thread settings, sent as piscina `workerData`. */
export interface EmbeddingWorkerData {
  modelDir: string;
  allowDownloads: boolean;
  intraOpNumThreads: number;
  model: ModelRef & { prefixes: EmbedPrefixMode };
}

/** One embedding task. */
export interface EmbeddingTask {
  texts: string[];
  kind: 'query' | 'passage';
}

/** Row-major vectors: `texts.length` rows of `dimensions` floats, each L2-normalized. */
export interface EmbeddingResult {
  data: Float32Array;
  dimensions: number;
}

/** True when `mode` (or, for `auto`, the model id) asks for e5 prefixes. */
export function usesE5Prefixes(mode: EmbedPrefixMode, modelId: string): boolean {
  return mode === 'e5' || (mode === 'auto' && /(^|[/_-])e5([_-]|$)/i.test(modelId));
}

const data = workerData as EmbeddingWorkerData;
let extractor: Promise<FeatureExtractionPipeline> | undefined;

function load(): Promise<FeatureExtractionPipeline> {
  configureTransformers(data);
  return pipeline('feature-extraction', data.model.id, {
    dtype: data.model.dtype,
    revision: data.model.revision,
    device: 'cpu',
    session_options: { intraOpNumThreads: data.intraOpNumThreads, interOpNumThreads: 1 },
  }) as Promise<FeatureExtractionPipeline>;
}

/** Embeds `task.texts`. */
export default async function embed(task: EmbeddingTask): Promise<EmbeddingResult> {
  if (!extractor) {
    extractor = load();
    // A failed load is retried by the next task instead of failing the thread forever.
    extractor.catch(() => {
      extractor = undefined;
    });
  }
  const fe = await extractor;
  const prefix = usesE5Prefixes(data.model.prefixes, data.model.id) ? `${task.kind}: ` : '';
  const out = await fe(
    task.texts.map((t) => prefix + t),
    { pooling: 'mean', normalize: true },
  );
  const dimensions = out.dims.at(-1) ?? 0;
  const result = new Float32Array(out.data as Float32Array);
  out.dispose();
  return { data: result, dimensions };
}
