/**
 * RTP (RFC 3550) on the wire as Asterisk's externalMedia `encapsulation=rtp` uses it: the payload
 * types it sends, parsing and building packets (CSRCs, extension and padding handled, every
 * malformed packet a {@link ParseError} from `rtp`), the byte swap of big-endian L16, and an
 * {@link RtpSender} that keeps one outgoing stream's sequence, timestamp and SSRC continuous.
 * The socket endpoint is in `rtp.ts`.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { ParseError } from '../errors.js';

/** Payload types Asterisk uses for externalMedia. */
export const RtpPayloadType = {
  /** G.711 mu-law, 8 kHz, 160 bytes per 20 ms. */
  Ulaw: 0,
  /** L16 8 kHz big-endian (Asterisk's `slin`), 320 bytes per 20 ms. */
  Slin8: 10,
  /** L16 8 kHz big-endian, the static mono type some peers use. */
  Slin8Mono: 11,
  /** L16 16 kHz big-endian (Asterisk's dynamic `slin16`), 640 bytes per 20 ms. */
  Slin16: 118,
} as const;

/** One RTP packet. */
export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** CSRC identifiers, usually empty. */
  csrc?: number[];
  payload: Buffer;
}

const RTP_HEADER_BYTES = 12;

/**
 * Parses one RTP packet (version 2, with CSRCs, header extension and padding handled).
 * Throws {@link ParseError} for anything malformed.
 */
export function parseRtpPacket(data: Uint8Array): RtpPacket {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < RTP_HEADER_BYTES)
    throw new ParseError('rtp', `packet of ${buf.length} bytes is shorter than the header`);
  const b0 = buf[0]!;
  const version = b0 >> 6;
  if (version !== 2) throw new ParseError('rtp', `version ${version}, expected 2`);
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const b1 = buf[1]!;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (offset > buf.length) throw new ParseError('rtp', 'CSRC list runs past the packet');
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrc.push(buf.readUInt32BE(RTP_HEADER_BYTES + 4 * i));
  if (extension) {
    if (offset + 4 > buf.length)
      throw new ParseError('rtp', 'header extension runs past the packet');
    offset += 4 + 4 * buf.readUInt16BE(offset + 2);
    if (offset > buf.length) throw new ParseError('rtp', 'header extension runs past the packet');
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1]!;
    if (pad === 0 || end - pad < offset) throw new ParseError('rtp', `bad padding length ${pad}`);
    end -= pad;
  }
  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrc,
    payload: Buffer.from(buf.subarray(offset, end)),
  };
}

/** Builds one RTP packet (version 2, no padding or extension). */
export function buildRtpPacket(packet: RtpPacket): Buffer {
  const csrc = packet.csrc ?? [];
  if (csrc.length > 15) throw new RangeError('at most 15 CSRCs');
  const out = Buffer.allocUnsafe(RTP_HEADER_BYTES + 4 * csrc.length + packet.payload.length);
  out[0] = 0x80 | csrc.length;
  out[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  out.writeUInt16BE(packet.sequence & 0xffff, 2);
  out.writeUInt32BE(packet.timestamp >>> 0, 4);
  out.writeUInt32BE(packet.ssrc >>> 0, 8);
  for (let i = 0; i < csrc.length; i++) out.writeUInt32BE(csrc[i]! >>> 0, RTP_HEADER_BYTES + 4 * i);
  out.set(packet.payload, RTP_HEADER_BYTES + 4 * csrc.length);
  return out;
}

/** Swaps the bytes of every 16-bit sample (big-endian <-> little-endian), into a new Buffer. */
export function swap16(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes.subarray(0, bytes.byteLength & ~1));
  return out.swap16();
}

/**
 * Keeps sequence number, timestamp and SSRC of one outgoing RTP stream continuous.
 */
export class RtpSender {
  readonly ssrc: number;
  #sequence: number;
  #timestamp: number;
  #marker = true;

  constructor(ssrc: number = randomInt(0, 2 ** 32 - 1)) {
    this.ssrc = ssrc;
    this.#sequence = randomInt(0, 0xffff);
    this.#timestamp = randomInt(0, 2 ** 31);
  }

  /** The next packet for `payload`, advancing the timestamp by `samples`. */
  next(payloadType: number, payload: Buffer, samples: number): Buffer {
    const packet = buildRtpPacket({
      payloadType,
      marker: this.#marker,
      sequence: this.#sequence,
      timestamp: this.#timestamp,
      ssrc: this.ssrc,
      payload,
    });
    this.#marker = false;
    this.#sequence = (this.#sequence + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + samples) >>> 0;
    return packet;
  }

  /**
   * Sends nothing for `samples` (silence suppression): the timestamp moves on, the sequence
   * does not, and the next packet starts a talkspurt (marker bit set), as RFC 3550 describes.
   */
  skip(samples: number): void {
    this.#timestamp = (this.#timestamp + samples) >>> 0;
    this.#marker = true;
  }
}
