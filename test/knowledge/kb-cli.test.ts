import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/kb.js';
import { ensureTinyModels } from '../fixtures/tiny-models.js';
import { copySampleKb, tempDir } from './helpers.js';

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  err.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return { io: { out, err }, text: () => ({ stdout, stderr }) };
}

describe('voxstate kb', () => {
  let dir: string;
  let kb: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    kb = await copySampleKb(dir);
  });
  afterAll(() => cleanup());

  it('prints usage and rejects bad input with one line', async () => {
    const a = io();
    expect(await run(['--help'], a.io, {})).toBe(0);
    expect(a.text().stdout).toContain('voxstate kb ingest <path...>');
    const b = io();
    expect(
      await run(['ingest', join(dir, 'missing')], b.io, { VOXSTATE_DATA_DIR: join(dir, 'd0') }),
    ).toBe(1);
    expect(b.text().stderr).toMatch(/^voxstate kb: no such file or folder: .*missing\n$/);
  });

  it('ingests and searches by keywords when no model is available, saying so once', async () => {
    const env = { VOXSTATE_DATA_DIR: join(dir, 'd1'), VOXSTATE_MODEL_DIR: join(dir, 'no-models') };
    await writeFile(
      join(kb, 'en', 'broken.csv'),
      'question,answer\n"Is it broken?","Yes"\n"one field"\n',
    );
    const a = io();
    expect(await run(['ingest', kb], a.io, env)).toBe(0);
    const { stdout, stderr } = a.text();
    expect(stdout).toMatch(/ingested 19 documents, \d+ chunks in [\d.]+ s/);
    expect(stdout).toContain('1 malformed records skipped');
    expect(stdout).toContain('models: none (keyword search only)');
    expect(stderr).toMatch(/broken\.csv:3: expected 2 fields, found 1/);
    expect(stderr.match(/keyword search only/g)).toHaveLength(1);

    const b = io();
    expect(
      await run(['search', 'how much is a birthday cake', '--k', '2', '--lang', 'en'], b.io, env),
    ).toBe(0);
    expect(b.text().stdout).toMatch(/^layer: keyword/);
    expect(b.text().stdout).toContain('found by keyword');
    expect(b.text().stdout).toContain('$38 per kilogram');
    expect(b.text().stdout.match(/^\d\. /gm)).toHaveLength(2);
  });

  it('uses the real local embedder on worker threads (tiny generated model)', async () => {
    const models = await ensureTinyModels();
    const env = {
      VOXSTATE_DATA_DIR: join(dir, 'd2'),
      VOXSTATE_MODEL_DIR: models.modelDir,
      VOXSTATE_EMBEDDER_MODEL: models.embedder,
      VOXSTATE_EMBEDDER_DTYPE: 'fp32',
      VOXSTATE_EMBEDDING_THREADS: '1',
    };
    const a = io();
    expect(await run(['ingest', kb, '--json'], a.io, env)).toBe(0);
    const summary = JSON.parse(a.text().stdout) as {
      chunks: number;
      embedded: number;
      models: string[];
    };
    expect(summary.models).toEqual([`local:${models.embedder}`]);
    expect(summary.embedded).toBe(summary.chunks);

    const again = io();
    expect(await run(['ingest', kb, '--json'], again.io, env)).toBe(0);
    expect((JSON.parse(again.text().stdout) as { embedded: number }).embedded).toBe(0);

    const b = io();
    expect(
      await run(
        ['search', 'Вы работаете в воскресенье?', '--lang', 'ru', '--json', '--threshold', '0'],
        b.io,
        env,
      ),
    ).toBe(0);
    const result = JSON.parse(b.text().stdout) as {
      layer: string;
      similarity: number;
      passages: Array<{ lang: string; foundBy: string[] }>;
    };
    expect(result.layer).toBe('local');
    expect(result.similarity).toBeGreaterThan(0);
    expect(result.passages[0]!.lang).toBe('ru');
    expect(result.passages.some((p) => p.foundBy.includes('vector'))).toBe(true);
  });
});
