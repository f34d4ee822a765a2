/**
 * RTP (RFC 3550) packets as Asterisk's externalMedia `encapsulation=rtp` sends them, and the
 * {@link RtpEndpoint} that turns them into a {@link MediaConnection}.
 *
 * Measured on Asterisk 22: slin16 arrives as payload type 118 (640 bytes, big-endian), ulaw as 0
 * (160 bytes), 8 kHz slin as 10 (320 bytes, big-endian); packets every 20 ms, even in silence,
 * from the address in `UNICASTRTP_LOCAL_ADDRESS`/`UNICASTRTP_LOCAL_PORT`. Asterisk 22 drops
 * slin16 sent back to it, so the endpoint sends mu-law (type 0) by default.
 *
 * @module
 */

import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { ParseError, TelephonyError } from '../errors.js';
import { FrameAssembler } from './audio/frames.js';
import { ulawDecode, ulawEncode } from './audio/g711.js';
import { float32ToInt16, int16ArrayToFloat32, int16ToFloat32 } from './audio/pcm.js';
import { Resampler } from './audio/resample.js';
import {
  type MediaConnection,
  type MediaConnectionEvents,
  SLIN16_FRAME_BYTES,
} from './media-connection.js';

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

/** Options of {@link RtpEndpoint}. */
export interface RtpEndpointOptions {
  /** Id of the connection, usually the externalMedia channel id. */
  id: string;
  /** Local interface; default `127.0.0.1`. Asterisk must reach it (`external_host`). */
  host?: string;
  /** Local UDP port; default 0 (any free port). */
  port?: number;
  /**
   * Where to send audio: `UNICASTRTP_LOCAL_ADDRESS`/`PORT` of the externalMedia channel. Until
   * set, the source of the first packet received is used (symmetric RTP).
   */
  remote?: { address: string; port: number };
}

/**
 * One call's RTP media: a UDP socket that emits slin16 LE 20 ms frames (whatever payload type
 * arrives: 118 slin16, 0 ulaw, 10/11 slin 8 kHz) and sends mu-law (type 0) 20 ms packets.
 *
 * @example
 * ```ts
 * const rtp = new RtpEndpoint({ id: 'call-1', host: '0.0.0.0', port: 0 });
 * const { port } = await rtp.bind();
 * const ch = await ari.channels.externalMedia({ ..., external_host: `voxstate:${port}`, format: 'ulaw' });
 * rtp.setRemote(ch.channelvars.UNICASTRTP_LOCAL_ADDRESS, Number(ch.channelvars.UNICASTRTP_LOCAL_PORT));
 * ```
 */
export class RtpEndpoint extends EventEmitter<MediaConnectionEvents> implements MediaConnection {
  readonly id: string;
  readonly transport = 'rtp' as const;
  readonly #socket: dgram.Socket;
  readonly #options: RtpEndpointOptions;
  readonly #sender = new RtpSender();
  readonly #inFrames = new FrameAssembler(SLIN16_FRAME_BYTES);
  readonly #outFrames = new FrameAssembler(320);
  readonly #downsampler = new Resampler(16_000, 8_000);
  #upsampler: Resampler | undefined;
  #remote: { address: string; port: number } | undefined;
  #closed = false;
  /** Packets received and decoded. */
  packetsIn = 0;
  /** Packets sent. */
  packetsOut = 0;
  /** Packets dropped: malformed, unknown payload type, or from a stranger. */
  packetsDropped = 0;

  constructor(options: RtpEndpointOptions) {
    super();
    this.id = options.id;
    this.#options = options;
    this.#remote = options.remote;
    this.#socket = dgram.createSocket('udp4');
    this.#socket.on('message', (msg, rinfo) => this.#onPacket(msg, rinfo));
    this.#socket.on('error', (err) =>
      this.#emitError(new TelephonyError(`rtp ${this.id}: ${err.message}`, { cause: err })),
    );
    this.#socket.on('close', () => this.#finish());
  }

  /** Binds the UDP socket; resolves with the local address. */
  bind(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.#socket.once('error', reject);
      this.#socket.bind(this.#options.port ?? 0, this.#options.host ?? '127.0.0.1', () => {
        this.#socket.off('error', reject);
        resolve(this.address());
      });
    });
  }

  /** The bound local address. */
  address(): { host: string; port: number } {
    const a = this.#socket.address();
    return { host: a.address, port: a.port };
  }

  /** Sets where outgoing audio goes (UNICASTRTP_LOCAL_ADDRESS / UNICASTRTP_LOCAL_PORT). */
  setRemote(address: string, port: number): void {
    this.#remote = { address, port };
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(frame16k: Buffer): boolean {
    if (this.#closed || this.#remote === undefined) return false;
    const pcm8k = float32ToInt16(this.#downsampler.push(int16ToFloat32(frame16k)));
    const remote = this.#remote;
    for (const frame of this.#outFrames.push(pcm8k)) {
      const samples = new Int16Array(frame.buffer, frame.byteOffset, frame.length / 2);
      const payload = Buffer.from(ulawEncode(samples));
      this.#socket.send(
        this.#sender.next(RtpPayloadType.Ulaw, payload, 160),
        remote.port,
        remote.address,
      );
      this.packetsOut++;
    }
    return true;
  }

  /** RTP has no in-band hang-up: this closes the socket (hang the channel up through ARI). */
  hangup(): void {
    this.close();
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
    this.#finish();
  }

  #onPacket(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (
      this.#remote &&
      (rinfo.address !== this.#remote.address || rinfo.port !== this.#remote.port)
    ) {
      this.packetsDropped++;
      return;
    }
    let packet: RtpPacket;
    try {
      packet = parseRtpPacket(msg);
    } catch (err) {
      this.packetsDropped++;
      this.#emitError(err as Error);
      return;
    }
    this.#remote ??= { address: rinfo.address, port: rinfo.port };
    let pcm16k: Buffer;
    switch (packet.payloadType) {
      case RtpPayloadType.Slin16:
        pcm16k = swap16(packet.payload);
        break;
      case RtpPayloadType.Ulaw:
        pcm16k = this.#up(int16ArrayToFloat32(ulawDecode(packet.payload)));
        break;
      case RtpPayloadType.Slin8:
      case RtpPayloadType.Slin8Mono:
        pcm16k = this.#up(int16ToFloat32(packet.payload, 'be'));
        break;
      default:
        this.packetsDropped++;
        return;
    }
    this.packetsIn++;
    for (const frame of this.#inFrames.push(pcm16k)) this.emit('audio', frame);
  }

  #up(samples8k: Float32Array): Buffer {
    this.#upsampler ??= new Resampler(8_000, 16_000);
    return float32ToInt16(this.#upsampler.push(samples8k));
  }

  #emitError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
  }
}
