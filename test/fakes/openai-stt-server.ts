/**
 * A fixture server for the OpenAI transcription API (`POST /v1/audio/transcriptions`, multipart
 * form with `file`, `model`, `language`, `response_format`), as OpenAI and the OpenAI-compatible
 * Whisper servers speak it. It answers `{"text": ...}` with the scripted caller's next text
 * after a batch delay (the final delay plus `perAudioSecondMs` for each second of audio), or
 * fails as the options say. Every request is recorded.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SttFakeOptions, SttScript, sleep } from './stt-script.js';

/** One recorded transcription request. */
export interface SttRecordedRequest {
  path: string;
  authorization: string | undefined;
  model: string | undefined;
  language: string | undefined;
  responseFormat: string | undefined;
  /** Bytes of the uploaded file, and its WAV sample rate. */
  fileBytes: number;
  sampleRate: number | undefined;
}

/** Options of the OpenAI transcription fixture. */
export interface OpenAiSttServerOptions extends SttFakeOptions {
  /** Processing time per second of audio, ms (default 40: a GPU server). */
  perAudioSecondMs?: number;
}

/** A running fixture server. */
export interface FakeOpenAiSttServer {
  /** `http://127.0.0.1:<port>/v1`, for the SDK's `baseURL`. */
  baseUrl: string;
  requests: SttRecordedRequest[];
  options: OpenAiSttServerOptions;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

const ERROR_TYPES: Record<number, string> = {
  401: 'invalid_request_error',
  429: 'rate_limit_exceeded',
  500: 'server_error',
};

/**
 * Starts the fixture on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const server = await startFakeOpenAiSttServer({ texts: ['when do you open'] });
 * const stt = new OpenAiStt({ baseUrl: server.baseUrl, apiKey: 'k', model: 'whisper-1', timeoutMs: 1500 });
 * ```
 */
export async function startFakeOpenAiSttServer(
  initial: OpenAiSttServerOptions = {},
): Promise<FakeOpenAiSttServer> {
  const options: OpenAiSttServerOptions = { ...initial };
  const script = new SttScript(options);
  const requests: SttRecordedRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const fail = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message, type: ERROR_TYPES[status] ?? 'invalid_request_error', code: null },
        }),
      );
    };
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
      return fail(404, 'not found');
    }
    const form = await new Response(body, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
    const file = form.get('file');
    const bytes = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    const field = (name: string) => {
      const v = form.get(name);
      return typeof v === 'string' ? v : undefined;
    };
    requests.push({
      path: req.url,
      authorization: req.headers.authorization,
      model: field('model'),
      language: field('language'),
      responseFormat: field('response_format'),
      fileBytes: bytes.length,
      sampleRate: bytes.length >= 44 ? bytes.readUInt32LE(24) : undefined,
    });
    if (options.failWith) return fail(options.failWith, `fixture failure ${options.failWith}`);
    if (!(file instanceof Blob) || !field('model')) return fail(400, 'file and model are required');
    if (bytes.toString('latin1', 0, 4) !== 'RIFF') return fail(400, 'Invalid file format.');
    if (options.stall) return;
    if (options.dropAfterAudioMs !== undefined) {
      req.socket.destroy();
      return;
    }
    const audioSeconds = Math.max(0, bytes.length - 44) / 2 / (bytes.readUInt32LE(24) || 16_000);
    await sleep(script.finalDelayMs() + audioSeconds * (options.perAudioSecondMs ?? 40));
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    const fields: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (typeof v === 'string') fields[k] = v;
    res.end(JSON.stringify({ text: script.nextText(fields) }));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    options,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
