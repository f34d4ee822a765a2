/**
 * A fixture Anthropic Messages server on 127.0.0.1:0 that speaks the real streaming protocol:
 * `message_start` (with input usage), `content_block_start`, `ping`, `content_block_delta`
 * (`text_delta`), `content_block_stop`, `message_delta` (stop reason and output usage) and
 * `message_stop`, as named SSE events; errors as `{"type":"error","error":{...}}` bodies (HTTP
 * 429/500/529) or as an `event: error` mid-stream.
 *
 * Scripting (replies, latencies, failures) and recording are shared with
 * {@link startOpenAiServer}; see {@link ScriptedReply}.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  argumentParts,
  contentText,
  type FixtureServer,
  type FixtureServerOptions,
  firstTokenDelay,
  pause,
  pickReply,
  type RecordedRequest,
  readJson,
  recordRequest,
  replyChunks,
  type ScriptedReply,
  startFixture,
} from './openai-server.js';

const DEFAULT_REPLY: ScriptedReply = { text: 'Hello from the fixture model.' };

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/**
 * Starts the Anthropic fixture server.
 *
 * @example
 * ```ts
 * const server = await startAnthropicServer({ replies: [{ text: 'Hi there.' }] });
 * const client = new Anthropic({ baseURL: server.baseURL, apiKey: 'test' });
 * ```
 */
export async function startAnthropicServer(
  options: FixtureServerOptions = {},
): Promise<FixtureServer> {
  const replies = [...(options.replies ?? [])];
  const fallback = options.fallback ?? DEFAULT_REPLY;
  const requests: RecordedRequest[] = [];
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readJson(req);
    const system = contentText(body.system);
    const raw = Array.isArray(body.messages)
      ? (body.messages as Array<Record<string, unknown>>)
      : [];
    const messages = raw.map((m) => ({ role: String(m.role), content: contentText(m.content) }));
    const record = recordRequest(req, res, body, system, messages);
    requests.push(record);
    const requestId = `req_fixture${++seq}`;
    const sendError = (status: number, type: string, message: string) => {
      record.finished = true;
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId });
      res.end(JSON.stringify({ type: 'error', error: { type, message }, request_id: requestId }));
    };
    if (!req.url?.split('?')[0]?.endsWith('/v1/messages') || req.method !== 'POST') {
      sendError(404, 'not_found_error', 'not found');
      return;
    }
    const isToolResult = (m: Record<string, unknown> | undefined) =>
      Array.isArray(m?.content) &&
      (m.content as Array<{ type?: string }>).some((b) => b.type === 'tool_result');
    const lastUser =
      contentText([...raw].reverse().find((m) => m.role === 'user' && !isToolResult(m))?.content) ??
      '';
    const reply = pickReply(replies, fallback, record.model, lastUser, isToolResult(raw.at(-1)));
    const delay = firstTokenDelay(reply, record.promptChars);

    if (reply.fail) {
      if (!(await pause(delay, res))) return;
      const status = reply.fail.status;
      sendError(
        status,
        reply.fail.type ?? ERROR_TYPES[status] ?? 'api_error',
        reply.fail.message ?? (status === 529 ? 'Overloaded' : 'fixture failure'),
      );
      return;
    }
    if (body.stream !== true) {
      sendError(400, 'invalid_request_error', 'fixture supports stream: true only');
      return;
    }

    const event = (name: string, data: unknown) =>
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    const pieces = replyChunks(reply);
    const usage = reply.usage ?? {
      input: Math.ceil(record.promptChars / 4),
      output: Math.ceil(pieces.join('').length / 4),
    };

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'request-id': requestId,
    });
    res.flushHeaders();
    event('message_start', {
      type: 'message_start',
      message: {
        id: `msg_fixture${seq}`,
        type: 'message',
        role: 'assistant',
        model: record.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
          service_tier: 'standard',
        },
      },
    });
    if (!(await pause(delay, res))) return;
    const tools = reply.toolCalls ?? [];
    const withText = pieces.length > 0 || tools.length === 0;
    if (withText) {
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
    }
    event('ping', { type: 'ping' });

    let sent = 0;
    for (const piece of pieces) {
      if (reply.stallAfterChunks !== undefined && sent >= reply.stallAfterChunks) return;
      if (sent > 0 && !(await pause(reply.chunkDelayMs ?? 0, res))) return;
      if (res.destroyed) return;
      event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: piece },
      });
      sent++;
    }
    if (reply.stallAfterChunks !== undefined && sent >= reply.stallAfterChunks) return;
    if (reply.streamError) {
      event('error', { type: 'error', error: reply.streamError });
      record.finished = true;
      res.end();
      return;
    }
    if (withText) event('content_block_stop', { type: 'content_block_stop', index: 0 });
    for (const [n, call] of tools.entries()) {
      const index = n + (withText ? 1 : 0);
      event('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: {
          type: 'tool_use',
          id: call.id ?? `toolu_fixture${seq}_${n}`,
          name: call.name,
          input: {},
        },
      });
      for (const part of argumentParts(call.arguments)) {
        if (!(await pause(reply.chunkDelayMs ?? 0, res))) return;
        event('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: part },
        });
      }
      event('content_block_stop', { type: 'content_block_stop', index });
    }
    event('message_delta', {
      type: 'message_delta',
      delta: {
        stop_reason:
          reply.refusal !== undefined ? 'refusal' : tools.length > 0 ? 'tool_use' : 'end_turn',
        stop_sequence: null,
      },
      usage: { output_tokens: usage.output },
    });
    event('message_stop', { type: 'message_stop' });
    record.finished = true;
    res.end();
  };

  const { baseURL, close } = await startFixture(handle);
  return {
    baseURL,
    requests,
    script: (...more) => replies.unshift(...more),
    close,
  };
}
