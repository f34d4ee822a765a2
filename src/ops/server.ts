/**
 * The operations HTTP server (node:http, no framework):
 * - `GET /metrics`: Prometheus text of the runtime's registry, with default process metrics and
 *   the event-loop delay;
 * - `GET /healthz`: 200 while the process is alive (always open, even with a token: it says
 *   nothing but "alive", and liveness probes rarely carry credentials);
 * - `GET /readyz`: 200 when every readiness check passes, 503 otherwise, with each check's state;
 * - `GET /calls`: the active calls, without personal data (id, state, direction, start, duration,
 *   turns, flags; never phone numbers or transcripts).
 *
 * - more pages from `routes` (the web console under `/console`).
 *
 * It binds to 127.0.0.1 by default. With a `token`, every endpoint but `/healthz` needs
 * `Authorization: Bearer <token>` (compared in constant time) and answers 401 otherwise. A
 * browser cannot send that header on a page load, so the token is also taken once from
 * `?token=` (which answers with a redirect to the same path without it and an `HttpOnly`,
 * `SameSite=Strict` cookie holding it) and then from that cookie.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Registry } from 'prom-client';
import type { Logger } from '../telemetry/logger.js';
import {
  type EventLoopMonitor,
  enableDefaultMetrics,
  startEventLoopMonitor,
} from './default-metrics.js';

/** A readiness check result: `true` (or `'ok'`) passes; `false` or any other string fails. */
export type ReadinessState = boolean | string;

/** One active call as the runtime describes it; only the listed fields are ever served. */
export interface ActiveCallInfo {
  id: string;
  state: string;
  direction: string;
  /** Epoch ms. */
  startedAt: number;
  turns: number;
  flags: Record<string, string>;
}

/** An answer of an extra route. */
export interface OpsReply {
  status?: number;
  /** Content type (default `text/html; charset=utf-8`). */
  type?: string;
  /** The body: text, or a stream piped to the response (a file; destroyed unread for HEAD). */
  body: string | Readable;
  headers?: Record<string, string>;
}

/**
 * Extra routes: a reply for a path, or undefined when the path is not theirs. `headers` are the
 * request's (a `Range` for a recording).
 */
export type OpsRoutes = (
  path: string,
  query: URLSearchParams,
  headers?: IncomingHttpHeaders,
) => OpsReply | undefined | Promise<OpsReply | undefined>;

/** The cookie a browser keeps the ops token in. */
export const OPS_TOKEN_COOKIE = 'voxstate_ops';

/** Options for {@link createOpsServer}. */
export interface OpsServerOptions {
  registry: Registry;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 9464; 0 picks a free port. */
  port?: number;
  /** Bearer token required on every endpoint but /healthz. */
  token?: string;
  /** Readiness checks by name (ARI connected, pools warm, Redis...). */
  readiness?: () => Record<string, ReadinessState> | Promise<Record<string, ReadinessState>>;
  /** The active calls. */
  calls?: () => readonly ActiveCallInfo[];
  /** More pages behind the same token (the web console). */
  routes?: OpsRoutes;
  /** Deadline of the readiness function, ms (default 2000). */
  readinessTimeoutMs?: number;
  logger?: Logger;
  now?: () => number;
}

/** A created ops server. */
export interface OpsServer {
  readonly server: Server;
  /** Starts listening; resolves to the bound address. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** Stops listening and stops the event-loop monitor. */
  close(): Promise<void>;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function runReadiness(
  fn: OpsServerOptions['readiness'],
  timeoutMs: number,
): Promise<Record<string, ReadinessState>> {
  if (!fn) return {};
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Record<string, ReadinessState>>((resolve) => {
    timer = setTimeout(() => resolve({ readiness: `timed out after ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(fn), timeout]);
  } catch (err) {
    return { readiness: `failed: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the operations server (not yet listening).
 *
 * @example
 * ```ts
 * const ops = createOpsServer({ registry, port: 9464, token: process.env.VOXSTATE_OPS_TOKEN,
 *   readiness: () => ({ ari: ari.connected, pools: pools.warm, redis: redisReady(redis) || 'down' }),
 *   calls: () => registry.activeCalls() });
 * await ops.listen();
 * ```
 */
export function createOpsServer(options: OpsServerOptions): OpsServer {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const tokenDigest = options.token ? digest(options.token) : undefined;
  let monitor: EventLoopMonitor | undefined;
  enableDefaultMetrics(options.registry);

  const matches = (candidate: string | undefined): boolean =>
    candidate !== undefined &&
    tokenDigest !== undefined &&
    timingSafeEqual(digest(candidate.trim()), tokenDigest);

  const authorized = (req: IncomingMessage): boolean => {
    if (!tokenDigest) return true;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (matches(m?.[1])) return true;
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${OPS_TOKEN_COOKIE}=`));
    return matches(
      cookie ? decodeURIComponent(cookie.slice(OPS_TOKEN_COOKIE.length + 1)) : undefined,
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://ops');
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, '{"error":"method not allowed"}');
    }
    if (path === '/healthz') return send(res, 200, '{"status":"alive"}');
    const given = url.searchParams.get('token');
    if (given !== null && tokenDigest && matches(given)) {
      url.searchParams.delete('token');
      res.writeHead(303, {
        location: `${path}${url.search}`,
        'set-cookie': `${OPS_TOKEN_COOKIE}=${encodeURIComponent(given)}; HttpOnly; SameSite=Strict; Path=/`,
        'cache-control': 'no-store',
      });
      res.end();
      return;
    }
    if (!authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, '{"error":"unauthorized"}');
    }
    switch (path) {
      case '/metrics':
        return send(res, 200, await options.registry.metrics(), options.registry.contentType);
      case '/readyz': {
        const checks = await runReadiness(options.readiness, options.readinessTimeoutMs ?? 2_000);
        const ready = Object.values(checks).every((v) => v === true || v === 'ok');
        return send(res, ready ? 200 : 503, JSON.stringify({ ready, checks }));
      }
      case '/calls': {
        const t = now();
        const calls = (options.calls?.() ?? []).map((c) => ({
          id: c.id,
          state: c.state,
          direction: c.direction,
          startedAt: new Date(c.startedAt).toISOString(),
          durationMs: Math.max(0, t - c.startedAt),
          turns: c.turns,
          flags: { ...c.flags },
        }));
        return send(res, 200, JSON.stringify({ count: calls.length, calls }));
      }
      default: {
        const reply = await options.routes?.(path, url.searchParams, req.headers);
        if (!reply) return send(res, 404, '{"error":"not found"}');
        res.writeHead(reply.status ?? 200, {
          'content-type': reply.type ?? 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          ...reply.headers,
        });
        const { body } = reply;
        if (typeof body === 'string') res.end(req.method === 'HEAD' ? undefined : body);
        else if (req.method === 'HEAD') {
          body.destroy();
          res.end();
        } else {
          await pipeline(body, res).catch((err: unknown) => {
            if (!res.writableFinished) res.destroy(err as Error);
          });
        }
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.logger?.error({ err: (err as Error).message, url: req.url }, 'ops request failed');
      if (!res.headersSent) send(res, 500, '{"error":"internal error"}');
      else res.end();
    });
  });

  return {
    server,
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 9464, host, () => {
          server.off('error', reject);
          monitor ??= startEventLoopMonitor(options.registry);
          const addr = server.address();
          const port = addr && typeof addr === 'object' ? addr.port : (options.port ?? 0);
          const shown = host.includes(':') ? `[${host}]` : host;
          options.logger?.info({ host, port }, 'ops server listening');
          resolve({ host, port, url: `http://${shown}:${port}` });
        });
      });
    },
    close() {
      monitor?.stop();
      monitor = undefined;
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
