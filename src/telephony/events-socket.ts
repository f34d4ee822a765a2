/**
 * The ARI events WebSocket: its address, a socket that reconnects forever with capped
 * exponential backoff and pings to notice a dead peer ({@link AriEventsSocket}), and its orderly
 * close. What the messages mean (dispatch to ari-client, metrics, connection events) is
 * `ari-connection.ts`'s.
 *
 * @module
 */

import WebSocket from 'ws';
import { TelephonyError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import type { AriConnectionOptions } from './ari-connection-types.js';
import { backoffDelay } from './backoff.js';

/** A connection that stayed open this long resets the reconnect backoff when it drops. */
const STABLE_AFTER_MS = 5_000;

/** What an {@link AriEventsSocket} reports to its connection. */
export interface EventsSocketHooks {
  /** The socket opened (the first time and after every reconnect). */
  opened(): void;
  /** A message arrived. */
  message(raw: string): void;
  /** An open socket went away; a reconnect follows. */
  down(reason: string): void;
  /** Reconnect attempt `attempt` starts in `delayMs`. */
  reconnecting(attempt: number, delayMs: number): void;
  /** A reconnect attempt starts now. */
  reconnect(): void;
  /** Asterisk refused a reconnect (HTTP status). */
  refused(err: TelephonyError): void;
}

/** The events WebSocket of one ARI connection, reopened until {@link AriEventsSocket.close}. */
export class AriEventsSocket {
  readonly #options: AriConnectionOptions;
  readonly #apps: string[];
  readonly #log: Logger;
  readonly #hooks: EventsSocketHooks;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;
  #closed = false;
  #connected = false;
  #openedAt = 0;

  constructor(
    options: AriConnectionOptions,
    apps: string[],
    log: Logger,
    hooks: EventsSocketHooks,
  ) {
    this.#options = options;
    this.#apps = apps;
    this.#log = log;
    this.#hooks = hooks;
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.#connected;
  }

  /**
   * Opens the socket. `first` is called once, when it opened or with the error that kept it from
   * opening (then no reconnect is tried: the caller closes the connection).
   */
  open(first?: (err?: Error) => void): void {
    if (this.#closed) return;
    const ws = new WebSocket(eventsUrl(this.#options, this.#apps), {
      handshakeTimeout: this.#options.connectTimeoutMs ?? 10_000,
    });
    this.#ws = ws;
    let settled = false;
    const fail = (err: TelephonyError): boolean => {
      if (settled || !first) return false;
      settled = true;
      this.#closed = true;
      first(err);
      return true;
    };
    ws.on('open', () => {
      settled = true;
      this.#openedAt = performance.now();
      this.#connected = true;
      this.#startPing(ws);
      first?.();
      this.#hooks.opened();
    });
    ws.on('message', (data) => this.#hooks.message(data.toString()));
    ws.on('pong', () => {
      this.#awaitingPong = false;
    });
    ws.on('unexpected-response', (_req, res) => {
      const err = new TelephonyError(`ARI events WebSocket refused: HTTP ${res.statusCode}`, {
        retryable: res.statusCode !== 401,
      });
      res.resume();
      ws.terminate();
      if (!fail(err)) this.#hooks.refused(err);
    });
    ws.on('error', (err) => {
      if (fail(new TelephonyError(`ARI events WebSocket: ${err.message}`, { cause: err }))) return;
      if (this.#connected) this.#log.warn({ err }, 'ARI events socket error');
      else this.#log.debug({ err: err.message }, 'ARI events reconnect attempt failed');
    });
    ws.on('close', (code) => {
      if (this.#ws !== ws) return;
      clearInterval(this.#pingTimer);
      if (this.#closed) return;
      if (this.#connected) {
        this.#connected = false;
        // Back to the quick attempts only after a connection that held; one dropped at once
        // (e.g. another process registering the same app) goes on backing off.
        if (performance.now() - this.#openedAt >= STABLE_AFTER_MS) this.#attempt = 0;
        this.#hooks.down(`events socket closed (${code})`);
      }
      this.#scheduleReconnect();
    });
  }

  /**
   * Stops for good: no more reconnects; the socket ends with a close frame (see
   * {@link closeWithFrame}). Resolves once it has closed.
   */
  close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    this.#connected = false;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    const ws = this.#ws;
    this.#ws = undefined;
    return ws ? closeWithFrame(ws, timeoutMs) : Promise.resolve();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = backoffDelay(this.#attempt++, this.#options.reconnect);
    const attempt = this.#attempt;
    const level = attempt === 1 || delay >= 1_000 ? 'warn' : 'debug';
    this.#log[level]({ delayMs: delay, attempt }, 'ARI events reconnecting');
    this.#hooks.reconnecting(attempt, delay);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#hooks.reconnect();
      this.open();
    }, delay);
  }

  #startPing(ws: WebSocket): void {
    const every = this.#options.pingIntervalMs ?? 15_000;
    if (every <= 0) return;
    this.#awaitingPong = false;
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => {
      if (this.#awaitingPong) {
        ws.terminate();
        return;
      }
      this.#awaitingPong = true;
      ws.ping();
    }, every);
  }
}

/**
 * `ws(s)://host/ari/events?app=<apps>&api_key=<user>:<password>` (each part URL-encoded), with
 * `subscribeAll=true` when asked.
 */
export function eventsUrl(options: AriConnectionOptions, apps: string[]): string {
  const base = new URL(options.url);
  const u = new URL('/ari/events', base);
  u.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('app', apps.join(','));
  u.searchParams.set('api_key', `${options.user}:${options.password}`);
  if (options.subscribeAll) u.searchParams.set('subscribeAll', 'true');
  return u.toString();
}

/**
 * Closes `ws` with a close frame (Asterisk logs "Web socket closed abruptly" without one) and
 * resolves once it is closed; drops it if no answer comes within `timeoutMs`. A socket still
 * connecting is dropped at once.
 */
export function closeWithFrame(ws: WebSocket, timeoutMs: number): Promise<void> {
  ws.removeAllListeners();
  ws.on('error', () => undefined);
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  if (ws.readyState === WebSocket.CONNECTING) {
    ws.terminate();
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => ws.terminate(), timeoutMs);
    timer.unref();
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'voxstate stopping');
  });
}
