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
 *   exponential backoff, emitting `disconnected` and `connected`, and pings to notice a dead peer
 *   ({@link AriEventsSocket} in `events-socket.ts`).
 * - **Credentials are global** in swagger-client: one ARI login per process. A second connection
 *   with other credentials is refused with a {@link ConfigError}.
 *
 * @module
 */

import { EventEmitter } from 'node:events';
import ari from 'ari-client';
import { ConfigError, TelephonyError, VoxstateError } from '../errors.js';
import { type Logger, silentLogger } from '../telemetry/logger.js';
import type { AriConnectionEvents, AriConnectionOptions } from './ari-connection-types.js';
import { abortReason, ariDeadline, untilAborted } from './ari-deadline.js';
import { dispatchAriMessage } from './ari-dispatch.js';
import { claimLogin, loginKey, patchSwaggerFail, probeAri, releaseLogin } from './ari-login.js';
import { type AriMetrics, ariMetrics, NO_ARI_METRICS } from './ari-metrics.js';
import { AriRest } from './ari-rest.js';
import type { Client } from './ari-types.js';
import { AriEventsSocket } from './events-socket.js';

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
  readonly #socket: AriEventsSocket;
  #closing: Promise<void> | undefined;
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
    this.#socket = new AriEventsSocket(options, this.apps, this.#log, {
      opened: () => {
        this.#metrics.connected(true);
        this.#log.info({ apps: this.apps }, 'ARI events connected');
        this.emit('connected');
      },
      message: (raw) => this.#onMessage(raw),
      down: (reason) => {
        this.#metrics.connected(false);
        this.emit('disconnected', reason);
      },
      reconnecting: (attempt, delayMs) => this.emit('reconnecting', attempt, delayMs),
      reconnect: () => {
        this.reconnects++;
        this.#metrics.reconnect();
      },
      refused: (err) => this.#emitError(err),
    });
  }

  /** True while the events WebSocket is open. */
  get connected(): boolean {
    return this.#socket.connected;
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
          this.#socket.open((err) => (err ? reject(err) : resolve()));
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
    const wasConnected = this.#socket.connected;
    this.#closing = this.#socket.close(timeoutMs);
    if (wasConnected) {
      this.#metrics.connected(false);
      this.emit('disconnected', 'closed');
    }
    releaseLogin(this.#loginKey);
    return this.#closing;
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
