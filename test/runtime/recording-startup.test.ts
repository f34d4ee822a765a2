/**
 * `voxstate serve` start-up and recordings: files a crash left open are finished, those past
 * `VOXSTATE_RECORDING_RETENTION_DAYS` deleted, and a failure is logged, never fatal.
 */
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wavHeader } from '../../src/audio/wav.js';
import { enforceRecordingRetentionAtStart } from '../../src/runtime/startup.js';
import { captureLogs } from '../helpers/logs.js';

const DAY = 86_400_000;

describe('recordings at serve start-up', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-rec-start-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function put(name: string, ageMs: number, dataBytes: number): Promise<string> {
    const file = join(dir, 'recordings', '2026-12-01', name);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, Buffer.concat([wavHeader(dataBytes, 16_000, 2), Buffer.alloc(1280)]));
    const at = (Date.now() - ageMs) / 1000;
    await utimes(file, at, at);
    return file;
  }

  it('finishes crashed files and deletes old ones, logging both', async () => {
    const crashed = await put('crashed.wav', 10 * 60_000, 0);
    const old = await put('old.wav', 40 * DAY, 1280);
    const logs = captureLogs();
    await enforceRecordingRetentionAtStart(dir, 30, logs.logger);
    expect((await readFile(crashed)).readUInt32LE(40)).toBe(1280);
    await expect(stat(old)).rejects.toThrow(/ENOENT/);
    expect(logs.find('recordings left by a crash finished')[0]).toMatchObject({
      repaired: ['recordings/2026-12-01/crashed.wav'],
    });
    expect(logs.find('recording retention enforced')[0]).toMatchObject({ deleted: 1, kept: 1 });
  });

  it('a failure is a warning, not a failed start', async () => {
    const logs = captureLogs();
    await enforceRecordingRetentionAtStart(dir, -1, logs.logger);
    expect(logs.find('recording retention failed at start-up')[0]?.err).toMatch(/positive/);
  });
});
