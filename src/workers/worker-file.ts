/**
 * Resolves a worker module's file name for piscina, from the TypeScript sources (tests, `tsx`)
 * or from the compiled `dist/` build, with the `execArgv` each needs.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

/** A worker module piscina can start. */
export interface WorkerEntry {
  /** Absolute path of the worker file. */
  filename: string;
  /** Extra Node flags for the thread: `--import tsx` when the file is TypeScript. */
  execArgv: string[];
}

/** True when this module itself runs from a `.ts` file (tsx or vitest), not from `dist/`. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * The entry for `src/workers/<name>.worker.ts` (or `dist/workers/<name>.worker.js`).
 *
 * @example
 * ```ts
 * const { filename, execArgv } = workerEntry('embedding');
 * new Piscina({ filename, execArgv });
 * ```
 */
export function workerEntry(name: string): WorkerEntry {
  const ext = FROM_SOURCE ? 'ts' : 'js';
  return fileEntry(fileURLToPath(new URL(`./${name}.worker.${ext}`, import.meta.url)));
}

/** The entry for any worker file path (used by tests for fixture workers). */
export function fileEntry(filename: string): WorkerEntry {
  return { filename, execArgv: filename.endsWith('.ts') ? ['--import', 'tsx'] : [] };
}
