import { describe, expect, it } from 'vitest';
import { alawEncode, ulawEncode } from '../../src/audio/g711.js';
import { readWav, writeWav } from '../../src/audio/wav.js';
import { ParseError } from '../../src/errors.js';
import { sine } from '../helpers/signals.js';

interface FmtSpec {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  extensible?: boolean;
}

/** Builds a WAV file by hand, with optional extra chunks before `fmt ` and `data`. */
function buildWav(spec: FmtSpec, data: Uint8Array, extra: [string, number][] = []): Buffer {
  const parts: Buffer[] = [];
  const chunk = (id: string, body: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.byteLength, 4);
    parts.push(head, Buffer.from(body));
    if (body.byteLength & 1) parts.push(Buffer.alloc(1));
  };
  for (const [id, size] of extra) chunk(id, new Uint8Array(size).fill(0x41));
  const fmt = Buffer.alloc(spec.extensible ? 40 : 16);
  const blockAlign = (spec.channels * spec.bits) / 8;
  fmt.writeUInt16LE(spec.extensible ? 0xfffe : spec.format, 0);
  fmt.writeUInt16LE(spec.channels, 2);
  fmt.writeUInt32LE(spec.sampleRate, 4);
  fmt.writeUInt32LE(spec.sampleRate * blockAlign, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(spec.bits, 14);
  if (spec.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(spec.bits, 18);
    fmt.writeUInt16LE(spec.format, 24);
  }
  chunk('fmt ', fmt);
  chunk('data', data);
  const body = Buffer.concat(parts);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length + 4, 4);
  riff.write('WAVE', 8, 'latin1');
  return Buffer.concat([riff, body]);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('writeWav / readWav', () => {
  it('writes a canonical 44-byte header for 16-bit mono', () => {
    const wav = writeWav(Float32Array.of(0.5, -0.5), 16000);
    expect(wav.length).toBe(48);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(40);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt32LE(28)).toBe(32000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(4);
    expect([...wav.subarray(44)]).toEqual([0x00, 0x40, 0x00, 0xc0]);
  });

  it('round-trips Float32 and Int16 samples', () => {
    const x = sine(440, 22050, 0.1, 0.8);
    const back = readWav(writeWav(x, 22050));
    expect(back.sampleRate).toBe(22050);
    expect(back.channels).toBe(1);
    expect(maxDiff(back.samples, x)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
    const ints = Int16Array.of(0, 1, -1, 32767, -32768);
    const read = readWav(writeWav(ints, 8000)).samples;
    expect(Array.from(read, (v) => v * 32768)).toEqual([0, 1, -1, 32767, -32768]);
  });

  it('reads a file from an unaligned offset inside a larger buffer', () => {
    const wav = writeWav(Float32Array.of(0.25, -0.25, 0.5), 16000);
    const backing = Buffer.alloc(wav.length + 3);
    wav.copy(backing, 3);
    expect(Array.from(readWav(backing.subarray(3)).samples)).toEqual([0.25, -0.25, 0.5]);
  });
});

describe('readWav formats', () => {
  it('mixes stereo 16-bit down to mono and skips unknown chunks (odd sizes padded)', () => {
    const data = Buffer.alloc(8);
    data.writeInt16LE(16384, 0);
    data.writeInt16LE(0, 2);
    data.writeInt16LE(-16384, 4);
    data.writeInt16LE(-16384, 6);
    const wav = buildWav({ format: 1, channels: 2, sampleRate: 44100, bits: 16 }, data, [
      ['LIST', 7],
      ['junk', 2],
    ]);
    const out = readWav(wav);
    expect(out.channels).toBe(2);
    expect(out.sampleRate).toBe(44100);
    expect(Array.from(out.samples)).toEqual([0.25, -0.5]);
  });

  it('reads 8-bit unsigned, 24-bit and 32-bit float PCM', () => {
    expect(
      Array.from(
        readWav(
          buildWav(
            { format: 1, channels: 1, sampleRate: 8000, bits: 8 },
            Uint8Array.of(128, 192, 0),
          ),
        ).samples,
      ),
    ).toEqual([0, 0.5, -1]);
    const i24 = Uint8Array.of(0x00, 0x00, 0x40, 0x00, 0x00, 0xc0);
    expect(
      Array.from(
        readWav(buildWav({ format: 1, channels: 1, sampleRate: 8000, bits: 24 }, i24)).samples,
      ),
    ).toEqual([0.5, -0.5]);
    const f32 = Buffer.alloc(8);
    f32.writeFloatLE(0.125, 0);
    f32.writeFloatLE(-0.75, 4);
    const wav = buildWav(
      { format: 3, channels: 1, sampleRate: 48000, bits: 32, extensible: true },
      f32,
    );
    expect(Array.from(readWav(wav).samples)).toEqual([0.125, -0.75]);
  });

  it('reads mu-law and A-law', () => {
    const x = Int16Array.of(0, 1000, -1000, 30000);
    const mu = readWav(
      buildWav({ format: 7, channels: 1, sampleRate: 8000, bits: 8 }, ulawEncode(x)),
    );
    const a = readWav(
      buildWav({ format: 6, channels: 1, sampleRate: 8000, bits: 8 }, alawEncode(x)),
    );
    expect(Array.from(mu.samples, (v) => Math.round(v * 32768))).toEqual([0, 988, -988, 30076]);
    expect(Array.from(a.samples, (v) => Math.round(v * 32768))).toEqual([8, 1008, -1008, 30208]);
  });

  it('reads a streamed file whose data size is unknown (0xFFFFFFFF)', () => {
    const wav = writeWav(Float32Array.of(0.5, 0.5, 0.5), 16000);
    wav.writeUInt32LE(0xffffffff, 40);
    expect(readWav(wav).samples.length).toBe(3);
    wav.writeUInt32LE(0, 4);
    wav.writeUInt32LE(0, 40);
    expect(readWav(wav).samples.length).toBe(3);
  });

  it('reads an empty file and a truncated data chunk', () => {
    expect(readWav(writeWav(new Float32Array(0), 8000)).samples.length).toBe(0);
    const wav = writeWav(new Float32Array(10), 8000);
    expect(readWav(wav.subarray(0, wav.length - 5)).samples.length).toBe(7);
  });

  it.each([
    ['empty input', new Uint8Array(0), /too short/],
    ['not RIFF', Buffer.from('OggS0000WAVEfmt '), /not a RIFF/],
    ['RIFF but not WAVE', Buffer.from('RIFF\x04\x00\x00\x00AVI '), /not "WAVE"/],
    ['no fmt chunk', Buffer.from('RIFF\x04\x00\x00\x00WAVE'), /no fmt chunk/],
  ])('throws ParseError on %s', (_name, bytes, message) => {
    expect(() => readWav(bytes)).toThrow(ParseError);
    expect(() => readWav(bytes)).toThrow(message);
  });

  it('throws ParseError on unsupported or inconsistent formats', () => {
    const adpcm = buildWav(
      { format: 2, channels: 1, sampleRate: 8000, bits: 4 },
      new Uint8Array(4),
    );
    expect(() => readWav(adpcm)).toThrow(/unsupported format tag 2/);
    const bits12 = buildWav(
      { format: 1, channels: 1, sampleRate: 8000, bits: 12 },
      new Uint8Array(4),
    );
    expect(() => readWav(bits12)).toThrow(ParseError);
    const noChannels = buildWav(
      { format: 1, channels: 0, sampleRate: 8000, bits: 16 },
      new Uint8Array(4),
    );
    expect(() => readWav(noChannels)).toThrow(/0 channels/);
    const wav = writeWav(Float32Array.of(0.5), 16000);
    const truncatedFmt = wav.subarray(0, 30);
    expect(() => readWav(truncatedFmt)).toThrow(/fmt chunk runs past/);
    const noData = wav.subarray(0, 36);
    expect(() => readWav(noData)).toThrow(/no data chunk/);
  });
});
