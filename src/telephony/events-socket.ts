/**
 * The ARI events WebSocket's address, and its orderly close.
 *
 * @module
 */

import WebSocket from 'ws';
import type { AriConnectionOptions } from './ari-connection-types.js';

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
