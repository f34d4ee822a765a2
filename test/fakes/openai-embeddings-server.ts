/**
 * A fixture OpenAI embeddings server on 127.0.0.1:0: `POST /v1/embeddings` with the real request
 * and response shapes (`input` a string or an array, `encoding_format` float or base64, usage,
 * OpenAI-shaped error bodies). Vectors are hashed bags of words ({@link hashVector}) with their own
 * seed, so they live in a different space from the local test embedder, as a cloud model would.
 * Latency is fixed or drawn uniformly from a range; failures can be switched on; requests are
 * counted.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashVector } from './hash-embedder.js';

/** Options for {@link startEmbeddingsServer}. */
export interface EmbeddingsServerOptions {
  dimensions?: number;
  /** Latency per request, ms: a number or a `[min, max]` range drawn uniformly. */
  latencyMs?: number | [number, number];
  seed?: number;
  /** Random source for the latency draw (default Math.random). */
  random?: () => number;
}

/** A running fixture server. */
export interface EmbeddingsServer {
  /** Base URL for the SDK, e.g. `http://127.0.0.1:1234/v1`. */
  baseURL: string;
  /** Requests answered or failed. */
  requests: number;
  /** Inputs received, in order. */
  inputs: string[];
  /** When set, requests fail with this status. */
  failStatus: number | undefined;
  latencyMs: number | [number, number];
  close(): Promise<void>;
}

/**
 * Starts the fixture server.
 *
 * @example
 * ```ts
 * const server = await startEmbeddingsServer({ dimensions: 48, latencyMs: [650, 1160] });
 * const embedder = new OpenAiEmbedder({ model: 'text-embedding-3-small', dimensions: 48, apiKey: 'test', baseURL: server.baseURL });
 * ```
 */
export async function startEmbeddingsServer(
  options: EmbeddingsServerOptions = {},
): Promise<EmbeddingsServer> {
  const dimensions = options.dimensions ?? 48;
  const random = options.random ?? Math.random;
  const timers = new Set<NodeJS.Timeout>();
  const state: EmbeddingsServer = {
    baseURL: '',
    requests: 0,
    inputs: [],
    failStatus: undefined,
    latencyMs: options.latencyMs ?? 0,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      state.requests++;
      const send = (status: number, payload: unknown): void => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/embeddings')) {
        send(404, { error: { message: 'not found', type: 'invalid_request_error' } });
        return;
      }
      let parsed: { input?: unknown; model?: unknown; encoding_format?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        send(400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
        return;
      }
      const inputs =
        typeof parsed.input === 'string' ? [parsed.input] : (parsed.input as string[] | undefined);
      if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
        send(400, {
          error: {
            message: 'input must be a string or an array of strings',
            type: 'invalid_request_error',
          },
        });
        return;
      }
      state.inputs.push(...inputs);
      const l = state.latencyMs;
      const delay = typeof l === 'number' ? l : l[0] + random() * (l[1] - l[0]);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (state.failStatus !== undefined) {
          send(state.failStatus, { error: { message: 'fixture failure', type: 'server_error' } });
          return;
        }
        const base64 = parsed.encoding_format === 'base64';
        send(200, {
          object: 'list',
          model: parsed.model,
          data: inputs.map((text, index) => {
            const v = hashVector(text, dimensions, options.seed ?? 7);
            return {
              object: 'embedding',
              index,
              embedding: base64 ? Buffer.from(v.buffer).toString('base64') : Array.from(v),
            };
          }),
          usage: {
            prompt_tokens: inputs.join(' ').length / 4,
            total_tokens: inputs.join(' ').length / 4,
          },
        });
      }, delay);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return state;
}
