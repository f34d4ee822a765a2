import dgram from 'node:dgram';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ParseError } from '../../src/errors.js';
import { ulawEncode } from '../../src/media/audio/g711.js';
import { RtpEndpoint } from '../../src/media/rtp.js';
import {
  buildRtpPacket,
  parseRtpPacket,
  RtpPayloadType,
  RtpSender,
} from '../../src/media/rtp-packet.js';

/** How long a test waits for something to happen. */
const WAIT = { timeout: 2_000, interval: 10 };

describe('RTP packets', () => {
  it('round-trips through build and parse', () => {
    fc.assert(
      fc.property(
        fc.record({
          payloadType: fc.integer({ min: 0, max: 127 }),
          marker: fc.boolean(),
          sequence: fc.integer({ min: 0, max: 0xffff }),
          timestamp: fc.integer({ min: 0, max: 0xffffffff }),
          ssrc: fc.integer({ min: 0, max: 0xffffffff }),
          csrc: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
          payload: fc.uint8Array({ maxLength: 700 }).map((a) => Buffer.from(a)),
        }),
        (p) => {
          expect(parseRtpPacket(buildRtpPacket(p))).toEqual(p);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects malformed packets with ParseError and never throws anything else', () => {
    expect(() => parseRtpPacket(Buffer.alloc(5))).toThrow(ParseError);
    const v1 = buildRtpPacket({
      payloadType: 0,
      marker: false,
      sequence: 1,
      timestamp: 1,
      ssrc: 1,
      payload: Buffer.alloc(4),
    });
    v1[0] = 0x40;
    expect(() => parseRtpPacket(v1)).toThrow(/version 1/);
    const csrcPastEnd = Buffer.alloc(12);
    csrcPastEnd[0] = 0x8f;
    expect(() => parseRtpPacket(csrcPastEnd)).toThrow(/CSRC/);
    const badPad = buildRtpPacket({
      payloadType: 0,
      marker: false,
      sequence: 1,
      timestamp: 1,
      ssrc: 1,
      payload: Buffer.from([1, 2, 200]),
    });
    badPad[0] = 0xa0;
    expect(() => parseRtpPacket(badPad)).toThrow(/padding/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        try {
          parseRtpPacket(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('handles padding and header extensions', () => {
    const p = buildRtpPacket({
      payloadType: 0,
      marker: false,
      sequence: 1,
      timestamp: 1,
      ssrc: 1,
      payload: Buffer.from([9, 9, 0, 0, 3]),
    });
    p[0] = 0xa0;
    expect(parseRtpPacket(p).payload).toEqual(Buffer.from([9, 9]));
    const ext = Buffer.concat([
      Buffer.from([0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0, 1, 1, 2, 3, 4]),
      Buffer.from([7]),
    ]);
    expect(parseRtpPacket(ext).payload).toEqual(Buffer.from([7]));
  });

  it('keeps sequence and timestamp continuous, wrapping the sequence', () => {
    const s = new RtpSender(1234);
    const a = parseRtpPacket(s.next(0, Buffer.alloc(160), 160));
    const b = parseRtpPacket(s.next(0, Buffer.alloc(160), 160));
    expect(a.marker).toBe(true);
    expect(b.marker).toBe(false);
    expect(b.sequence).toBe((a.sequence + 1) & 0xffff);
    expect(b.timestamp).toBe((a.timestamp + 160) >>> 0);
    expect(b.ssrc).toBe(1234);
  });

  it('skips suppressed silence: the timestamp jumps, the sequence does not, the marker starts the talkspurt', () => {
    const s = new RtpSender(1234);
    const a = parseRtpPacket(s.next(0, Buffer.alloc(160), 160));
    s.skip(160);
    s.skip(160);
    const b = parseRtpPacket(s.next(0, Buffer.alloc(160), 160));
    const c = parseRtpPacket(s.next(0, Buffer.alloc(160), 160));
    expect(b.sequence).toBe((a.sequence + 1) & 0xffff);
    expect(b.timestamp).toBe((a.timestamp + 3 * 160) >>> 0);
    expect(b.marker).toBe(true);
    expect(c.marker).toBe(false);
  });
});

describe('RtpEndpoint', () => {
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  async function peer(): Promise<{ sock: dgram.Socket; port: number; got: Buffer[] }> {
    const sock = dgram.createSocket('udp4');
    const got: Buffer[] = [];
    sock.on('message', (m) => got.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    closers.push(() => sock.close());
    return { sock, port: sock.address().port, got };
  }

  it('decodes slin16 BE (PT 118) to slin16 LE frames and sends mu-law back with continuity', async () => {
    const ep = new RtpEndpoint({ id: 'x' });
    closers.push(() => ep.close());
    const { port } = await ep.bind();
    const asterisk = await peer();
    ep.setRemote('127.0.0.1', asterisk.port);
    const frames: Buffer[] = [];
    ep.on('audio', (f) => frames.push(f));
    const payload = Buffer.alloc(640);
    for (let i = 0; i < 320; i++) payload.writeInt16BE(1000, i * 2);
    const sender = new RtpSender();
    asterisk.sock.send(sender.next(RtpPayloadType.Slin16, payload, 320), port, '127.0.0.1');
    // an unknown payload type is skipped
    asterisk.sock.send(sender.next(96, Buffer.alloc(10), 10), port, '127.0.0.1');
    await vi.waitFor(() => expect(frames.length === 1 && ep.packetsDropped === 1).toBe(true), WAIT);
    expect(frames[0]!.readInt16LE(0)).toBe(1000);

    for (let i = 0; i < 3; i++) ep.send(Buffer.alloc(640));
    await vi.waitFor(() => expect(asterisk.got.length).toBeGreaterThanOrEqual(2), WAIT);
    const pkts = asterisk.got.map((g) => parseRtpPacket(g));
    expect(pkts[0]!.payloadType).toBe(0);
    expect(pkts[0]!.payload.length).toBe(160);
    expect(pkts[1]!.sequence).toBe((pkts[0]!.sequence + 1) & 0xffff);
    expect(pkts[1]!.timestamp - pkts[0]!.timestamp).toBe(160);
  });

  it('upsamples mu-law input, drops packets from strangers and reports malformed ones', async () => {
    const ep = new RtpEndpoint({ id: 'y' });
    closers.push(() => ep.close());
    const { port } = await ep.bind();
    const asterisk = await peer();
    const stranger = await peer();
    ep.setRemote('127.0.0.1', asterisk.port);
    const frames: Buffer[] = [];
    const errors: Error[] = [];
    ep.on('audio', (f) => frames.push(f));
    ep.on('error', (e) => errors.push(e));
    const sender = new RtpSender();
    stranger.sock.send(sender.next(0, Buffer.alloc(160, 0xff), 160), port, '127.0.0.1');
    asterisk.sock.send(Buffer.alloc(4), port, '127.0.0.1');
    for (let i = 0; i < 3; i++) {
      asterisk.sock.send(
        sender.next(0, Buffer.from(ulawEncode(new Int16Array(160).fill(2000))), 160),
        port,
        '127.0.0.1',
      );
    }
    await vi.waitFor(() => expect(frames.length >= 2 && errors.length === 1).toBe(true), WAIT);
    expect(errors[0]).toBeInstanceOf(ParseError);
    expect(ep.packetsDropped).toBe(2);
    expect(frames[1]!.length).toBe(640);
    expect(Math.abs(frames[1]!.readInt16LE(400) - 2000)).toBeLessThan(200);
  });
});
