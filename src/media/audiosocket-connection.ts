/**
 * One AudioSocket TCP connection from Asterisk as a {@link MediaConnection}: after the server
 * has read its UUID message, it parses the rest of the stream, upsamples 8 kHz audio to slin16,
 * cuts it into 20 ms frames, turns DTMF, hang-up and error messages into events, and writes the
 * bot's audio back as slin16 messages. The server that accepts and hands out connections is in
 * `audiosocket-server.ts`.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { FrameAssembler } from '../audio/frames.js';
import { float32ToInt16, int16ToFloat32 } from '../audio/pcm.js';
import { Resampler } from '../audio/resample.js';
import { TelephonyError } from '../errors.js';
import {
  AudioSocketKind,
  type AudioSocketMessage,
  type AudioSocketParser,
  audioMessage,
  hangupMessage,
} from './audiosocket.js';
import {
  type MediaConnection,
  type MediaConnectionEvents,
  SLIN16_FRAME_BYTES,
} from './media-connection.js';

/**
 * One AudioSocket TCP connection, identified by its UUID. Emits slin16 LE 640-byte frames;
 * `send` writes 0x12 messages.
 */
export class AudioSocketConnection
  extends EventEmitter<MediaConnectionEvents>
  implements MediaConnection
{
  readonly id: string;
  readonly transport = 'audiosocket' as const;
  readonly #socket: net.Socket;
  readonly #parser: AudioSocketParser;
  readonly #frames = new FrameAssembler(SLIN16_FRAME_BYTES);
  #upsampler: Resampler | undefined;
  #closed = false;
  #hungUp = false;
  #started = false;
  #early: AudioSocketMessage[];
  /** 20 ms frames received from the far end. */
  framesIn = 0;
  /** Audio messages sent to the far end. */
  framesOut = 0;

  /**
   * @internal Built by `AudioSocketServer` with the socket paused; the parser has consumed
   * the UUID message, and `early` holds messages that came in the same read.
   */
  constructor(
    uuid: string,
    socket: net.Socket,
    parser: AudioSocketParser,
    early: AudioSocketMessage[] = [],
  ) {
    super();
    this.id = uuid;
    this.#socket = socket;
    this.#parser = parser;
    this.#early = early;
    socket.on('error', (err) =>
      this.#emitError(new TelephonyError(`audiosocket ${uuid}: ${err.message}`, { cause: err })),
    );
  }

  /**
   * @internal Starts emitting: called by the server on the tick after it handed the connection
   * out, so that listeners attached right after `await server.waitFor(...)` miss nothing.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#onMessages(this.#early);
    this.#early = [];
    this.#socket.on('data', (chunk: Buffer) => this.#onMessages(this.#parser.push(chunk)));
    this.#socket.on('close', () => this.#finish());
    if (this.#socket.destroyed) this.#finish();
    else this.#socket.resume();
  }

  /** True once the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Messages of unknown kinds skipped, and protocol violations, on this connection. */
  get stats(): { unknown: number; errors: number; messages: number } {
    return {
      unknown: this.#parser.unknownCount,
      errors: this.#parser.errorCount,
      messages: this.#parser.messageCount,
    };
  }

  /** @internal Runs `fn` once when the TCP socket closes, started or not. */
  onceSocketClosed(fn: () => void): void {
    this.#socket.once('close', fn);
  }

  send(frame16k: Buffer): boolean {
    if (this.#closed || this.#hungUp || this.#socket.destroyed) return false;
    this.#socket.write(audioMessage(frame16k, AudioSocketKind.Slin16));
    this.framesOut++;
    return true;
  }

  hangup(): void {
    if (this.#closed || this.#hungUp) return;
    this.#hungUp = true;
    this.#socket.end(hangupMessage());
  }

  close(): void {
    if (this.#closed) return;
    this.#socket.destroy();
    this.#finish();
  }

  #onMessages(messages: AudioSocketMessage[]): void {
    for (const msg of messages) {
      switch (msg.kind) {
        case 'audio':
          this.#onAudio(msg.type, msg.sampleRate, msg.payload);
          break;
        case 'dtmf':
          this.emit('dtmf', msg.digit);
          break;
        case 'hangup':
          this.emit('hangup');
          this.#socket.end();
          break;
        case 'error':
          this.#emitError(
            new TelephonyError(
              `audiosocket ${this.id}: error message from Asterisk (code ${msg.code ?? 'none'})`,
            ),
          );
          break;
        case 'parse-error':
          this.#emitError(msg.error);
          break;
        default:
          // 'unknown' kinds are counted by the parser; a second UUID is ignored.
          break;
      }
    }
  }

  #onAudio(type: number, sampleRate: number, payload: Buffer): void {
    let pcm = payload;
    if (type !== AudioSocketKind.Slin16) {
      this.#upsampler ??= new Resampler(sampleRate, 16_000);
      pcm = float32ToInt16(this.#upsampler.push(int16ToFloat32(payload)));
    }
    for (const frame of this.#frames.push(pcm)) {
      this.framesIn++;
      this.emit('audio', frame);
    }
  }

  #emitError(err: Error): void {
    // An 'error' event without a listener would throw; media errors are never fatal here.
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
  }
}
