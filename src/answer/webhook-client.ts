/**
 * The HTTP client of the business's tool webhooks: `node:http`/`node:https` requests over one
 * keep-alive agent per protocol (up to {@link WEBHOOK_SOCKETS} connections per host, idle ones
 * kept 30 s and never holding the process open). Measured against the global `fetch` with 50
 * requests at once (`npm run bench -- actions --json`, docs/benchmarks.md): a fifth to two
 * thirds of `fetch`'s CPU per request, which is what a burst of tool calls on one event loop
 * waits for, and no connection lapsing between bursts (`fetch` keeps them 4 s).
 * Aborting `signal` destroys the request (the webhook sees the connection close).
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';

/** Most open connections per webhook host. */
export const WEBHOOK_SOCKETS = 64;

/** A webhook's reply: status and body text (up to `maxChars`). */
export interface WebhookReply {
  status: number;
  ok: boolean;
  text: string;
}

/** One request. */
export interface WebhookRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** Characters of the body kept (the rest is read and dropped, so the connection is reused). */
  maxChars: number;
}

/** Sends webhook requests over kept-alive connections. */
export class WebhookClient {
  readonly #http = new http.Agent({
    keepAlive: true,
    maxSockets: WEBHOOK_SOCKETS,
    timeout: 30_000,
  });
  readonly #https = new https.Agent({
    keepAlive: true,
    maxSockets: WEBHOOK_SOCKETS,
    timeout: 30_000,
  });

  /**
   * Sends one request and reads its reply.
   *
   * @throws the request's error (refused, reset), or an `AbortError` when `signal` aborts.
   */
  send(url: URL, req: WebhookRequest): Promise<WebhookReply> {
    const secure = url.protocol === 'https:';
    const request = secure ? https.request : http.request;
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    return new Promise<WebhookReply>((resolve, reject) => {
      const outgoing = request(
        url,
        {
          method: req.method,
          headers,
          agent: secure ? this.#https : this.#http,
          signal: req.signal,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < req.maxChars) text += chunk;
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve({
              status,
              ok: status >= 200 && status < 300,
              text: text.slice(0, req.maxChars),
            });
          });
          res.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }

  /** Closes every kept-alive connection. */
  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
