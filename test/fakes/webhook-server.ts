/**
 * A fixture webhook server on 127.0.0.1:0 for business tools. Paths: `/answer` replies 200 with
 * `{"ok":true,"echo":<body>}`; `/slow?ms=N` replies the same after N ms; `/fail` replies 500;
 * `/hang` never replies. Every request is recorded with its method, query, headers, JSON body,
 * and whether the client aborted it before the reply was written.
 *
 * @module
 */
import { startFixture } from './openai-server.js';

/** One request the webhook server received. */
export interface WebhookRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** True when the client closed the connection before the reply. */
  aborted: boolean;
  /** From the request's arrival (body read) to its reply written, ms. */
  handledMs?: number;
  /** The client's port: requests on one kept-alive connection share it. */
  remotePort?: number;
  /** Resolves when the connection closed, by either side. */
  closed: Promise<void>;
}

/** A running webhook fixture. */
export interface WebhookServer {
  readonly baseURL: string;
  readonly requests: WebhookRequest[];
  close(): Promise<void>;
}

/** Starts the webhook fixture server. */
export async function startWebhookServer(): Promise<WebhookServer> {
  const requests: WebhookRequest[] = [];
  const { baseURL, close } = await startFixture(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const raw = Buffer.concat(parts).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fixture');
    const arrived = performance.now();
    let replied = false;
    let markClosed: () => void = () => {};
    const record: WebhookRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      ...(req.socket.remotePort !== undefined ? { remotePort: req.socket.remotePort } : {}),
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
      aborted: false,
      closed: new Promise<void>((resolve) => (markClosed = resolve)),
    };
    res.on('close', () => {
      if (!replied) record.aborted = true;
      markClosed();
    });
    requests.push(record);
    const reply = (status: number, body: unknown) => {
      replied = true;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      record.handledMs = performance.now() - arrived;
    };
    if (url.pathname === '/answer') return reply(200, { ok: true, echo: record.body ?? null });
    if (url.pathname === '/slow') {
      const ms = Number(url.searchParams.get('ms') ?? '200');
      await new Promise((resolve) => setTimeout(resolve, ms));
      if (!res.destroyed) reply(200, { ok: true, slow: ms });
      return;
    }
    if (url.pathname === '/fail') return reply(500, { error: 'fixture failure' });
    if (url.pathname === '/hang') return;
    reply(404, { error: 'not found' });
  });
  return { baseURL, requests, close };
}
