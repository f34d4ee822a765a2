/**
 * The AudioSocket server Asterisk connects out to, and the per-call {@link MediaConnection} it
 * yields.
 *
 * The app creates an externalMedia channel with `encapsulation=audiosocket`, `data=<uuid>` and
 * `external_host=<this server>`; Asterisk then opens a TCP connection whose first message is that
 * UUID. {@link AudioSocketServer.waitFor} resolves with the connection of a given UUID, whether it
 * arrived before or after the call.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import net from 'node:net';
import { AbortedError, TelephonyError, TimeoutError } from '../errors.js';
import { FrameAssembler } from './audio/frames.js';
import { float32ToInt16, int16ToFloat32 } from './audio/pcm.js';
import { Resampler } from './audio/resample.js';
import {
  AudioSocketKind,
  type AudioSocketMessage,
  AudioSocketParser,
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
   * @internal Built by {@link AudioSocketServer} with the socket paused; the parser has consumed
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

/** Options of {@link AudioSocketServer}. */
export interface AudioSocketServerOptions {
  /** Interface to listen on; default `127.0.0.1`. Asterisk must be able to reach it. */
  host?: string;
  /** TCP port; default 0 (any free port, read it from `address()`). */
  port?: number;
  /** A connection that sends no UUID message within this time is dropped; default 2000 ms. */
  uuidTimeoutMs?: number;
  /** A connection nobody claims with `waitFor` within this time is hung up; default 15000 ms. */
  unclaimedTimeoutMs?: number;
}

interface Waiter {
  resolve: (conn: AudioSocketConnection) => void;
  reject: (err: Error) => void;
}

/**
 * TCP server for AudioSocket connections from Asterisk.
 *
 * @example
 * ```ts
 * const server = new AudioSocketServer({ host: '0.0.0.0', port: 9092 });
 * await server.listen();
 * const uuid = randomUUID();
 * await ari.channels.externalMedia({ app, external_host: 'voxstate:9092', encapsulation: 'audiosocket',
 *   transport: 'tcp', format: 'slin16', data: uuid });
 * const media = await server.waitFor(uuid, 5000);
 * ```
 */
export class AudioSocketServer extends EventEmitter<{
  connection: [conn: AudioSocketConnection];
  error: [err: Error];
}> {
  readonly #server: net.Server;
  readonly #options: Required<AudioSocketServerOptions>;
  readonly #waiters = new Map<string, Waiter>();
  readonly #unclaimed = new Map<string, { conn: AudioSocketConnection; timer: NodeJS.Timeout }>();
  readonly #sockets = new Set<net.Socket>();

  constructor(options: AudioSocketServerOptions = {}) {
    super();
    this.#options = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      uuidTimeoutMs: options.uuidTimeoutMs ?? 2_000,
      unclaimedTimeoutMs: options.unclaimedTimeoutMs ?? 15_000,
    };
    this.#server = net.createServer((socket) => this.#onSocket(socket));
    this.#server.on('error', (err) => this.#emitError(err));
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) =>
        reject(
          new TelephonyError(`audiosocket server: ${err.message}`, {
            cause: err,
            retryable: false,
          }),
        );
      this.#server.once('error', onError);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', onError);
        resolve(this.address());
      });
    });
  }

  /** The bound host and port (after `listen`). */
  address(): { host: string; port: number } {
    const addr = this.#server.address();
    if (addr === null || typeof addr === 'string')
      return { host: this.#options.host, port: this.#options.port };
    return { host: addr.address, port: addr.port };
  }

  /**
   * Resolves with the connection that announces `uuid`, arrived already or arriving within
   * `timeoutMs`. Rejects with TimeoutError, or AbortedError when `signal` aborts.
   */
  waitFor(uuid: string, timeoutMs: number, signal?: AbortSignal): Promise<AudioSocketConnection> {
    const key = uuid.toLowerCase();
    const early = this.#unclaimed.get(key);
    if (early) {
      clearTimeout(early.timer);
      this.#unclaimed.delete(key);
      setImmediate(() => early.conn.start());
      return Promise.resolve(early.conn);
    }
    if (this.#waiters.has(key))
      return Promise.reject(
        new TelephonyError(`already waiting for AudioSocket ${uuid}`, { retryable: false }),
      );
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(key);
      };
      const timer = setTimeout(() => {
        done();
        reject(new TimeoutError(`AudioSocket connection ${uuid}`, timeoutMs));
      }, timeoutMs);
      const onAbort = () => {
        done();
        reject(new AbortedError(`waiting for AudioSocket ${uuid}`));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.set(key, {
        resolve: (c) => {
          done();
          resolve(c);
        },
        reject: (err) => {
          done();
          reject(err);
        },
      });
    });
  }

  /**
   * Stops listening and closes every connection; calls still waiting for a connection are
   * rejected. Safe to call more than once, and on a server that never listened.
   */
  async close(): Promise<void> {
    for (const { conn, timer } of this.#unclaimed.values()) {
      clearTimeout(timer);
      conn.close();
    }
    this.#unclaimed.clear();
    for (const waiter of [...this.#waiters.values()]) {
      waiter.reject(new AbortedError('waiting for an AudioSocket connection: server closed'));
    }
    for (const s of this.#sockets) s.destroy();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onSocket(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.#sockets.delete(socket));
    const parser = new AudioSocketParser();
    const timer = setTimeout(() => {
      socket.destroy();
    }, this.#options.uuidTimeoutMs);
    const onData = (chunk: Buffer) => {
      const messages = parser.push(chunk);
      const first = messages.findIndex((m) => m.kind === 'uuid' || m.kind === 'hangup');
      if (first < 0) {
        if (parser.pendingBytes === 0 && messages.length > 0) {
          // Something other than a UUID came first: a protocol violation, as Asterisk would not.
          this.#emitError(
            new TelephonyError('audiosocket: connection did not start with a UUID message'),
          );
        }
        return;
      }
      const head = messages[first]!;
      clearTimeout(timer);
      socket.pause();
      socket.off('data', onData);
      socket.off('error', onEarlyError);
      if (head.kind !== 'uuid') {
        socket.destroy();
        return;
      }
      const conn = new AudioSocketConnection(head.uuid, socket, parser, messages.slice(first + 1));
      this.#claim(conn);
    };
    const onEarlyError = () => socket.destroy();
    socket.on('data', onData);
    socket.on('error', onEarlyError);
    socket.on('close', () => clearTimeout(timer));
  }

  #claim(conn: AudioSocketConnection): void {
    this.emit('connection', conn);
    const waiter = this.#waiters.get(conn.id);
    if (waiter) {
      waiter.resolve(conn);
      setImmediate(() => conn.start());
      return;
    }
    const timer = setTimeout(() => {
      this.#unclaimed.delete(conn.id);
      conn.hangup();
    }, this.#options.unclaimedTimeoutMs);
    this.#unclaimed.set(conn.id, { conn, timer });
    conn.onceSocketClosed(() => {
      const entry = this.#unclaimed.get(conn.id);
      if (entry?.conn === conn) {
        clearTimeout(entry.timer);
        this.#unclaimed.delete(conn.id);
      }
    });
  }

  #emitError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}
