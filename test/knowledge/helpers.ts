/**
 * Shared helpers of the knowledge tests: temp folders, a copy of the sample knowledge base, and a
 * logger whose lines the test can read.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The sample knowledge base in the repository. */
export const SAMPLE_KB = resolve('examples/knowledge-base');

/** A temp folder, removed by the returned function. */
export async function tempDir(
  prefix = 'voxstate-kb-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies the sample knowledge base into `dir/knowledge-base` and returns that path. */
export async function copySampleKb(dir: string): Promise<string> {
  const target = join(dir, 'knowledge-base');
  await cp(SAMPLE_KB, target, { recursive: true });
  return target;
}
