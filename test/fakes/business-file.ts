/**
 * A business data file for a test: the sample business (examples/knowledge-base/business.json)
 * with fields added or replaced (tools, builtins, transfer targets, digits), written to a fresh
 * temporary folder. `remove()` deletes the folder.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_BUSINESS_FILE } from '../../src/runtime/config.js';

/** A written business file and how to remove it. */
export interface BusinessFile {
  path: string;
  remove(): Promise<void>;
}

/** Writes the sample business with `fields` merged over it. */
export async function writeBusinessFile(fields: Record<string, unknown>): Promise<BusinessFile> {
  const sample = JSON.parse(await readFile(SAMPLE_BUSINESS_FILE, 'utf8')) as Record<
    string,
    unknown
  >;
  const dir = await mkdtemp(join(tmpdir(), 'voxstate-business-'));
  const path = join(dir, 'business.json');
  await writeFile(path, JSON.stringify({ ...sample, ...fields }));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
