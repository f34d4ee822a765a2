import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/errors.js';
import {
  AUDIO_KIND_RATES,
  AUDIOSOCKET_HEADER_BYTES,
  AUDIOSOCKET_MAX_PAYLOAD,
  type AudioSocketMessage,
  AudioSocketParser,
  audioMessage,
  buildAudioSocketMessage,
  dtmfMessage,
  errorMessage,
  hangupMessage,
  uuidMessage,
} from '../../src/media/audiosocket.js';
import { fuzz } from './fuzz-params.js';

const KINDS = new Set(['hangup', 'uuid', 'dtmf', 'audio', 'error', 'unknown', 'parse-error']);

/** Pushes `stream` cut at `cuts` (offsets, any order, duplicates allowed). */
function pushChunked(
  parser: AudioSocketParser,
  stream: Buffer,
  cuts: number[],
): AudioSocketMessage[] {
  const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
  const out: AudioSocketMessage[] = [];
  let prev = 0;
  for (const p of [...points, stream.length]) {
    out.push(...parser.push(stream.subarray(prev, p)));
    prev = p;
  }
  return out;
}

/** One valid message and what the parser must yield for it. */
const validMessage: fc.Arbitrary<{ bytes: Buffer; expected: AudioSocketMessage }> = fc.oneof(
  fc.uuid().map((uuid) => ({
    bytes: uuidMessage(uuid),
    expected: { kind: 'uuid', uuid } as AudioSocketMessage,
  })),
  fc.constantFrom(...'0123456789ABCD*#').map((digit) => ({
    bytes: dtmfMessage(digit),
    expected: { kind: 'dtmf', digit } as AudioSocketMessage,
  })),
  fc
    .tuple(
      fc.integer({ min: 0x10, max: 0x18 }),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b.subarray(0, b.length & ~1))),
    )
    .map(([type, payload]) => ({
      bytes: audioMessage(payload, type),
      expected: {
        kind: 'audio',
        type,
        sampleRate: AUDIO_KIND_RATES[type]!,
        payload,
      } as AudioSocketMessage,
    })),
  fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }).map((code) => {
    const bytes = errorMessage(code);
    return {
      bytes,
      expected: {
        kind: 'error',
        code,
        payload: Buffer.from(bytes.subarray(3)),
      } as AudioSocketMessage,
    };
  }),
  fc.constant({ bytes: hangupMessage(), expected: { kind: 'hangup' } as AudioSocketMessage }),
);

/** A well-framed message the protocol does not accept: unknown kind or a bad payload. */
const framedGarbage: fc.Arbitrary<Buffer> = fc.oneof(
  fc
    .tuple(
      fc
        .integer({ min: 0, max: 255 })
        .filter((t) => ![0x00, 0x01, 0x03, 0xff].includes(t) && AUDIO_KIND_RATES[t] === undefined),
      fc.uint8Array({ maxLength: 80 }),
    )
    .map(([type, payload]) => buildAudioSocketMessage(type, payload)),
  fc
    .uint8Array({ maxLength: 40 })
    .filter((p) => p.length !== 16)
    .map((p) => buildAudioSocketMessage(0x01, p)),
  fc
    .uint8Array({ maxLength: 4 })
    .filter((p) => p.length === 0 || !/^[0-9A-D*#]$/i.test(String.fromCharCode(p[0]!)))
    .map((p) => buildAudioSocketMessage(0x03, p)),
  fc
    .tuple(fc.integer({ min: 0x10, max: 0x18 }), fc.integer({ min: 0, max: 40 }))
    .map(([type, half]) => buildAudioSocketMessage(type, new Uint8Array(2 * half + 1))),
);

describe('AudioSocket parser fuzzing', () => {
  it('takes any bytes in any chunking without throwing; problems are only ParseError items', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bytes, cuts) => {
          const stream = Buffer.from(bytes);
          const parser = new AudioSocketParser();
          const chunked = pushChunked(parser, stream, cuts);
          for (const m of chunked) {
            expect(KINDS.has(m.kind)).toBe(true);
            if (m.kind === 'parse-error') {
              expect(m.error).toBeInstanceOf(ParseError);
              expect(m.error.source).toBe('audiosocket');
            }
          }
          expect(parser.pendingBytes).toBeLessThan(
            AUDIOSOCKET_HEADER_BYTES + AUDIOSOCKET_MAX_PAYLOAD,
          );
          expect(parser.messageCount).toBe(chunked.length);
          expect(parser.errorCount).toBe(chunked.filter((m) => m.kind === 'parse-error').length);
          expect(parser.unknownCount).toBe(chunked.filter((m) => m.kind === 'unknown').length);
          // The chunking never changes what comes out.
          const whole = new AudioSocketParser().push(stream);
          expect(chunked).toEqual(whole);
        },
      ),
      fuzz(300),
    );
  });

  it('recovers every valid message around well-framed garbage, in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            validMessage.map((v) => ({ ...v, valid: true as const })),
            framedGarbage.map((bytes) => ({ bytes, valid: false as const })),
          ),
          { maxLength: 40 },
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        (items, cuts) => {
          const stream = Buffer.concat(items.map((i) => i.bytes));
          const parser = new AudioSocketParser();
          const out = pushChunked(parser, stream, cuts);
          const good = out.filter((m) => m.kind !== 'unknown' && m.kind !== 'parse-error');
          expect(good).toEqual(items.flatMap((i) => (i.valid ? [i.expected] : [])));
          expect(parser.unknownCount + parser.errorCount).toBe(
            items.filter((i) => !i.valid).length,
          );
          expect(parser.pendingBytes).toBe(0);
        },
      ),
      fuzz(300),
    );
  });

  it('holds back a truncated last message and completes it when the rest arrives', () => {
    fc.assert(
      fc.property(
        fc.array(validMessage, { minLength: 1, maxLength: 10 }),
        fc.nat(),
        (items, cutSeed) => {
          const stream = Buffer.concat(items.map((i) => i.bytes));
          const cut = cutSeed % stream.length;
          const parser = new AudioSocketParser();
          const first = parser.push(stream.subarray(0, cut));
          const rest = parser.push(stream.subarray(cut));
          expect([...first, ...rest]).toEqual(items.map((i) => i.expected));
          expect(parser.pendingBytes).toBe(0);
        },
      ),
      fuzz(200),
    );
  });
});
