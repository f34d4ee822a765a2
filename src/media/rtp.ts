/**
 * The {@link RtpEndpoint}: a UDP socket that turns Asterisk's externalMedia
 * `encapsulation=rtp` stream into a {@link MediaConnection}, and sends the bot's audio back. The
 * packet format is in `rtp-packet.ts`.
 *
 * Measured on Asterisk 22: slin16 arrives as payload type 118 (640 bytes, big-endian), ulaw as 0
 * (160 bytes), 8 kHz slin as 10 (320 bytes, big-endian); packets every 20 ms, even in silence,
 * from the address in `UNICASTRTP_LOCAL_ADDRESS`/`UNICASTRTP_LOCAL_PORT`. Asterisk 22 drops
 * slin16 sent back to it, so the endpoint sends mu-law (type 0) by default.
 *
 * @module
 */

import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { FrameAssembler } from '../audio/frames.js';
import { ulawDecode, ulawEncode } from '../audio/g711.js';
import { float32ToInt16, int16ArrayToFloat32, int16ToFloat32 } from '../audio/pcm.js';
import { Resampler } from '../audio/resample.js';
import { TelephonyError } from '../errors.js';
import {
  type MediaConnection,
  type MediaConnectionEvents,
  SLIN16_FRAME_BYTES,
} from './media-connection.js';
import { parseRtpPacket, type RtpPacket, RtpPayloadType, RtpSender, swap16 } from './rtp-packet.js';

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
  /** 20 ms frames of caller audio emitted. */
  framesIn = 0;
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
    for (const frame of this.#inFrames.push(pcm16k)) {
      this.framesIn++;
      this.emit('audio', frame);
    }
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
