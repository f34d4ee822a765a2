/**
 * A fixture OpenAI chat-completions server on 127.0.0.1:0 that speaks the real streaming
 * protocol (server-sent `chat.completion.chunk` events, a usage chunk when
 * `stream_options.include_usage` is set, `data: [DONE]`, and OpenAI-shaped error bodies).
 *
 * Replies are scripted per request (matched on model and last user message) with a first-token
 * latency (fixed or a function of prompt length), a per-chunk delay, and failures: an HTTP
 * status, a stall mid-stream, an empty answer, or a refusal. Every request is recorded, with
 * whether the client closed the connection before the answer was complete.
 *
 * The scripting types are shared with the Anthropic fixture server.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer. */
export interface ScriptedReply {
  /**
   * Which requests this reply answers; all given fields must match. `afterTool`: the request
   * ends with a tool result (true) or not (false).
   */
  match?: { model?: string; lastUser?: string | RegExp; afterTool?: boolean };
  /** Tool calls streamed after the text, in the provider's wire format (arguments in parts). */
  toolCalls?: ReadonlyArray<{ name: string; arguments: unknown; id?: string }>;
  /** The answer, as chunks (array) or as one string split into word chunks. */
  text?: string | readonly string[];
  /**
   * The answer computed from the request (instead of `text`), split into word chunks: e.g. a
   * grounded answer made from the passages the request carries (OpenAI fixture only).
   */
  answer?: (request: RecordedRequest) => string;
  /** Delay before the first chunk, ms, or a function of the prompt length in characters. */
  firstTokenMs?: number | ((promptChars: number) => number);
  /** Delay between chunks, ms. */
  chunkDelayMs?: number;
  /** Answer with this HTTP error instead of a stream. */
  fail?: { status: number; type?: string; message?: string };
  /** Send this many chunks, then keep the connection open and send nothing more. */
  stallAfterChunks?: number;
  /** Refuse: OpenAI streams `delta.refusal`, Anthropic ends with `stop_reason: "refusal"`. */
  refusal?: string;
  /** Send an error event mid-stream after the text (Anthropic `event: error`, OpenAI `{error}`). */
  streamError?: { type: string; message: string };
  /** Token usage to report; default: characters / 4. */
  usage?: { input: number; output: number };
  /** How many requests this reply answers before it is used up; default unlimited. */
  times?: number;
}

/** One request the server received. */
export interface RecordedRequest {
  path: string;
  model: string;
  system: string;
  messages: Array<{ role: string; content: string }>;
  /** Characters of system prompt plus messages. */
  promptChars: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** True once the response was completely written. */
  finished: boolean;
  /** True when the client closed the connection before the response was complete. */
  closedEarly: boolean;
  /** Resolves when the connection is closed, by either side. */
  closed: Promise<void>;
}

/** Options shared by both fixture servers. */
export interface FixtureServerOptions {
  /** Scripted replies, tried in order. */
  replies?: ScriptedReply[];
  /** Used when no scripted reply matches; default a short fixed answer. */
  fallback?: ScriptedReply;
}

/** A running fixture server. */
export interface FixtureServer {
  /** Base URL to hand to the SDK. */
  readonly baseURL: string;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Adds replies at the front of the script. */
  script(...replies: ScriptedReply[]): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Splits an answer into word-sized chunks, as models stream them. */
export function wordChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** The reply chunks of `reply`. */
export function replyChunks(reply: ScriptedReply): string[] {
  if (reply.text === undefined) return [];
  return typeof reply.text === 'string' ? wordChunks(reply.text) : [...reply.text];
}

/** Picks the first reply matching the request and uses it up. */
export function pickReply(
  replies: ScriptedReply[],
  fallback: ScriptedReply,
  model: string,
  lastUser: string,
  afterTool = false,
): ScriptedReply {
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i]!;
    const m = r.match;
    if (m?.model !== undefined && m.model !== model) continue;
    if (m?.afterTool !== undefined && m.afterTool !== afterTool) continue;
    if (m?.lastUser !== undefined) {
      const ok =
        typeof m.lastUser === 'string' ? lastUser.includes(m.lastUser) : m.lastUser.test(lastUser);
      if (!ok) continue;
    }
    if (r.times !== undefined) {
      r.times -= 1;
      if (r.times <= 0) replies.splice(i, 1);
    }
    return r;
  }
  return fallback;
}

/** Delay of `reply` before the first token for a prompt of `chars` characters. */
export function firstTokenDelay(reply: ScriptedReply, chars: number): number {
  const f = reply.firstTokenMs;
  if (f === undefined) return 0;
  return typeof f === 'number' ? f : f(chars);
}

/** Reads a JSON request body. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts).toString('utf8');
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}

/** Text of a message content (string or content-block array, tool results included). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) => {
        if (!b || typeof b !== 'object') return '';
        if ('text' in b) return String(b.text);
        if ('type' in b && b.type === 'tool_result' && 'content' in b)
          return contentText(b.content);
        return '';
      })
      .join('');
  }
  return '';
}

/** Splits a tool call's JSON arguments into a few parts, as models stream them. */
export function argumentParts(args: unknown): string[] {
  const json = typeof args === 'string' ? args : JSON.stringify(args);
  const parts: string[] = [];
  for (let i = 0; i < json.length; i += 7) parts.push(json.slice(i, i + 7));
  return parts.length > 0 ? parts : [''];
}

/** Sleeps `ms`, resolving early (false) when the response closes. */
export function pause(ms: number, res: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!res.destroyed);
  return new Promise((resolve) => {
    const done = (alive: boolean) => {
      clearTimeout(timer);
      res.off('close', onClose);
      resolve(alive);
    };
    const onClose = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    res.once('close', onClose);
  });
}

/** Starts an HTTP server whose handler gets a recorded exchange, and tracks its sockets. */
export async function startFixture(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ server: Server; baseURL: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { server, baseURL: `http://127.0.0.1:${port}`, close };
}

/** Creates the request record and wires its close tracking. */
export function recordRequest(
  req: IncomingMessage,
  res: ServerResponse,
  body: Record<string, unknown>,
  system: string,
  messages: Array<{ role: string; content: string }>,
): RecordedRequest {
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const record: RecordedRequest = {
    path: req.url ?? '',
    model: String(body.model ?? ''),
    system,
    messages,
    promptChars: system.length + messages.reduce((n, m) => n + m.content.length, 0),
    headers: req.headers,
    body,
    finished: false,
    closedEarly: false,
    closed,
  };
  res.on('close', () => {
    if (!record.finished) record.closedEarly = true;
    markClosed();
  });
  return record;
}

const DEFAULT_REPLY: ScriptedReply = { text: 'Hello from the fixture model.' };

/**
 * Starts the OpenAI fixture server.
 *
 * @example
 * ```ts
 * const server = await startOpenAiServer({ replies: [{ text: 'Hi there.' }] });
 * const client = new OpenAI({ baseURL: server.baseURL + '/v1', apiKey: 'test' });
 * ```
 */
export async function startOpenAiServer(
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const replies = [...(options.replies ?? [])];
  const fallback = options.fallback ?? DEFAULT_REPLY;
  const requests: RecordedRequest[] = [];
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const raw = Array.isArray(body.messages)
      ? (body.messages as Array<Record<string, unknown>>)
      : [];
    const system = raw
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => contentText(m.content))
      .join('\n');
    const messages = raw
      .filter((m) => m.role !== 'system' && m.role !== 'developer')
      .map((m) => ({ role: String(m.role), content: contentText(m.content) }));
    const record = recordRequest(req, res, body, system, messages);
    requests.push(record);
    if (!req.url?.endsWith('/chat/completions') || req.method !== 'POST') {
      record.finished = true;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const afterTool = messages.at(-1)?.role === 'tool';
    const reply = pickReply(replies, fallback, record.model, lastUser, afterTool);
    const delay = firstTokenDelay(reply, record.promptChars);

    if (reply.fail) {
      if (!(await pause(delay, res))) return;
      record.finished = true;
      const type =
        reply.fail.type ?? (reply.fail.status === 429 ? 'rate_limit_exceeded' : 'server_error');
      res.writeHead(reply.fail.status, {
        'content-type': 'application/json',
        'x-request-id': `req_${++seq}`,
      });
      res.end(
        JSON.stringify({
          error: {
            message: reply.fail.message ?? 'fixture failure',
            type,
            param: null,
            code: type,
          },
        }),
      );
      return;
    }
    if (body.stream !== true) {
      record.finished = true;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'fixture supports stream: true only' } }));
      return;
    }

    const id = `chatcmpl-fixture${++seq}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (choices: unknown[], usage: unknown = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: record.model,
        service_tier: 'default',
        system_fingerprint: 'fp_fixture',
        choices,
        usage,
      })}\n\n`;
    const includeUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': `req_${seq}`,
    });
    res.flushHeaders();
    if (!(await pause(delay, res))) return;
    const role = { role: 'assistant', content: '', refusal: null };
    res.write(chunk([{ index: 0, delta: role, logprobs: null, finish_reason: null }]));

    const pieces = reply.answer ? wordChunks(reply.answer(record)) : replyChunks(reply);
    let sent = 0;
    for (const piece of pieces) {
      if (reply.stallAfterChunks !== undefined && sent >= reply.stallAfterChunks) return;
      if (sent > 0 && !(await pause(reply.chunkDelayMs ?? 0, res))) return;
      if (res.destroyed) return;
      res.write(
        chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]),
      );
      sent++;
    }
    if (reply.stallAfterChunks !== undefined && sent >= reply.stallAfterChunks) return;
    if (reply.refusal !== undefined) {
      for (const piece of wordChunks(reply.refusal)) {
        res.write(
          chunk([{ index: 0, delta: { refusal: piece }, logprobs: null, finish_reason: null }]),
        );
      }
    }
    if (reply.streamError) {
      res.write(
        `data: ${JSON.stringify({ error: { ...reply.streamError, param: null, code: null } })}\n\n`,
      );
      record.finished = true;
      res.end();
      return;
    }
    for (const [index, call] of (reply.toolCalls ?? []).entries()) {
      const parts = argumentParts(call.arguments);
      for (const [n, part] of parts.entries()) {
        if (!(await pause(reply.chunkDelayMs ?? 0, res))) return;
        const first = n === 0;
        const toolCall = first
          ? {
              index,
              id: call.id ?? `call_fixture${seq}_${index}`,
              type: 'function',
              function: { name: call.name, arguments: part },
            }
          : { index, function: { arguments: part } };
        res.write(
          chunk([
            {
              index: 0,
              delta:
                first && index === 0 && pieces.length === 0
                  ? { role: 'assistant', content: null, tool_calls: [toolCall] }
                  : { tool_calls: [toolCall] },
              logprobs: null,
              finish_reason: null,
            },
          ]),
        );
      }
    }
    const finish =
      reply.refusal !== undefined
        ? 'content_filter'
        : (reply.toolCalls?.length ?? 0) > 0
          ? 'tool_calls'
          : 'stop';
    res.write(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finish }]));
    if (includeUsage) {
      const text = pieces.join('');
      const usage = reply.usage ?? {
        input: Math.ceil(record.promptChars / 4),
        output: Math.ceil(text.length / 4),
      };
      res.write(
        chunk([], {
          prompt_tokens: usage.input,
          completion_tokens: usage.output,
          total_tokens: usage.input + usage.output,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
        }),
      );
    }
    res.write('data: [DONE]\n\n');
    record.finished = true;
    res.end();
  };

  const { baseURL, close } = await startFixture(handle);
  return {
    baseURL: `${baseURL}/v1`,
    requests,
    script: (...more) => replies.unshift(...more),
    close,
  };
}
