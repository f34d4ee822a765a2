/**
 * Options and events of the ARI connection.
 *
 * @module
 */

import type { Registry } from 'prom-client';
import type { Logger } from '../telemetry/logger.js';
import type { AriEventBase } from './ari-types.js';
import type { BackoffOptions } from './backoff.js';

/** Options of `connectAri`. */
export interface AriConnectionOptions {
  /** ARI base URL, e.g. `http://asterisk:8088` (only protocol and host are used). */
  url: string;
  user: string;
  password: string;
  /** Stasis app name(s) to receive events for. */
  app: string | string[];
  /** Deadline of every REST call; default 5000 ms. */
  requestTimeoutMs?: number;
  /** Deadline of the initial probe, API load and first WebSocket open; default 10000 ms. */
  connectTimeoutMs?: number;
  /**
   * Reconnect backoff of the events WebSocket; default: quick attempts (100-250 ms) for about
   * the first 2.7 s, then from 500 ms doubling to 5 s (see `backoffDelay`).
   */
  reconnect?: BackoffOptions;
  /** WebSocket ping period to detect a dead peer; default 15000 ms (0 disables). */
  pingIntervalMs?: number;
  /** Subscribe to all events (`subscribeAll=true`). */
  subscribeAll?: boolean;
  logger?: Logger;
  /** The runtime's registry, for `voxstate_ari_*` metrics. */
  registry?: Registry;
}

/** Events of an `AriConnection`. */
export interface AriConnectionEvents {
  /** The events WebSocket is open (first time and after every reconnect). */
  connected: [];
  /** The events WebSocket went away; reconnecting with backoff. */
  disconnected: [reason: string];
  /** Reconnect attempt `attempt` (1-based) of the events WebSocket is due in `delayMs`. */
  reconnecting: [attempt: number, delayMs: number];
  /** Every event ari-client accepted (also emitted on `client` under its type). */
  event: [event: AriEventBase];
  /** An event whose type has no model in events.json: dropped instead of crashing ari-client. */
  unknownEvent: [type: string, event: unknown];
  /** A recoverable problem (malformed message, a listener that threw, a failed reconnect). */
  error: [err: Error];
}
