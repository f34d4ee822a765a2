/**
 * A call's recording as the console serves it to its `<audio>` player: the file named by the
 * call's `recordingPath`, only from the data folder's recordings, with HTTP byte ranges (players seek
 * with `Range: bytes=...`; 206 with `Content-Range`, 416 when the range is outside the file).
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { resolveRecordingPath } from '../calllog/recordings.js';
import type { OpsReply } from '../ops/server.js';

const AUDIO_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.flac': 'audio/flac',
  '.webm': 'audio/webm',
};

/**
 * The file `recordingPath` names inside `<root>/recordings`, or undefined for any other path
 * (absolute, or climbing out): a call record is data, and only recordings are ever served.
 */
export function recordingFile(root: string, recordingPath: string): string | undefined {
  try {
    return resolveRecordingPath(root, recordingPath);
  } catch {
    return undefined;
  }
}

/** Parses one `bytes=` range of a file of `size` bytes: [start, end] inclusive, or 'bad'. */
export function byteRange(
  header: string | undefined,
  size: number,
): [number, number] | 'bad' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'bad';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'bad';
  return [start, end];
}

/**
 * The reply for a recording: the whole file (200), a range of it (206), 416 for a range outside
 * it, 404 when it is missing or outside `root`.
 */
export async function recordingReply(
  root: string,
  recordingPath: string,
  range: string | undefined,
): Promise<OpsReply> {
  const file = recordingFile(root, recordingPath);
  const missing: OpsReply = { status: 404, body: '<p>No recording.</p>' };
  if (!file) return missing;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return missing;
  const type = AUDIO_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const size = info.size;
  const wanted = byteRange(range, size);
  if (wanted === 'bad') {
    return {
      status: 416,
      type: 'text/plain; charset=utf-8',
      body: 'range not satisfiable',
      headers: { 'content-range': `bytes */${size}`, 'accept-ranges': 'bytes' },
    };
  }
  const [start, end] = wanted ?? [0, size - 1];
  return {
    status: wanted ? 206 : 200,
    type,
    body: createReadStream(file, size > 0 ? { start, end } : {}),
    headers: {
      'accept-ranges': 'bytes',
      'content-length': String(size > 0 ? end - start + 1 : 0),
      ...(wanted ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    },
  };
}
