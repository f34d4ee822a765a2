import dgram from 'node:dgram';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { RtpEndpoint } from '../../src/media/rtp.js';
import { buildRtpPacket, parseRtpPacket, type RtpPacket } from '../../src/media/rtp-packet.js';
import { fuzz } from './fuzz-params.js';

const packetArb: fc.Arbitrary<RtpPacket> = fc.record({
  payloadType: fc.integer({ min: 0, max: 127 }),
  marker: fc.boolean(),
  sequence: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  csrc: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  payload: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
});

/** Parses, and returns the packet or the ParseError; anything else thrown fails the test. */
function parseOrError(data: Uint8Array): RtpPacket | ParseError {
  try {
    return parseRtpPacket(data);
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).source).toBe('rtp');
    return err as ParseError;
  }
}

/** A packet with a header extension of `extWords` 32-bit words and `pad` bytes of padding. */
function withExtensionAndPadding(p: RtpPacket, extWords: number, pad: number): Buffer {
  const plain = buildRtpPacket(p);
  const headerLen = 12 + 4 * (p.csrc?.length ?? 0);
  const ext = Buffer.alloc(4 + 4 * extWords, 0xab);
  ext.writeUInt16BE(0xbede, 0);
  ext.writeUInt16BE(extWords, 2);
  const padding = Buffer.alloc(pad);
  if (pad > 0) padding[pad - 1] = pad;
  const out = Buffer.concat([
    plain.subarray(0, headerLen),
    ext,
    plain.subarray(headerLen),
    padding,
  ]);
  out[0] = out[0]! | 0x10 | (pad > 0 ? 0x20 : 0);
  return out;
}

describe('RTP parser fuzzing', () => {
  it('random bytes give a packet or a ParseError, never another error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const r = parseOrError(bytes);
        if (!(r instanceof ParseError)) {
          expect(r.payload.length).toBeLessThanOrEqual(bytes.length - 12);
          expect(r.csrc?.length).toBe(bytes[0]! & 0x0f);
        }
      }),
      fuzz(1000),
    );
  });

  it('random bytes behind a version-2 first byte reach the deeper checks without crashing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x3f }),
        fc.uint8Array({ maxLength: 120 }),
        (b0, rest) => {
          parseOrError(Uint8Array.of(0x80 | b0, ...rest));
        },
      ),
      fuzz(1000),
    );
  });

  it('valid packets round-trip', () => {
    fc.assert(
      fc.property(packetArb, (p) => {
        expect(parseRtpPacket(buildRtpPacket(p))).toEqual(p);
      }),
      fuzz(300),
    );
  });

  it('header extensions, CSRCs and padding are skipped and the payload kept', () => {
    fc.assert(
      fc.property(
        packetArb,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 255 }),
        (p, extWords, pad) => {
          const parsed = parseRtpPacket(withExtensionAndPadding(p, extWords, pad));
          expect(parsed).toEqual(p);
        },
      ),
      fuzz(300),
    );
  });

  it('truncated and bit-flipped valid packets give a packet or a ParseError', () => {
    fc.assert(
      fc.property(
        packetArb,
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (p, extWords, pad, flips, cut) => {
          const bytes = withExtensionAndPadding(p, extWords, pad);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          parseOrError(bytes.subarray(0, cut % (bytes.length + 1)));
        },
      ),
      fuzz(500),
    );
  });
});

describe('RtpEndpoint under hostile datagrams', () => {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const o of open.splice(0)) o.close();
  });

  it('drops malformed datagrams, counts them, and keeps decoding valid audio', async () => {
    const endpoint = new RtpEndpoint({ id: 'fuzz' });
    open.push(endpoint);
    const errors: Error[] = [];
    endpoint.on('error', (err) => errors.push(err));
    let frames = 0;
    endpoint.on('audio', () => frames++);
    const { port } = await endpoint.bind();
    const sender = dgram.createSocket('udp4');
    open.push(sender);
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));

    const garbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), {
      seed: 7,
      numRuns: 60,
    });
    const valid = Array.from({ length: 10 }, (_, i) =>
      buildRtpPacket({
        payloadType: 0,
        marker: i === 0,
        sequence: i,
        timestamp: i * 160,
        ssrc: 1,
        payload: Buffer.alloc(160, 0xff),
      }),
    );
    const expectedBad = garbage.filter((g) => {
      try {
        const p = parseRtpPacket(g);
        return ![0, 10, 11, 118].includes(p.payloadType);
      } catch {
        return true;
      }
    }).length;
    const send = (b: Uint8Array) =>
      new Promise<void>((r, j) => sender.send(b, port, '127.0.0.1', (err) => (err ? j(err) : r())));
    for (let i = 0; i < garbage.length; i++) {
      await send(garbage[i]!);
      if (i % 6 === 0) await send(valid[i / 6]!);
    }
    await vi.waitFor(() => expect(endpoint.packetsDropped).toBe(expectedBad), {
      timeout: 2_000,
      interval: 10,
    });
    expect(endpoint.closed).toBe(false);
    expect(endpoint.packetsDropped).toBe(expectedBad);
    expect(errors.every((e) => e instanceof ParseError)).toBe(true);
    expect(endpoint.packetsIn).toBeGreaterThanOrEqual(10);
    expect(frames).toBeGreaterThan(0);
  });
});
