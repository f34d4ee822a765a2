/**
 * The recordings folder: names and paths (no way out of the folder), finding a call's
 * recording and streaming a byte range, the retention by age, and the repair of a file a crash
 * left with a header of length zero.
 */
import { mkdir, mkdtemp, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wavHeader } from '../../src/audio/wav.js';
import {
  enforceRecordingRetention,
  findRecording,
  openRecording,
  recordingFileName,
  recordingPathFor,
  repairRecordings,
  resolveRecordingPath,
} from '../../src/calllog/recordings.js';
import { readStereo } from '../helpers/wav.js';

const DAY = 86_400_000;

describe('recordings folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-recs-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A finished recording of `ms` of audio, last written `ageMs` ago. */
  async function put(path: string, ms: number, ageMs = 0): Promise<string> {
    const file = join(dir, path);
    await mkdir(join(file, '..'), { recursive: true });
    const data = Buffer.alloc((ms / 1000) * 16_000 * 4, 1);
    await writeFile(file, Buffer.concat([wavHeader(data.length, 16_000, 2), data]));
    const at = (Date.now() - ageMs) / 1000;
    await utimes(file, at, at);
    return file;
  }

  it('names a recording by the UTC day the call started and a safe file name', () => {
    expect(recordingPathFor('1733480000.42', Date.UTC(2026, 11, 6, 23, 59))).toBe(
      'recordings/2026-12-06/1733480000.42.wav',
    );
    expect(recordingFileName('../../etc/passwd')).toBe('__.._etc_passwd.wav');
    expect(recordingFileName('a b/c')).toBe('a_b_c.wav');
  });

  it('refuses a recordingPath that leaves the recordings folder', () => {
    expect(resolveRecordingPath('/data', 'recordings/2026-12-06/x.wav')).toBe(
      '/data/recordings/2026-12-06/x.wav',
    );
    for (const bad of [
      '../x.wav',
      'recordings/../calls.lance',
      '/etc/passwd',
      'recordings',
      'x.wav',
    ]) {
      expect(() => resolveRecordingPath('/data', bad), bad).toThrow(/not a recording path/);
    }
  });

  it('finds a call by its recordingPath or by id, and streams a byte range', async () => {
    await put('recordings/2026-12-05/c1.wav', 500);
    expect(await findRecording(dir, 'c1')).toMatchObject({
      recordingPath: 'recordings/2026-12-05/c1.wav',
      size: 44 + 32_000,
      durationMs: 500,
    });
    expect(await findRecording(dir, 'c2')).toBeUndefined();
    expect(await findRecording(dir, 'c1', 'recordings/2026-12-06/c1.wav')).toBeUndefined();
    const opened = await openRecording(dir, 'c1', { start: 40, end: 47 });
    const chunks: Buffer[] = [];
    for await (const c of opened!.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(
      Buffer.from([0x00, 0x7d, 0, 0, 1, 1, 1, 1]), // data size 32000, then the first samples
    );
    await expect(openRecording(dir, 'c1', { start: 99_999 })).rejects.toThrow(/outside/);
  });

  it('retention deletes recordings last written before the cutoff and empty day folders', async () => {
    await put('recordings/2026-10-01/old.wav', 100, 40 * DAY);
    await put('recordings/2026-11-30/week.wav', 100, 7 * DAY);
    await put('recordings/2026-12-06/new.wav', 100, 0);
    expect(await enforceRecordingRetention(dir, 30)).toMatchObject({ deleted: 1, kept: 2 });
    await expect(stat(join(dir, 'recordings/2026-10-01'))).rejects.toThrow(/ENOENT/);
    expect(await enforceRecordingRetention(dir, 1)).toMatchObject({ deleted: 1, kept: 1 });
    expect(await findRecording(dir, 'new')).toBeDefined();
    await expect(enforceRecordingRetention(dir, 0)).rejects.toThrow(/positive/);
  });

  it('repairs a file a crash left (header of length zero, a torn last sample)', async () => {
    const file = await put('recordings/2026-12-06/crashed.wav', 100, 10 * 60_000);
    const torn = (await stat(file)).size + 3;
    await writeFile(file, Buffer.concat([wavHeader(0, 16_000, 2), Buffer.alloc(torn - 44, 2)]));
    const old = (Date.now() - 10 * 60_000) / 1000;
    await utimes(file, old, old);
    const live = await put('recordings/2026-12-06/live.wav', 100, 0);
    await truncate(live, 44 + 100);
    await writeFile(live, wavHeader(0, 16_000, 2), { flag: 'r+' });

    expect(await repairRecordings(dir)).toEqual({
      repaired: ['recordings/2026-12-06/crashed.wav'],
    });
    const { left } = readStereo(await readFile(file));
    expect(left.length).toBe(1600);
    // a file written in the last two minutes may still be recording: left alone
    expect((await readFile(live)).readUInt32LE(40)).toBe(0);
    expect(await repairRecordings(dir)).toEqual({ repaired: [] });
  });
});
