/**
 * The local model folder: where a model lives, whether it is there, and what is there.
 *
 * Layout (the same that transformers.js reads offline and writes when downloading):
 * `<modelDir>/<owner>/<name>/config.json`, `.../onnx/*.onnx`, tokenizer files. A revision
 * other than `main` is cached under `<modelDir>/<owner>/<name>/<revision>/`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ModelMissingError } from '../errors.js';
import type { ModelFolderOptions } from './transformers-env.js';

/** The folder of model `id` (at `revision`) inside `modelDir`. */
export function modelPath(modelDir: string, id: string, revision = 'main'): string {
  return revision === 'main' ? join(modelDir, id) : join(modelDir, id, revision);
}

/** True when the folder of model `id` holds a `config.json`. */
export function isModelPresent(modelDir: string, id: string, revision = 'main'): boolean {
  return existsSync(join(modelPath(modelDir, id, revision), 'config.json'));
}

/**
 * Throws {@link ModelMissingError} when model `id` is not in the folder and downloads are off.
 * Called once when a client is built, so a missing model fails at startup with one clear
 * message, not on the first call.
 */
export function assertModelAvailable(
  id: string,
  options: ModelFolderOptions & { revision?: string },
): void {
  if (options.allowDownloads) return;
  if (!isModelPresent(options.modelDir, id, options.revision)) {
    throw new ModelMissingError(id, options.modelDir);
  }
}

/** One model found in the folder. */
export interface LocalModel {
  /** Model id, e.g. `Xenova/multilingual-e5-small`. */
  id: string;
  /** ONNX files, relative to the model folder. */
  onnxFiles: string[];
  /** Total size of the folder in bytes. */
  bytes: number;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Lists the models in `modelDir`: every folder holding a `config.json`, sorted by id. */
export async function listModels(modelDir: string): Promise<LocalModel[]> {
  const files = await walk(modelDir);
  const roots = files
    .filter((f) => f.endsWith(`${sep}config.json`) && !f.includes(`${sep}onnx${sep}`))
    .map((f) => f.slice(0, -`${sep}config.json`.length));
  const models: LocalModel[] = [];
  for (const root of roots) {
    if (roots.some((r) => r !== root && root.startsWith(r + sep))) continue;
    const own = files.filter((f) => f.startsWith(root + sep));
    let bytes = 0;
    for (const f of own) bytes += (await stat(f)).size;
    models.push({
      id: relative(modelDir, root).split(sep).join('/'),
      onnxFiles: own
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => relative(root, f).split(sep).join('/')),
      bytes,
    });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
