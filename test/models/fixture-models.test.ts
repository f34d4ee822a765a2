import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeBertModel } from '../fixtures/tiny-bert.js';
import { ensureTinyModels, FIXTURE_MODEL_DIR } from '../fixtures/tiny-models.js';
import { writeWhisperModel } from '../fixtures/tiny-whisper.js';

const tmp = await mkdtemp(join(tmpdir(), 'voxstate-fixtures-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function digest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const sub of ['', 'onnx']) {
    for (const name of await readdir(join(dir, sub))) {
      if (name === 'onnx' || name.startsWith('.')) continue;
      out[join(sub, name)] = createHash('sha256')
        .update(await readFile(join(dir, sub, name)))
        .digest('hex');
    }
  }
  return out;
}

describe('generated fixture models', () => {
  test('generation is deterministic, byte for byte', async () => {
    await writeBertModel(join(tmp, 'a'), { hidden: 64, layers: 0, ffn: 64, seed: 1 });
    await writeBertModel(join(tmp, 'b'), { hidden: 64, layers: 0, ffn: 64, seed: 1 });
    expect(await digest(join(tmp, 'a'))).toEqual(await digest(join(tmp, 'b')));
    await writeWhisperModel(join(tmp, 'c'));
    await writeWhisperModel(join(tmp, 'd'));
    expect(await digest(join(tmp, 'c'))).toEqual(await digest(join(tmp, 'd')));
    // the folder the suite uses holds the same bytes
    expect(await digest(join(FIXTURE_MODEL_DIR, 'tiny-bert'))).toEqual(
      await digest(join(tmp, 'a')),
    );
    expect(await digest(join(FIXTURE_MODEL_DIR, 'tiny-whisper'))).toEqual(
      await digest(join(tmp, 'c')),
    );
  });

  test('ensureTinyModels rewrites nothing when the models exist', async () => {
    await ensureTinyModels();
    const folders = ['tiny-bert', 'tiny-whisper', 'broken-bert'].map((id) =>
      join(FIXTURE_MODEL_DIR, id),
    );
    const before = await Promise.all(folders.map((dir) => stat(dir)));
    const models = await ensureTinyModels();
    const after = await Promise.all(folders.map((dir) => stat(dir)));
    expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
    expect(models).toMatchObject({
      embedder: 'tiny-bert',
      whisper: 'tiny-whisper',
      broken: 'broken-bert',
    });
  });
});
