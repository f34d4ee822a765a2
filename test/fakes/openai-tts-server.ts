/**
 * A local HTTP server that speaks the OpenAI text-to-speech API (`POST /v1/audio/speech`) for
 * tests and benchmarks: it answers `response_format: 'pcm'` with 24 kHz 16-bit little-endian
 * mono PCM in chunked transfer encoding, after a configurable first-byte latency and in
 * configurable (odd, if you like) chunk sizes. The audio is a tone whose length follows the
 * text, so that tests can check durations. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded request. */
export interface TtsServerRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    input?: string;
    voice?: string;
    response_format?: string;
    instructions?: string;
  };
}

/** Behaviour of the fake server; can be changed between requests. */
export interface TtsServerOptions {
  /** Delay before the first byte, ms (default 0). */
  latencyMs?: number;
  /** Bytes per chunk (default 4801: odd, so samples straddle chunks). */
  chunkBytes?: number;
  /** Delay between chunks, ms (default 0). */
  chunkDelayMs?: number;
  /** Audio per input character, ms (default 60). */
  msPerChar?: number;
  /** Answer every request with this HTTP status and an OpenAI-style error. */
  failWith?: number;
  /** Holds the answer for a text until the returned promise settles (undefined: no wait). */
  hold?: (input: string) => Promise<void> | undefined;
}

/** A running fake server. */
export interface FakeOpenAiTtsServer {
  /** `http://127.0.0.1:<port>/v1`, for the SDK's `baseURL`. */
  baseUrl: string;
  requests: TtsServerRequest[];
  options: TtsServerOptions;
  /** The PCM the server sends for a text (what a test should get back, before conversion). */
  pcmFor(text: string): Buffer;
  close(): Promise<void>;
}

/** PCM sample rate of `response_format: 'pcm'`. */
export const FAKE_TTS_RATE = 24_000;

function tone(text: string, msPerChar: number): Buffer {
  const samples = Math.max(1, Math.round((text.length * msPerChar * FAKE_TTS_RATE) / 1000));
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / FAKE_TTS_RATE));
    pcm.writeInt16LE(v, i * 2);
  }
  return pcm;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Starts the fake server on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const server = await startFakeOpenAiTtsServer({ latencyMs: 150 });
 * const engine = createOpenAiTtsEngine({ baseUrl: server.baseUrl, apiKey: 'test' });
 * await server.close();
 * ```
 */
export async function startFakeOpenAiTtsServer(
  initial: TtsServerOptions = {},
): Promise<FakeOpenAiTtsServer> {
  const options: TtsServerOptions = { ...initial };
  const requests: TtsServerRequest[] = [];
  const pcmFor = (text: string) => tone(text, options.msPerChar ?? 60);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    let body: TtsServerRequest['body'] = {};
    try {
      body = JSON.parse(raw) as TtsServerRequest['body'];
    } catch {
      body = {};
    }
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    const fail = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
    };
    if (req.method !== 'POST' || req.url !== '/v1/audio/speech') return fail(404, 'not found');
    if (options.failWith) return fail(options.failWith, `fake failure ${options.failWith}`);
    if (!body.input || !body.model || !body.voice)
      return fail(400, 'input, model and voice are required');
    if (body.response_format !== 'pcm') return fail(400, 'this fake only speaks pcm');
    const pcm = pcmFor(body.input);
    await options.hold?.(body.input);
    if (options.latencyMs) await sleep(options.latencyMs);
    res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
    const size = Math.max(1, options.chunkBytes ?? 4801);
    for (let at = 0; at < pcm.byteLength; at += size) {
      if (res.destroyed) return;
      res.write(pcm.subarray(at, at + size));
      if (options.chunkDelayMs) await sleep(options.chunkDelayMs);
    }
    res.end();
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    options,
    pcmFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
