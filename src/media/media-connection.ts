/**
 * The one interface every media transport (AudioSocket, RTP) presents to the rest of voxstate.
 *
 * Whatever the wire carries, a `MediaConnection` emits caller audio as 20 ms frames of 16 kHz
 * signed 16-bit little-endian PCM (640 bytes) and accepts the bot's audio in the same format; the
 * transport converts (RTP: mu-law 8 kHz out, slin16 big-endian or mu-law in).
 *
 * @module
 */

import type { EventEmitter } from 'node:events';

/** Bytes in one 20 ms slin16 frame, the unit of every `MediaConnection`. */
export const SLIN16_FRAME_BYTES = 640;

/** Events of a {@link MediaConnection}, with their listener arguments. */
export interface MediaConnectionEvents {
  /** One 20 ms frame of caller audio: slin16 LE, 640 bytes. */
  audio: [frame: Buffer];
  /** A DTMF digit the caller pressed (AudioSocket carries them in-band). */
  dtmf: [digit: string];
  /** The far end hung up (AudioSocket 0x00 message). */
  hangup: [];
  /** A recoverable problem: a malformed message, an error frame, a socket error. */
  error: [err: Error];
  /** The connection is gone; no event follows. */
  close: [];
}

/** Transport kinds a call's media can use. */
export type MediaTransport = 'audiosocket' | 'rtp';

/**
 * A call's two-way audio, independent of the transport.
 *
 * @example
 * ```ts
 * media.on('audio', (frame) => vad.push(frame));
 * media.send(greetingFrame); // 640 bytes slin16 LE; pace 20 ms per frame
 * media.on('close', () => call.end());
 * ```
 */
export interface MediaConnection extends EventEmitter<MediaConnectionEvents> {
  /** The id that ties this connection to its externalMedia channel (the AudioSocket UUID). */
  readonly id: string;
  /** Which transport carries it. */
  readonly transport: MediaTransport;
  /** True once closed: `send` is then a no-op. */
  readonly closed: boolean;
  /**
   * Frames of caller audio emitted so far, counted from the connection's first (inside an
   * `audio` listener, the frame being emitted included): where a frame sits in the audio
   * received, whatever the clock did.
   */
  readonly framesIn?: number;
  /**
   * Sends one 20 ms frame of slin16 LE audio (640 bytes) to the caller. The caller paces: one
   * frame every 20 ms, so that stopping for barge-in is immediate. Returns false when closed.
   */
  send(frame16k: Buffer): boolean;
  /** Ends the media (AudioSocket: a 0x00 message, then the socket closes). */
  hangup(): void;
  /** Closes without telling the far end; idempotent. */
  close(): void;
}
