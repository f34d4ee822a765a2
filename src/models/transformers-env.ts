/**
 * Points `@huggingface/transformers` at the voxstate model folder, in offline or download mode.
 * Used by every worker thread and by `voxstate models pull`.
 *
 * @module
 */
import { env } from '@huggingface/transformers';

/** Where models live and whether they may be downloaded. */
export interface ModelFolderOptions {
  modelDir: string;
  allowDownloads: boolean;
}

/**
 * Configures the library for this thread: local files from `modelDir/<id>/`, downloads (when
 * allowed) cached into the same folder, so that a pulled model is found offline later.
 */
export function configureTransformers(options: ModelFolderOptions): void {
  env.allowLocalModels = true;
  env.localModelPath = options.modelDir.endsWith('/') ? options.modelDir : `${options.modelDir}/`;
  env.cacheDir = options.modelDir;
  env.useFSCache = true;
  env.allowRemoteModels = options.allowDownloads;
  env.logLevel = 40;
}
