/**
 * The simulated ARI events WebSocket: `GET /ari/events?app=a,b&api_key=user:pass` upgrades to a
 * socket that registers those Stasis apps for as long as it stays open, as on Asterisk (an app
 * with no socket does not exist for the dialplan). It records how each socket ended, so tests can
 * tell a clean close (a close frame) from a dropped connection.
 *
 * @module
 */

import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { EventSocketClose } from './sim-types.js';

/** What the events endpoint needs from the simulator. */
export interface EventSocketsHooks {
  /** True when the request carries the ARI credentials. */
  authorized(req: http.IncomingMessage, url: URL): boolean;
  /** Called once per socket when it closes. */
  closed(info: EventSocketClose): void;
}

/** The events sockets of every registered Stasis app. */
export class SimEventSockets {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #byApp = new Map<string, Set<WebSocket>>();
  readonly #serverClosing = new Set<WebSocket>();
  readonly #hooks: EventSocketsHooks;
  /** While true, new sockets are refused with 503. */
  refuse = false;

  constructor(hooks: EventSocketsHooks) {
    this.#hooks = hooks;
  }

  /** Stasis apps with at least one open socket. */
  get apps(): string[] {
    return [...this.#byApp].filter(([, s]) => s.size > 0).map(([app]) => app);
  }

  /** Sends one event (already JSON) to every open socket of `app`. */
  send(app: string, data: string): void {
    for (const ws of this.#byApp.get(app) ?? []) if (ws.readyState === ws.OPEN) ws.send(data);
  }

  /** Drops every socket without a close frame (a crash, a network cut). */
  dropAll(): void {
    for (const set of this.#byApp.values()) {
      for (const ws of set) {
        this.#serverClosing.add(ws);
        ws.terminate();
      }
    }
  }

  /** Drops every socket and stops accepting. */
  close(): void {
    this.dropAll();
    this.#wss.close();
  }

  /** Handles an HTTP upgrade request. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    const apps = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
    if (url.pathname !== '/ari/events') refuse(404, 'Not Found');
    else if (this.refuse) refuse(503, 'Service Unavailable');
    else if (!this.#hooks.authorized(req, url)) refuse(401, 'Unauthorized');
    else if (apps.length === 0) refuse(400, 'Bad Request');
    else this.#wss.handleUpgrade(req, socket, head, (ws) => this.#register(ws, apps));
  }

  #register(ws: WebSocket, apps: string[]): void {
    for (const app of apps) {
      const set = this.#byApp.get(app) ?? new Set<WebSocket>();
      this.#byApp.set(app, set);
      set.add(ws);
    }
    // ws answers a client's close frame itself. Without one, it reports 1006 (abnormal
    // closure); a close frame without a status code reads 1005.
    ws.on('close', (code, reason) => {
      for (const app of apps) this.#byApp.get(app)?.delete(ws);
      const by = this.#serverClosing.delete(ws) ? 'server' : 'client';
      const closeFrame = code !== 1006;
      this.#hooks.closed({ apps, code, reason: reason.toString('utf8'), closeFrame, by });
    });
    ws.on('error', () => undefined);
  }
}
