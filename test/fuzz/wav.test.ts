import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWav, type WavAudio, writeWav } from '../../src/audio/wav.js';
import { ParseError } from '../../src/errors.js';
import { fuzz } from './fuzz-params.js';

/** Reads, and returns the audio or the ParseError; anything else thrown fails the test. */
function readOrError(bytes: Uint8Array): WavAudio | ParseError {
  try {
    const audio = readWav(bytes);
    expect(audio.channels).toBeGreaterThan(0);
    expect(audio.sampleRate).toBeGreaterThan(0);
    expect(audio.samples.length).toBeLessThanOrEqual(bytes.length);
    return audio;
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).source).toBe('wav');
    return err as ParseError;
  }
}

function chunk(id: string, body: Uint8Array, declared = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(declared >>> 0, 4);
  return Buffer.concat([head, body, body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** A fmt chunk body with arbitrary (often nonsensical) fields. */
const fmtBody = fc
  .record({
    format: fc.oneof(
      { arbitrary: fc.constantFrom(1, 3, 6, 7, 0xfffe), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 1 },
    ),
    channels: fc.oneof(
      { arbitrary: fc.constantFrom(1, 2), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 9 }), weight: 1 },
    ),
    sampleRate: fc.oneof(
      { arbitrary: fc.constantFrom(8000, 16000), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 0xffffffff }), weight: 1 },
    ),
    blockAlign: fc.integer({ min: 0, max: 64 }),
    bits: fc.oneof(
      { arbitrary: fc.constantFrom(8, 16, 24, 32, 64), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 0xffff }), weight: 1 },
    ),
    sub: fc.constantFrom(1, 3, 6, 7, 2),
    size: fc.constantFrom(14, 16, 18, 40, 40),
  })
  .map((f) => {
    const b = Buffer.alloc(f.size);
    if (f.size >= 16) {
      b.writeUInt16LE(f.format, 0);
      b.writeUInt16LE(f.channels, 2);
      b.writeUInt32LE(f.sampleRate, 4);
      b.writeUInt16LE(f.blockAlign, 12);
      b.writeUInt16LE(f.bits, 14);
    }
    if (f.size >= 40) b.writeUInt16LE(f.sub, 24);
    return b;
  });

/** RIFF/WAVE files assembled from fmt, data and junk chunks in any order, sizes sometimes lying. */
const structuredWav = fc
  .tuple(
    fc
      .tuple(
        fmtBody.map((b) => ({ id: 'fmt ', body: b })),
        fc.array(
          fc.oneof(
            fmtBody.map((b) => ({ id: 'fmt ', body: b })),
            fc.uint8Array({ maxLength: 200 }).map((b) => ({ id: 'data', body: b })),
            fc.uint8Array({ maxLength: 20 }).map((b) => ({ id: 'LIST', body: b })),
          ),
          { maxLength: 3 },
        ),
        fc.boolean(),
      )
      .map(([fmt, rest, fmtFirst]) => (fmtFirst ? [fmt, ...rest] : [...rest, fmt])),
    fc.array(fc.oneof(fc.constant(undefined), fc.constantFrom(0, 0xffffffff, 3, 1_000_000)), {
      maxLength: 4,
    }),
    fc.constantFrom(0, 0xffffffff, 36, 12345),
  )
  .map(([chunks, lies, riffSize]) => {
    const body = Buffer.concat(chunks.map((c, i) => chunk(c.id, c.body, lies[i] ?? c.body.length)));
    const head = Buffer.alloc(12);
    head.write('RIFF', 0, 'latin1');
    head.writeUInt32LE(riffSize, 4);
    head.write('WAVE', 8, 'latin1');
    return Buffer.concat([head, body]);
  });

describe('WAV reader fuzzing', () => {
  it('random bytes give a ParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(readOrError(bytes)).toBeInstanceOf(ParseError);
      }),
      fuzz(500),
    );
  });

  it('RIFF files with arbitrary chunks and lying sizes decode or give a ParseError', () => {
    let decoded = 0;
    fc.assert(
      fc.property(structuredWav, (bytes) => {
        if (!(readOrError(bytes) instanceof ParseError)) decoded++;
      }),
      fuzz(1000),
    );
    // The generator reaches the decoder, not only the header checks.
    expect(decoded).toBeGreaterThan(20);
  });

  it('mutated and truncated valid WAVs decode or give a ParseError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 100 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(),
        (samples, flips, cut) => {
          const bytes = writeWav(Int16Array.from(samples), 16_000);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          readOrError(bytes.subarray(0, cut % (bytes.length + 1)));
        },
      ),
      fuzz(1000),
    );
  });

  it('an intact WAV still decodes exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 100 }), (s) => {
        const audio = readWav(writeWav(Int16Array.from(s), 8_000));
        expect(audio.sampleRate).toBe(8_000);
        expect(Array.from(audio.samples, (x) => Math.round(x * 32768))).toEqual(s);
      }),
      fuzz(100),
    );
  });
});
