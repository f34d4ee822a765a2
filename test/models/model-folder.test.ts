import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ModelMissingError } from '../../src/errors.js';
import {
  assertModelAvailable,
  isModelPresent,
  listModels,
  modelPath,
} from '../../src/models/model-folder.js';
import { ensureTinyModels } from '../fixtures/tiny-models.js';

const models = await ensureTinyModels();
const tmp = await mkdtemp(join(tmpdir(), 'voxstate-models-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('model folder', () => {
  test('lists the generated models with their ONNX files', async () => {
    const list = await listModels(models.modelDir);
    const ids = list.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['tiny-bert', 'tiny-whisper']));
    const whisper = list.find((m) => m.id === 'tiny-whisper');
    expect(whisper?.onnxFiles.sort()).toEqual([
      'onnx/decoder_model_merged.onnx',
      'onnx/encoder_model.onnx',
    ]);
    expect(whisper?.bytes).toBeGreaterThan(100_000);
  });

  test('lists owner/name ids and ignores folders without config.json', async () => {
    await mkdir(join(tmp, 'Xenova', 'multilingual-e5-small', 'onnx'), { recursive: true });
    await writeFile(join(tmp, 'Xenova', 'multilingual-e5-small', 'config.json'), '{}');
    await writeFile(
      join(tmp, 'Xenova', 'multilingual-e5-small', 'onnx', 'model_quantized.onnx'),
      'x',
    );
    await mkdir(join(tmp, 'half-copied'), { recursive: true });
    expect(await listModels(tmp)).toEqual([
      { id: 'Xenova/multilingual-e5-small', onnxFiles: ['onnx/model_quantized.onnx'], bytes: 3 },
    ]);
    expect(await listModels(join(tmp, 'does-not-exist'))).toEqual([]);
  });

  test('presence, revision folders and the offline check', () => {
    expect(isModelPresent(models.modelDir, 'tiny-bert')).toBe(true);
    expect(isModelPresent(models.modelDir, 'tiny-bert', 'v2')).toBe(false);
    expect(modelPath('/m', 'a/b', 'v2')).toBe(join('/m', 'a/b', 'v2'));
    expect(() =>
      assertModelAvailable('tiny-bert', { modelDir: models.modelDir, allowDownloads: false }),
    ).not.toThrow();
    expect(() =>
      assertModelAvailable('x/y', { modelDir: models.modelDir, allowDownloads: true }),
    ).not.toThrow();
    let err: unknown;
    try {
      assertModelAvailable('x/y', { modelDir: tmp, allowDownloads: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelMissingError);
    expect((err as Error).message).toBe(
      `model "x/y" is not in ${tmp} and offline mode is on; run \`voxstate models pull x/y\` ` +
        `on a machine with internet access and copy ${tmp} here, or set VOXSTATE_MODEL_DIR`,
    );
  });
});
