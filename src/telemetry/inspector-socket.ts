/**
 * The WebSocket adapter that carries inspection events from `createInspector` (from
 * `@statelyai/inspect`) to a receiver: the bridge server of `inspector-server.ts` or any
 * WebSocket endpoint that speaks the inspector's protocol (one JSON inspection event per
 * message).
 *
 * The package's own `createWebSocketInspector` (0.7.2) uses the same wire format but schedules a
 * reconnect 5 s after any socket error, also after `stop()`, so a runtime that stops while the
 * receiver is unreachable keeps reconnecting forever and never exits. This adapter reconnects
 * only while started, with an unref'd timer, keeps a bounded buffer while disconnected, and
 * `close()` resolves when the socket is closed.
 *
 * @module
 */
import { WebSocket } from 'ws';

/** Options of {@link InspectorSocket}. */
export interface InspectorSocketOptions {
  /** The receiver, such as `ws://127.0.0.1:8080`. */
  url: string;
  /** Events kept while disconnected; the oldest are dropped. Default 200. */
  maxBuffered?: number;
  /** Wait before reconnecting after the connection is lost, ms. Default 2,000. */
  reconnectMs?: number;
}

/** An inspector adapter (`start`, `stop`, `send`) over one reconnecting WebSocket. */
export class InspectorSocket {
  readonly #url: string;
  readonly #maxBuffered: number;
  readonly #reconnectMs: number;
  readonly #buffer: string[] = [];
  #ws: WebSocket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #sent = 0;
  #dropped = 0;
  #opened: Promise<void>;
  #markOpened!: () => void;

  constructor(options: InspectorSocketOptions) {
    this.#url = options.url;
    this.#maxBuffered = options.maxBuffered ?? 200;
    this.#reconnectMs = options.reconnectMs ?? 2_000;
    this.#opened = new Promise((resolve) => {
      this.#markOpened = resolve;
    });
  }

  /** Events written to the socket so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Events dropped because the buffer was full or could not be serialized. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Resolves once the first connection is open. */
  opened(): Promise<void> {
    return this.#opened;
  }

  /** Connects (called by the inspector's `start()`). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  /** Stops without waiting; see {@link close}. */
  stop(): void {
    void this.close();
  }

  /** Stops reconnecting and resolves when the socket is closed. Buffered events are dropped. */
  close(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'inspector stopped');
      else ws.terminate();
    });
  }

  /** Sends one inspection event, or buffers it while disconnected. */
  send(event: unknown): void {
    let message: string;
    try {
      message = JSON.stringify(event);
    } catch {
      this.#dropped++;
      return;
    }
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(message);
      this.#sent++;
      return;
    }
    this.#buffer.push(message);
    if (this.#buffer.length > this.#maxBuffered) {
      this.#buffer.shift();
      this.#dropped++;
    }
  }

  #connect(): void {
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.on('open', () => {
      this.#markOpened();
      for (const message of this.#buffer.splice(0)) {
        ws.send(message);
        this.#sent++;
      }
    });
    ws.on('error', () => {
      // 'close' follows; reconnecting is decided there.
    });
    ws.on('close', () => {
      if (!this.#started || this.#ws !== ws) return;
      this.#ws = undefined;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        if (this.#started) this.#connect();
      }, this.#reconnectMs);
      this.#timer.unref();
    });
  }
}
