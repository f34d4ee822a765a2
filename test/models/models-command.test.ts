import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { run } from '../../src/cli/commands/models.js';
import { ensureTinyModels } from '../fixtures/tiny-models.js';

const models = await ensureTinyModels();
const tmp = await mkdtemp(join(tmpdir(), 'voxstate-pull-'));

const requests: string[] = [];
const hub: Server = createServer((req, res) => {
  requests.push(req.url ?? '');
  res.writeHead(404).end('Entry not found');
});
await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;

afterAll(async () => {
  await new Promise((r) => hub.close(r));
  await rm(tmp, { recursive: true, force: true });
});

function io() {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d) => {
    o += d;
  });
  err.on('data', (d) => {
    e += d;
  });
  return { io: { out, err }, out: () => o, err: () => e };
}

describe('voxstate models', () => {
  test('list prints the models in the folder', async () => {
    const t = io();
    expect(await run(['list', '--model-dir', models.modelDir], t.io, {})).toBe(0);
    expect(t.out()).toContain(`models in ${models.modelDir}:`);
    expect(t.out()).toMatch(/tiny-whisper .*onnx\/decoder_model_merged\.onnx/);
  });

  test('list --json and an empty folder', async () => {
    const t = io();
    expect(await run(['list', '--json'], t.io, { VOXSTATE_MODEL_DIR: models.modelDir })).toBe(0);
    const parsed = JSON.parse(t.out()) as { models: { id: string }[] };
    expect(parsed.models.map((m) => m.id)).toContain('tiny-bert');
    const empty = io();
    expect(await run(['list', '--model-dir', tmp], empty.io, {})).toBe(0);
    expect(empty.out()).toContain('voxstate models pull');
  });

  test('pull reports an unknown model on the hub as one clear line, exit 1', async () => {
    const t = io();
    const code = await run(['pull', 'nobody/no-such-model', '--model-dir', tmp], t.io, {
      HF_ENDPOINT: hubUrl,
    });
    expect(code).toBe(1);
    expect(requests.some((u) => u.startsWith('/nobody/no-such-model/resolve/main/'))).toBe(true);
    const lines = t.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^voxstate models: huggingface: could not pull "nobody\/no-such-model"/,
    );
  });

  test('pull with the hub unreachable fails the same way', async () => {
    const t = io();
    const code = await run(['pull', 'a/b', '--model-dir', tmp], t.io, {
      HF_ENDPOINT: 'http://127.0.0.1:9',
    });
    expect(code).toBe(1);
    expect(t.err()).toMatch(/could not pull "a\/b" from http:\/\/127\.0\.0\.1:9\//);
  });

  test('usage, unknown subcommands and bad options', async () => {
    const help = io();
    expect(await run(['--help'], help.io, {})).toBe(0);
    expect(help.out()).toContain('voxstate models pull [ids...]');
    const bad = io();
    expect(await run(['frobnicate'], bad.io, {})).toBe(2);
    expect(bad.err()).toContain('expected "pull" or "list"');
    const dtype = io();
    expect(await run(['pull', 'a/b', '--dtype', 'fp64'], dtype.io, {})).toBe(2);
    expect(dtype.err()).toContain('--dtype must be one of');
  });
});
