/**
 * The recordings folder: `<data folder>/recordings/<YYYY-MM-DD>/<callId>.wav` (the UTC day the
 * call started). Here are the names (the call record keeps the path relative to the data
 * folder, `recordingPath`), the look-up of a call's recording (for a player: its size and a
 * read stream, with a byte range), the retention (`VOXSTATE_RECORDING_RETENTION_DAYS`, enforced
 * by `voxstate maintenance` and at `voxstate serve` start-up) and the repair of files a crash
 * left with a header of length zero.
 *
 * @module
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { open, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative } from 'node:path';
import { WAV_HEADER_BYTES, wavHeader } from '../audio/wav.js';
import { ConfigError } from '../errors.js';
import { RECORDING_SAMPLE_RATE } from './stereo-recording.js';

/** The folder under the data folder that holds the recordings. */
export const RECORDINGS_FOLDER = 'recordings';

const DAY_MS = 86_400_000;
const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
const STEREO_BLOCK = 4;
/** A file not written for this long is not being recorded any more (repair leaves others). */
const SETTLED_MS = 120_000;

/** A call id as a file name: letters, digits, `.`, `_` and `-`, the rest as `_`. */
export function recordingFileName(callId: string): string {
  const safe = callId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return `${safe.slice(0, 128) || 'call'}.wav`;
}

/** The recording's path relative to the data folder, for a call that started at `startedAt`. */
export function recordingPathFor(callId: string, startedAt: number): string {
  const day = new Date(startedAt).toISOString().slice(0, 10);
  return [RECORDINGS_FOLDER, day, recordingFileName(callId)].join('/');
}

/**
 * The absolute file of a `recordingPath`; throws for a path that leaves the recordings folder
 * (a record is data, not trusted as a path).
 *
 * @throws ConfigError for an absolute path or one outside `<dataDir>/recordings`.
 */
export function resolveRecordingPath(dataDir: string, recordingPath: string): string {
  const rel = normalize(recordingPath);
  const inside = relative(RECORDINGS_FOLDER, rel);
  if (isAbsolute(rel) || inside.startsWith('..') || inside === '' || isAbsolute(inside)) {
    throw new ConfigError(`not a recording path: ${recordingPath}`);
  }
  return join(dataDir, rel);
}

/** A recording found on disk. */
export interface RecordingFile {
  /** Relative to the data folder (the call record's `recordingPath`). */
  recordingPath: string;
  /** Absolute file. */
  file: string;
  /** Bytes, header included. */
  size: number;
  /** Length of the audio, ms (from the file size). */
  durationMs: number;
}

async function dayFolders(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, RECORDINGS_FOLDER)).catch(() => [] as string[]);
  return names.filter((n) => DAY_FOLDER.test(n)).sort();
}

async function describe(
  dataDir: string,
  recordingPath: string,
): Promise<RecordingFile | undefined> {
  const file = resolveRecordingPath(dataDir, recordingPath);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const data = Math.max(0, info.size - WAV_HEADER_BYTES);
  return {
    recordingPath,
    file,
    size: info.size,
    durationMs: (data / (STEREO_BLOCK * RECORDING_SAMPLE_RATE)) * 1000,
  };
}

/**
 * Finds a call's recording: at `recordingPath` when the call record has one, else by call id in
 * the day folders (newest first). Undefined when there is none (never recorded, or deleted by
 * the retention).
 *
 * @example
 * ```ts
 * const rec = await findRecording(dataDir, callId, record.recordingPath);
 * if (rec) console.log(rec.file, rec.durationMs);
 * ```
 */
export async function findRecording(
  dataDir: string,
  callId: string,
  recordingPath?: string,
): Promise<RecordingFile | undefined> {
  if (recordingPath) return describe(dataDir, recordingPath);
  const name = recordingFileName(callId);
  for (const day of (await dayFolders(dataDir)).reverse()) {
    const found = await describe(dataDir, [RECORDINGS_FOLDER, day, name].join('/'));
    if (found) return found;
  }
  return undefined;
}

/** A recording opened for reading (a player, a download). */
export interface RecordingStream extends RecordingFile {
  /** The bytes from `start` to `end` (inclusive), the whole file by default. */
  stream: ReadStream;
  start: number;
  end: number;
}

/**
 * Opens a call's recording for streaming, optionally one byte range (HTTP `Range`).
 *
 * @throws ConfigError for a range outside the file.
 * @example
 * ```ts
 * const rec = await openRecording(dataDir, callId);
 * if (rec) rec.stream.pipe(res);
 * ```
 */
export async function openRecording(
  dataDir: string,
  callId: string,
  options: { recordingPath?: string; start?: number; end?: number } = {},
): Promise<RecordingStream | undefined> {
  const found = await findRecording(dataDir, callId, options.recordingPath);
  if (!found) return undefined;
  const start = options.start ?? 0;
  const end = Math.min(options.end ?? found.size - 1, found.size - 1);
  if (start < 0 || start > end) {
    throw new ConfigError(`range ${start}-${end} is outside the recording (${found.size} bytes)`);
  }
  return { ...found, start, end, stream: createReadStream(found.file, { start, end }) };
}

/** What {@link enforceRecordingRetention} did. */
export interface RecordingRetentionResult {
  /** Recordings last written before this epoch ms were deleted. */
  cutoff: number;
  deleted: number;
  /** Recordings kept. */
  kept: number;
}

/**
 * Deletes recordings last written more than `days` ago, and day folders left empty.
 *
 * @throws ConfigError for a retention that is not a positive number of days.
 */
export async function enforceRecordingRetention(
  dataDir: string,
  days: number,
  now: number = Date.now(),
): Promise<RecordingRetentionResult> {
  if (!Number.isFinite(days) || days <= 0) {
    throw new ConfigError(`recording retention must be a positive number of days, not ${days}`);
  }
  const cutoff = now - days * DAY_MS;
  let deleted = 0;
  let kept = 0;
  for (const day of await dayFolders(dataDir)) {
    const folder = join(dataDir, RECORDINGS_FOLDER, day);
    const names = await readdir(folder).catch(() => [] as string[]);
    let left = names.length;
    for (const name of names) {
      const file = join(folder, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || !name.endsWith('.wav')) continue;
      if (info.mtimeMs < cutoff) {
        await rm(file, { force: true });
        deleted++;
        left--;
      } else kept++;
    }
    if (left === 0) await rmdir(folder).catch(() => undefined);
  }
  return { cutoff, deleted, kept };
}

/** What {@link repairRecordings} did. */
export interface RepairResult {
  /** Files whose header was rewritten, relative to the data folder. */
  repaired: string[];
}

/**
 * Fixes the header of recordings a crash left unfinished (the length in the header is not the
 * file's), so that every WAV in the folder plays. Files written in the last two minutes are left
 * alone: another instance may be recording them.
 */
export async function repairRecordings(
  dataDir: string,
  now: number = Date.now(),
): Promise<RepairResult> {
  const repaired: string[] = [];
  for (const day of await dayFolders(dataDir)) {
    const folder = join(dataDir, RECORDINGS_FOLDER, day);
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (!name.endsWith('.wav')) continue;
      const file = join(folder, name);
      if (await repairOne(file, now)) repaired.push([RECORDINGS_FOLDER, day, name].join('/'));
    }
  }
  return { repaired };
}

async function repairOne(file: string, now: number): Promise<boolean> {
  const handle = await open(file, 'r+').catch(() => undefined);
  if (!handle) return false;
  try {
    const info = await handle.stat();
    if (info.size < WAV_HEADER_BYTES || now - info.mtimeMs < SETTLED_MS) return false;
    const head = Buffer.alloc(WAV_HEADER_BYTES);
    await handle.read(head, 0, WAV_HEADER_BYTES, 0);
    if (head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 36, 40) !== 'data') {
      return false;
    }
    const whole = info.size - WAV_HEADER_BYTES - ((info.size - WAV_HEADER_BYTES) % STEREO_BLOCK);
    if (head.readUInt32LE(40) === whole && info.size === WAV_HEADER_BYTES + whole) return false;
    if (info.size !== WAV_HEADER_BYTES + whole) await handle.truncate(WAV_HEADER_BYTES + whole);
    await handle.write(wavHeader(whole, RECORDING_SAMPLE_RATE, 2), 0, WAV_HEADER_BYTES, 0);
    // The retention counts from the last audio written, not from the repair.
    await handle.utimes(info.atime, info.mtime);
    return true;
  } finally {
    await handle.close();
  }
}
