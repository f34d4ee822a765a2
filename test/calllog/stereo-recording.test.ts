/**
 * The stereo recording: caller left, bot right, on one clock, silence in the gaps, a valid
 * header at the end, a disk error that ends the recording (told once), and an opt-out that
 * deletes the file.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StereoRecording } from '../../src/calllog/stereo-recording.js';
import { readStereo } from '../helpers/wav.js';

const frame = (value: number) => {
  const b = Buffer.alloc(640);
  for (let i = 0; i < 320; i++) b.writeInt16LE(value, i * 2);
  return b;
};

/** The value of each 20 ms frame of a channel (its first sample). */
const frames = (ch: Int16Array) => Array.from({ length: ch.length / 320 }, (_, i) => ch[i * 320]);

describe('StereoRecording', () => {
  let dir: string;
  let now: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-rec-'));
    now = 1_000;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('puts the caller left and the bot right on one clock, silence in the gaps', async () => {
    const file = join(dir, 'recordings', '2026-12-06', 'c1.wav');
    const rec = new StereoRecording({ file, now: () => now, blockMs: 100, lagMs: 40 });
    // caller speaks frames 0-4, silence (nothing sent) 5-9, speaks 10-11; bot from frame 3 to 7
    for (let f = 0; f < 12; f++) {
      now = 1_000 + f * 20;
      if (f < 5 || f >= 10) rec.caller(frame(100 + f));
      if (f >= 3 && f < 8) rec.bot(frame(-(200 + f)));
    }
    now = 1_000 + 15 * 20;
    const summary = await rec.stop();
    expect(summary).toEqual({ ok: true, dataBytes: 15 * 1280, durationMs: 300 });
    const { left, right, rate } = readStereo(await readFile(file));
    expect(rate).toBe(16_000);
    expect(frames(left)).toEqual([100, 101, 102, 103, 104, 0, 0, 0, 0, 0, 110, 111, 0, 0, 0]);
    expect(frames(right)).toEqual([0, 0, 0, -203, -204, -205, -206, -207, 0, 0, 0, 0, 0, 0, 0]);
    expect(left.every((v, i) => v === left[i - (i % 320)])).toBe(true);
  });

  it('jitter leaves no holes: frames a little late are laid end to end', async () => {
    const file = join(dir, 'jitter.wav');
    const rec = new StereoRecording({ file, now: () => now, lagMs: 200 });
    const late = [0, 30, 45, 60, 95, 100, 120, 170, 175, 180]; // arrival of frames 0-9, ms
    late.forEach((at, f) => {
      now = 1_000 + at;
      rec.caller(frame(10 + f));
    });
    now = 1_000 + 200;
    await rec.stop();
    const { left } = readStereo(await readFile(file));
    expect(frames(left)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('after a silence, a burst starts at now and is laid end to end', async () => {
    const file = join(dir, 'burst.wav');
    const rec = new StereoRecording({ file, now: () => now });
    now = 1_000 + 200; // frame 10: after a silence, three frames arrive at once
    for (const v of [1, 2, 3]) rec.caller(frame(v));
    const summary = await rec.stop();
    const { left } = readStereo(await readFile(file));
    expect(frames(left)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3]);
    expect(summary.durationMs).toBe(260);
  });

  it('writes in blocks while the call goes on, not at the end only', async () => {
    const file = join(dir, 'long.wav');
    const rec = new StereoRecording({ file, now: () => now, blockMs: 200, lagMs: 0 });
    for (let f = 0; f < 30; f++) {
      now = 1_000 + f * 20;
      rec.caller(frame(7));
    }
    await expect.poll(async () => (await stat(file)).size).toBeGreaterThanOrEqual(44 + 20 * 1280);
    await rec.stop();
  });

  it('a disk error ends the recording, told once; later frames are dropped', async () => {
    await writeFile(join(dir, 'not-a-folder'), 'x');
    const errors: Error[] = [];
    const rec = new StereoRecording({
      file: join(dir, 'not-a-folder', 'c.wav'),
      now: () => now,
      onError: (err) => errors.push(err),
    });
    await expect.poll(() => errors.length).toBe(1);
    rec.caller(frame(1));
    expect(rec.recording).toBe(false);
    const summary = await rec.stop();
    expect(summary.ok).toBe(false);
    expect(errors[0]?.message).toMatch(/recording: .*not-a-folder/);
    expect(errors).toHaveLength(1);
  });

  it('a disk that cannot keep up ends the recording', async () => {
    const errors: Error[] = [];
    const rec = new StereoRecording({
      file: join(dir, 'slow.wav'),
      now: () => now,
      blockMs: 20,
      lagMs: 0,
      maxQueuedBytes: 1280 * 3,
      onError: (err) => errors.push(err),
    });
    for (let f = 0; f < 10; f++) {
      now = 1_000 + f * 20;
      rec.caller(frame(1)); // synchronously: nothing has reached the disk yet
    }
    expect(errors[0]?.message).toMatch(/too slow/);
    expect((await rec.stop()).ok).toBe(false);
  });

  it('discard deletes the file (an opt-out)', async () => {
    const file = join(dir, 'optout.wav');
    const rec = new StereoRecording({ file, now: () => now, blockMs: 20, lagMs: 0 });
    for (let f = 0; f < 5; f++) {
      now = 1_000 + f * 20;
      rec.caller(frame(3));
    }
    await rec.discard();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    rec.caller(frame(3));
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
