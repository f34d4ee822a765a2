/**
 * The AudioSocket server Asterisk connects out to, and the per-call {@link MediaConnection} it
 * yields.
 *
 * The app creates an externalMedia channel with `encapsulation=audiosocket`, `data=<uuid>` and
 * `external_host=<this server>`; Asterisk then opens a TCP connection whose first message is that
 * UUID. {@link AudioSocketServer.waitFor} resolves with the connection of a given UUID, whether it
 * arrived before or after the call. The connection itself is in `audiosocket-connection.ts`.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { AbortedError, TelephonyError, TimeoutError } from '../errors.js';
import { AudioSocketParser } from './audiosocket.js';
import { AudioSocketConnection } from './audiosocket-connection.js';

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
