/**
 * The simulator's RTP externalMedia: a UDP socket (its address and port become
 * `UNICASTRTP_LOCAL_ADDRESS`/`UNICASTRTP_LOCAL_PORT`) that sends 20 ms packets in the requested
 * format (slin16 = type 118, 640 bytes big-endian; ulaw = 0; slin = 10) to `external_host`,
 * continuously (a caller that suppresses silence sends none while silent; the RTP timestamp
 * then jumps over the gap and the next packet carries the marker bit), and accepts mu-law or 8 kHz slin back. Like Asterisk 22, it drops slin16 (type
 * 118) sent back to it.
 *
 * @module
 */

import dgram from 'node:dgram';
import { ulawDecode, ulawEncode } from '../audio/g711.js';
import {
  float32ToInt16,
  float32ToInt16Array,
  int16ArrayToFloat32,
  int16ToFloat32,
} from '../audio/pcm.js';
import { Resampler } from '../audio/resample.js';
import { parseRtpPacket, RtpPayloadType, RtpSender } from '../media/rtp-packet.js';
import type { ClockSubscriber, MediaClock } from './media-clock.js';
import type { MediaLink, MediaLinkHooks } from './media-link.js';

/** Formats the simulator's RTP can send. */
export type SimRtpFormat = 'slin16' | 'ulaw' | 'slin';

/** Binds a UDP socket on `localHost` and starts streaming to `externalHost`. */
export async function openRtpLink(
  localHost: string,
  externalHost: string,
  format: SimRtpFormat,
  clock: MediaClock,
  hooks: MediaLinkHooks,
): Promise<SimRtpLink> {
  const idx = externalHost.lastIndexOf(':');
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, localHost, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return new SimRtpLink(
    socket,
    externalHost.slice(0, idx),
    Number(externalHost.slice(idx + 1)),
    format,
    clock,
    hooks,
  );
}

/** One simulated UnicastRTP channel. */
export class SimRtpLink implements MediaLink, ClockSubscriber {
  readonly encapsulation = 'rtp' as const;
  readonly #socket: dgram.Socket;
  readonly #remoteHost: string;
  readonly #remotePort: number;
  readonly #format: SimRtpFormat;
  readonly #clock: MediaClock;
  readonly #hooks: MediaLinkHooks;
  readonly #sender = new RtpSender();
  readonly #down = new Resampler(16_000, 8_000);
  readonly #up = new Resampler(8_000, 16_000);
  #framesSent = 0;
  #framesSuppressed = 0;
  #framesDropped = 0;
  #closed = false;

  constructor(
    socket: dgram.Socket,
    remoteHost: string,
    remotePort: number,
    format: SimRtpFormat,
    clock: MediaClock,
    hooks: MediaLinkHooks,
  ) {
    this.#socket = socket;
    this.#remoteHost = remoteHost;
    this.#remotePort = remotePort;
    this.#format = format;
    this.#clock = clock;
    this.#hooks = hooks;
    socket.on('message', (msg) => this.#onPacket(msg));
    socket.on('error', () => undefined);
    clock.add(this);
  }

  /** The local address: `UNICASTRTP_LOCAL_ADDRESS` / `UNICASTRTP_LOCAL_PORT`. */
  get local(): { address: string; port: number } {
    const a = this.#socket.address();
    return { address: a.address, port: a.port };
  }

  get framesSent(): number {
    return this.#framesSent;
  }

  get framesSuppressed(): number {
    return this.#framesSuppressed;
  }

  get framesDropped(): number {
    return this.#framesDropped;
  }

  tick(framesDue: number): void {
    if (this.#closed) return;
    for (let i = 0; i < framesDue; i++) {
      const frame = this.#hooks.pull();
      const samples = this.#format === 'slin16' ? 320 : 160;
      if (!frame) {
        this.#sender.skip(samples);
        this.#framesSuppressed++;
        continue;
      }
      let packet: Buffer;
      if (this.#format === 'slin16') {
        packet = this.#sender.next(RtpPayloadType.Slin16, Buffer.from(frame).swap16(), samples);
      } else {
        const pcm8k = this.#down.push(int16ToFloat32(frame));
        if (this.#format === 'ulaw') {
          packet = this.#sender.next(
            RtpPayloadType.Ulaw,
            Buffer.from(ulawEncode(float32ToInt16Array(pcm8k))),
            samples,
          );
        } else {
          packet = this.#sender.next(RtpPayloadType.Slin8, float32ToInt16(pcm8k, 'be'), samples);
        }
      }
      this.#socket.send(packet, this.#remotePort, this.#remoteHost);
      this.#framesSent++;
    }
  }

  sendDtmf(_digit: string): void {
    // RFC 4733 telephone-events are not simulated; DTMF reaches the app as ARI events.
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.remove(this);
    this.#socket.close();
  }

  reset(): void {
    this.close();
  }

  #onPacket(msg: Buffer): void {
    let samples8k: Float32Array;
    try {
      const packet = parseRtpPacket(msg);
      if (packet.payloadType === RtpPayloadType.Ulaw) {
        samples8k = int16ArrayToFloat32(ulawDecode(packet.payload));
      } else if (
        packet.payloadType === RtpPayloadType.Slin8 ||
        packet.payloadType === RtpPayloadType.Slin8Mono
      ) {
        samples8k = int16ToFloat32(packet.payload, 'be');
      } else {
        // Asterisk 22 silently drops slin16 (118) and anything else sent back.
        this.#framesDropped++;
        return;
      }
    } catch {
      this.#framesDropped++;
      return;
    }
    this.#hooks.onAudio(float32ToInt16(this.#up.push(samples8k)));
  }
}
