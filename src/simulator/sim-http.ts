/**
 * The simulated ARI's HTTP side: Basic or `api_key` authentication, the swagger documents that
 * ari-client loads, and the REST operations, answered like Asterisk (401 with a realm, JSON
 * bodies, 204 for void operations, 500 with a message when a handler throws).
 *
 * @module
 */

import type http from 'node:http';
import { handleRest, type RestContext, type RestReply } from './sim-rest.js';
import { resourceDocument, resourceListing } from './swagger-docs.js';

/** What the HTTP side needs from the simulator. */
export interface HttpContext extends RestContext {
  readonly options: RestContext['options'] & {
    host: string;
    port: number;
    user: string;
    password: string;
    swaggerVersion?: '1.1' | '1.2';
  };
  /** True while REST requests must hang (the `stallRest` fault). */
  readonly stalled: boolean;
  /** Keeps a hanging response so that `stop()` can destroy it. */
  hold(res: http.ServerResponse): void;
  /** Reports every request to observers. */
  requested(method: string, path: string): void;
}

/** True when the request carries the simulator's ARI user and password. */
export function isAuthorized(
  req: http.IncomingMessage,
  url: URL,
  user: string,
  password: string,
): boolean {
  const expected = `${user}:${password}`;
  const apiKey = url.searchParams.get('api_key');
  if (apiKey !== null) return apiKey === expected;
  const auth = req.headers.authorization;
  if (!auth?.startsWith('Basic ')) return false;
  return Buffer.from(auth.slice(6), 'base64').toString('utf8') === expected;
}

/** Serves one HTTP request of the simulated ARI. */
export async function serveRequest(
  ctx: HttpContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  const method = req.method ?? 'GET';
  ctx.requested(method, url.pathname);
  if (ctx.stalled) {
    ctx.hold(res);
    return;
  }
  const { user, password } = ctx.options;
  if (!isAuthorized(req, url, user, password)) {
    reply(res, {
      status: 401,
      body: { message: 'Authentication required' },
      headers: { 'WWW-Authenticate': 'Basic realm="Asterisk REST Interface"' },
    });
    return;
  }
  const host = req.headers.host ?? `${ctx.options.host}:${ctx.options.port}`;
  const docs = /^\/ari\/api-docs\/([a-zA-Z]+)\.json$/.exec(url.pathname);
  if (docs) {
    const version = ctx.options.swaggerVersion;
    const doc =
      docs[1] === 'resources'
        ? resourceListing(host, version)
        : resourceDocument(docs[1]!, host, version);
    reply(
      res,
      doc === undefined
        ? { status: 404, body: { message: 'Resource not found' } }
        : { status: 200, body: doc },
    );
    return;
  }
  let body: Record<string, unknown> = {};
  try {
    const raw = await readBody(req);
    if (raw.length > 0) body = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    reply(res, { status: 400, body: { message: 'Invalid JSON body' } });
    return;
  }
  try {
    reply(res, await handleRest(ctx, method, url, body));
  } catch (err) {
    reply(res, {
      status: 500,
      body: { message: err instanceof Error ? err.message : String(err) },
    });
  }
}

function reply(res: http.ServerResponse, r: RestReply): void {
  if (res.writableEnded || res.destroyed) {
    r.after?.();
    return;
  }
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.status === 204 || r.body === undefined) {
    res.writeHead(r.status, headers);
    res.end(r.after ? () => r.after?.() : undefined);
    return;
  }
  const data = JSON.stringify(r.body);
  res.writeHead(r.status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(data),
  });
  res.end(data, r.after ? () => r.after?.() : undefined);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
