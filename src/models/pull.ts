/**
 * Downloads models into the model folder with `@huggingface/transformers`' own loader, so the
 * files land exactly where the runtime reads them offline. Used by `voxstate models pull` on a
 * machine with internet access; the folder can then be copied to air-gapped hosts.
 *
 * @module
 */
import {
  AutoConfig,
  AutoModel,
  AutoProcessor,
  AutoTokenizer,
  env,
  WhisperForConditionalGeneration,
} from '@huggingface/transformers';
import type { ModelDtype } from '../config/inference.js';
import { ProviderError } from '../errors.js';
import { configureTransformers } from './transformers-env.js';

/** Progress of one file of one model. */
export interface PullProgress {
  model: string;
  file: string;
  loadedBytes: number;
  totalBytes: number;
  done: boolean;
}

/** One model to pull. */
export interface PullRequest {
  id: string;
  revision?: string;
  dtype?: ModelDtype;
}

/** Options of {@link pullModels}. */
export interface PullOptions {
  modelDir: string;
  onProgress?: (progress: PullProgress) => void;
  /** Hub base URL (a mirror); defaults to https://huggingface.co/. */
  remoteHost?: string;
}

interface ProgressInfo {
  status: string;
  name?: string;
  file?: string;
  loaded?: number;
  total?: number;
}

async function pullOne(request: PullRequest, options: PullOptions): Promise<void> {
  const revision = request.revision ?? 'main';
  const progress_callback = (info: ProgressInfo) => {
    if (!options.onProgress || !info.file) return;
    if (info.status === 'progress' || info.status === 'done') {
      options.onProgress({
        model: request.id,
        file: info.file,
        loadedBytes: info.loaded ?? 0,
        totalBytes: info.total ?? 0,
        done: info.status === 'done',
      });
    }
  };
  const common = { revision, progress_callback };
  const config = (await AutoConfig.from_pretrained(request.id, common)) as unknown as {
    model_type?: string;
  };
  await AutoTokenizer.from_pretrained(request.id, common);
  const modelOptions = { ...common, dtype: request.dtype ?? 'fp32', device: 'cpu' as const };
  if (config.model_type === 'whisper') {
    await AutoProcessor.from_pretrained(request.id, common);
    await WhisperForConditionalGeneration.from_pretrained(request.id, modelOptions);
  } else {
    await AutoModel.from_pretrained(request.id, modelOptions);
  }
}

/**
 * Downloads each model (config, tokenizer, processor, ONNX weights in the requested dtype) into
 * `modelDir/<id>/`, loading it once to prove it works.
 *
 * @throws ProviderError naming the model when the hub cannot be reached or has no such model.
 * @example
 * ```ts
 * await pullModels([{ id: 'Xenova/multilingual-e5-small', dtype: 'q8' }], { modelDir: './models' });
 * ```
 */
export async function pullModels(
  requests: readonly PullRequest[],
  options: PullOptions,
): Promise<void> {
  configureTransformers({ modelDir: options.modelDir, allowDownloads: true });
  const host = options.remoteHost ?? 'https://huggingface.co/';
  env.remoteHost = host.endsWith('/') ? host : `${host}/`;
  for (const request of requests) {
    try {
      await pullOne(request, options);
    } catch (err) {
      const cause =
        err instanceof Error
          ? (err.cause as { code?: string; message?: string } | undefined)
          : undefined;
      const detail = cause?.code ?? cause?.message;
      const reason =
        (err instanceof Error ? err.message : String(err)) + (detail ? ` (${detail})` : '');
      throw new ProviderError(
        'huggingface',
        `could not pull "${request.id}" from ${env.remoteHost}: ${reason}`,
        {
          cause: err,
        },
      );
    }
  }
}
