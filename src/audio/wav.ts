/**
 * Reads and writes RIFF/WAVE files.
 *
 * `readWav` accepts integer PCM (8, 16, 24 and 32 bit), IEEE float (32 and 64 bit), G.711 A-law
 * and mu-law, and WAVE_FORMAT_EXTENSIBLE wrappers of those; it skips chunks it does not know and
 * mixes all channels down to mono. `writeWav` writes 16-bit mono PCM.
 *
 * @module
 */

import { ParseError } from '../errors.js';
import { alawDecode, ulawDecode } from './g711.js';
import { float32ToInt16 } from './pcm.js';

/** A decoded WAV file. */
export interface WavAudio {
  sampleRate: number;
  /** Channels in the file; `samples` is always their mono mixdown. */
  channels: number;
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_ULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

interface Fmt {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

function fail(message: string): never {
  throw new ParseError('wav', message);
}

function tag(data: Uint8Array, offset: number): string {
  return String.fromCharCode(
    data[offset]!,
    data[offset + 1]!,
    data[offset + 2]!,
    data[offset + 3]!,
  );
}

function parseFmt(view: DataView, offset: number, size: number): Fmt {
  if (size < 16) fail(`fmt chunk is ${size} bytes, needs at least 16`);
  let format = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bits = view.getUint16(offset + 14, true);
  if (format === FORMAT_EXTENSIBLE) {
    if (size < 40) fail(`extensible fmt chunk is ${size} bytes, needs 40`);
    format = view.getUint16(offset + 24, true);
  }
  if (channels === 0) fail('fmt chunk declares 0 channels');
  if (sampleRate === 0) fail('fmt chunk declares a sample rate of 0');
  return { format, channels, sampleRate, bits, blockAlign };
}

/** A reader of one sample at a byte offset, as a float in [-1, 1]. */
function sampleReader(fmt: Fmt, view: DataView, data: Uint8Array): (at: number) => number {
  const { format, bits } = fmt;
  if (format === FORMAT_PCM) {
    if (bits === 8) return (at) => (view.getUint8(at) - 128) / 128;
    if (bits === 16) return (at) => view.getInt16(at, true) / 32768;
    if (bits === 24) {
      return (at) => ((view.getUint8(at + 2) << 24) | (view.getUint16(at, true) << 8)) / 2 ** 31;
    }
    if (bits === 32) return (at) => view.getInt32(at, true) / 2 ** 31;
  } else if (format === FORMAT_FLOAT) {
    if (bits === 32) return (at) => view.getFloat32(at, true);
    if (bits === 64) return (at) => view.getFloat64(at, true);
  } else if ((format === FORMAT_ULAW || format === FORMAT_ALAW) && bits === 8) {
    const table = format === FORMAT_ULAW ? ulawDecode(ALL_CODES) : alawDecode(ALL_CODES);
    return (at) => table[data[at]!]! / 32768;
  } else {
    fail(`unsupported format tag ${format} (only PCM, float, A-law and mu-law)`);
  }
  return fail(`unsupported sample size ${bits} bits for format tag ${format}`);
}

/**
 * Decodes a WAV file to mono Float32 samples.
 *
 * @throws {ParseError} when the bytes are not a WAV file this reader supports.
 * @example
 * ```ts
 * const { sampleRate, samples } = readWav(await readFile('hello.wav'));
 * ```
 */
export function readWav(data: Uint8Array): WavAudio {
  if (data.byteLength < 12) fail(`${data.byteLength} bytes is too short for a RIFF header`);
  if (tag(data, 0) !== 'RIFF') fail(`not a RIFF file (starts with "${tag(data, 0)}")`);
  if (tag(data, 8) !== 'WAVE') fail(`RIFF form is "${tag(data, 8)}", not "WAVE"`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let fmt: Fmt | undefined;
  let offset = 12;
  while (offset + 8 <= data.byteLength) {
    const id = tag(data, offset);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    // Truncated files: read what is there. Streaming writers leave sizes at 0 or 0xFFFFFFFF.
    const size = Math.min(declared, data.byteLength - body);
    if (id === 'fmt ') {
      if (declared > data.byteLength - body) fail('fmt chunk runs past the end of the file');
      fmt = parseFmt(view, body, size);
    } else if (id === 'data') {
      if (!fmt) fail('data chunk comes before the fmt chunk');
      const riffSize = view.getUint32(4, true);
      const streamed = riffSize === 0 || riffSize === 0xffffffff;
      const unknown = declared === 0xffffffff || (declared === 0 && streamed);
      const dataSize = unknown ? data.byteLength - body : size;
      return decode(fmt, view, data, body, dataSize);
    }
    offset = body + declared + (declared & 1);
  }
  return fail(fmt ? 'no data chunk' : 'no fmt chunk');
}

function decode(fmt: Fmt, view: DataView, data: Uint8Array, start: number, size: number): WavAudio {
  const read = sampleReader(fmt, view, data);
  const bytesPerSample = fmt.bits / 8;
  const frameBytes = fmt.blockAlign || fmt.channels * bytesPerSample;
  if (!Number.isInteger(bytesPerSample) || frameBytes < fmt.channels * bytesPerSample) {
    fail(`block align ${fmt.blockAlign} does not fit ${fmt.channels} x ${fmt.bits}-bit samples`);
  }
  const frames = Math.floor(size / frameBytes);
  const samples = new Float32Array(frames);
  const gain = 1 / fmt.channels;
  for (let i = 0; i < frames; i++) {
    const at = start + i * frameBytes;
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++) sum += read(at + c * bytesPerSample);
    samples[i] = sum * gain;
  }
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
}

/** Bytes of the canonical 16-bit PCM WAV header that {@link wavHeader} writes. */
export const WAV_HEADER_BYTES = 44;

/**
 * The 44-byte header of a 16-bit PCM WAV file holding `dataBytes` of interleaved samples: for
 * files written incrementally, whose header is rewritten once the length is known.
 *
 * @example
 * ```ts
 * await file.write(wavHeader(0, 16_000, 2), 0, 44, 0); // placeholder, fixed at the end
 * ```
 */
export function wavHeader(dataBytes: number, sampleRate: number, channels: number): Buffer {
  const out = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = channels * 2;
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(FORMAT_PCM, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * blockAlign, 28);
  out.writeUInt16LE(blockAlign, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return out;
}

/**
 * Encodes mono samples as a 16-bit PCM WAV file. Float samples are clamped to [-1, 1].
 *
 * @example
 * ```ts
 * await writeFile('out.wav', writeWav(samples, 16_000));
 * ```
 */
export function writeWav(samples: Float32Array | Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(FORMAT_PCM, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  if (samples instanceof Int16Array) {
    for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, 44 + 2 * i);
  } else {
    float32ToInt16(samples).copy(out, 44);
  }
  return out;
}
