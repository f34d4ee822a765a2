/**
 * The connection to Asterisk's ARI: the real `ari-client` for the REST API, with the hazards
 * measured on ari-client 2.2.0 guarded (see docs/asterisk.md):
 *
 * - **Bad credentials** make swagger-client reject `connect` AND throw an uncaught exception
 *   (`SwaggerApi.prototype.fail` calls the failure callback, then `throw`s the message from an
 *   HTTP callback). Two layers contain it. First, before calling `connect`, the credentials are
 *   probed with our own authenticated `fetch` of `/ari/api-docs/resources.json`, so a 401 becomes
 *   a typed {@link TelephonyError} (`retryable: false`) and swagger-client never sees it. Second,
 *   for any other document failure (a 404 or 500 on a resource document, Asterisk dying between
 *   the probe and the load), swagger-client's `fail` is patched once per process to report
 *   without throwing. We chose this over a temporary `process.on('uncaughtException')` guard:
 *   such a listener is process-wide, would also swallow unrelated crashes from other calls during
 *   the window, and disables Node's default crash-on-uncaught for everyone while installed.
 * - **Unknown event types** make ari-client throw a TypeError from its socket handler. voxstate
 *   does not use ari-client's events socket at all: it opens the WebSocket itself and hands each
 *   message to the client only when `events.json` has a model for its type
 *   ({@link dispatchAriMessage}); others are counted and reported as `unknownEvent`.
 * - **REST calls never settle** when Asterisk is down: every call goes through {@link AriRest},
 *   which puts a deadline on it ({@link TimeoutError}).
 * - **The events socket gives up** after about 10 tries: ours reconnects forever with capped
 *   exponential backoff, emitting `disconnected` and `connected`, and pings to notice a dead peer.
 * - **Credentials are global** in swagger-client: one ARI login per process. A second connection
 *   with other credentials is refused with a {@link ConfigError}.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import ari from 'ari-client';
import WebSocket from 'ws';
import { ConfigError, TelephonyError, VoxstateError } from '../errors.js';
import { type Logger, silentLogger } from '../telemetry/logger.js';
import type { AriConnectionEvents, AriConnectionOptions } from './ari-connection-types.js';
import { abortReason, ariDeadline, untilAborted } from './ari-deadline.js';
import { dispatchAriMessage } from './ari-dispatch.js';
import { claimLogin, loginKey, patchSwaggerFail, probeAri, releaseLogin } from './ari-login.js';
import { type AriMetrics, ariMetrics, NO_ARI_METRICS } from './ari-metrics.js';
import { AriRest } from './ari-rest.js';
import type { Client } from './ari-types.js';
import { backoffDelay } from './backoff.js';
import { closeWithFrame, eventsUrl } from './events-socket.js';

export type { AriConnectionEvents, AriConnectionOptions } from './ari-connection-types.js';
export { patchSwaggerFail, probeAri } from './ari-login.js';

/**
 * A live ARI connection: `rest` for guarded REST calls, `client` for ari-client's event API
 * (`client.on('StasisStart', ...)`, `channel.on(...)`), and connection-state events.
 */
export class AriConnection extends EventEmitter<AriConnectionEvents> {
  /** The ari-client instance. Prefer `rest` for calls: raw client calls have no deadline. */
  readonly client: Client;
  /** Guarded REST calls. */
  readonly rest: AriRest;
  readonly #options: AriConnectionOptions;
  readonly #log: Logger;
  readonly #loginKey: string;
  readonly #metrics: AriMetrics;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #connected = false;
  #openedAt = 0;
  /** Events dropped because their type had no model. */
  unknownEvents = 0;
  /** Reconnections of the events socket so far. */
  reconnects = 0;

  /** @internal Use {@link connectAri}. */
  constructor(client: Client, options: AriConnectionOptions, key: string) {
    super();
    this.client = client;
    this.#options = options;
    this.#log = options.logger ?? silentLogger();
    this.#loginKey = key;
    this.#metrics = options.registry ? ariMetrics(options.registry) : NO_ARI_METRICS;
    this.rest = new AriRest(client, options.requestTimeoutMs ?? 5_000, this.#metrics);
  }

  /** True while the events WebSocket is open. */
  get connected(): boolean {
    return this.#connected;
  }

  /** The Stasis app names. */
  get apps(): string[] {
    return Array.isArray(this.#options.app) ? this.#options.app : [this.#options.app];
  }

  /**
   * @internal Opens the events socket; resolves on the first open. On a failure, a timeout or an
   * abort the caller closes the connection.
   */
  openEvents(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return untilAborted(
      ariDeadline(
        new Promise<void>((resolve, reject) => {
          this.#open((err) => (err ? reject(err) : resolve()));
        }),
        timeoutMs,
        'ARI events WebSocket',
      ),
      signal,
      'ARI connect',
    );
  }

  /**
   * Closes the events socket for good and releases the process-wide login. The socket ends with
   * a close frame (without one, Asterisk logs "Web socket closed abruptly"); resolves once it has
   * closed, or after `timeoutMs` (default 1000) if Asterisk never answers the close frame, when
   * the connection is dropped.
   */
  close(timeoutMs = 1_000): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#pingTimer);
    const ws = this.#ws;
    this.#ws = undefined;
    if (this.#connected) {
      this.#connected = false;
      this.#metrics.connected(false);
      this.emit('disconnected', 'closed');
    }
    releaseLogin(this.#loginKey);
    this.#closing = ws ? closeWithFrame(ws, timeoutMs) : Promise.resolve();
    return this.#closing;
  }

  #open(first?: (err?: Error) => void): void {
    if (this.#closed) return;
    const ws = new WebSocket(eventsUrl(this.#options, this.apps), {
      handshakeTimeout: this.#options.connectTimeoutMs ?? 10_000,
    });
    this.#ws = ws;
    let settled = false;
    ws.on('open', () => {
      settled = true;
      this.#openedAt = performance.now();
      this.#connected = true;
      this.#metrics.connected(true);
      this.#startPing(ws);
      this.#log.info({ apps: this.apps }, 'ARI events connected');
      first?.();
      this.emit('connected');
    });
    ws.on('message', (data) => this.#onMessage(data.toString()));
    ws.on('pong', () => {
      this.#awaitingPong = false;
    });
    ws.on('unexpected-response', (_req, res) => {
      const err = new TelephonyError(`ARI events WebSocket refused: HTTP ${res.statusCode}`, {
        retryable: res.statusCode !== 401,
      });
      res.resume();
      ws.terminate();
      if (!settled && first) {
        settled = true;
        first(err);
        this.#closed = true;
        return;
      }
      this.#emitError(err);
    });
    ws.on('error', (err) => {
      if (!settled && first) {
        settled = true;
        this.#closed = true;
        first(new TelephonyError(`ARI events WebSocket: ${err.message}`, { cause: err }));
        return;
      }
      if (this.#connected) this.#log.warn({ err }, 'ARI events socket error');
      else this.#log.debug({ err: err.message }, 'ARI events reconnect attempt failed');
    });
    ws.on('close', (code) => {
      if (this.#ws !== ws) return;
      clearInterval(this.#pingTimer);
      if (this.#closed) return;
      if (this.#connected) {
        this.#connected = false;
        this.#metrics.connected(false);
        // Back to the quick attempts only after a connection that held; one dropped at once
        // (e.g. another process registering the same app) goes on backing off.
        if (performance.now() - this.#openedAt >= STABLE_AFTER_MS) this.#attempt = 0;
        this.emit('disconnected', `events socket closed (${code})`);
      }
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = backoffDelay(this.#attempt++, this.#options.reconnect);
    const attempt = this.#attempt;
    const level = attempt === 1 || delay >= 1_000 ? 'warn' : 'debug';
    this.#log[level]({ delayMs: delay, attempt }, 'ARI events reconnecting');
    this.emit('reconnecting', attempt, delay);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.reconnects++;
      this.#metrics.reconnect();
      this.#open();
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

  #onMessage(raw: string): void {
    let result: ReturnType<typeof dispatchAriMessage>;
    try {
      result = dispatchAriMessage(this.client, raw);
    } catch (err) {
      this.#emitError(
        new TelephonyError(`an ARI event listener threw: ${(err as Error).message}`, {
          cause: err,
        }),
      );
      return;
    }
    if (result.kind === 'unknown') {
      this.unknownEvents++;
      this.#metrics.unknownEvent(result.type);
      this.#log.debug({ type: result.type }, 'ARI event type without a model: dropped');
      this.emit('unknownEvent', result.type, raw);
    } else if (result.kind === 'invalid') {
      this.#emitError(result.error);
    } else {
      this.emit('event', result.event);
    }
  }

  #emitError(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    else this.#log.warn({ err }, 'ARI connection problem');
  }
}

/** A connection that stayed open this long resets the reconnect backoff when it drops. */
const STABLE_AFTER_MS = 5_000;

/**
 * Connects to ARI: probes the credentials, loads the API with ari-client, opens the events
 * WebSocket. Rejects with {@link TelephonyError} (`retryable: false` for wrong credentials),
 * {@link TimeoutError}, {@link ConfigError} for a second login with other credentials, or
 * AbortedError (or `signal`'s reason) as soon as `signal` aborts; whatever the attempt opened is
 * closed and the process-wide login given back before it rejects.
 *
 * @example
 * ```ts
 * const ari = await connectAri({ url: 'http://asterisk:8088', user: 'voxstate', password, app: 'voxstate' });
 * ari.client.on('StasisStart', (event, channel) => { ... });
 * await ari.rest.answer(channel.id);
 * ```
 */
export async function connectAri(
  options: AriConnectionOptions,
  signal?: AbortSignal,
): Promise<AriConnection> {
  if (signal?.aborted) throw abortReason(signal, 'ARI connect');
  const key = loginKey(options.url, options.user, options.password);
  claimLogin(
    key,
    false,
    'ari-client keeps credentials globally (in swagger-client): one ARI login per process; close the other connection first',
  );
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  patchSwaggerFail();
  await probeAri(options.url, options.user, options.password, timeoutMs, signal);
  claimLogin(key, true, 'another ARI login started meanwhile');
  let conn: AriConnection | undefined;
  try {
    // ari-client's document loads cannot be cancelled: on an abort they finish unobserved (its
    // HTTP agent keeps no socket referenced, so they hold no process open).
    const client = await untilAborted(
      ariDeadline(
        ari.connect(options.url, options.user, options.password),
        timeoutMs,
        'ARI connect',
      ),
      signal,
      'ARI connect',
    );
    conn = new AriConnection(client, options, key);
    await conn.openEvents(timeoutMs, signal);
    return conn;
  } catch (err) {
    if (conn) await conn.close();
    else releaseLogin(key);
    if (err instanceof VoxstateError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new TelephonyError(`ARI connect failed: ${message}`, { cause: err });
  }
}
