/**
 * A local server that speaks the OpenAI Realtime API (GA event names) over a TLS WebSocket on
 * loopback, reachable by the `openai` SDK's realtime client unmodified: point an `OpenAI` client's
 * `baseURL` at {@link FakeRealtimeServer.baseUrl} and trust {@link FakeRealtimeServer.ca}. It is
 * driven by scripted caller text (what the caller "said", one line per utterance its VAD finds),
 * answers with a tone as long as the reply text, and can be told to fail: refuse the upgrade with
 * an HTTP status, never greet, or send an error or drop the socket mid-session.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { type WebSocket, WebSocketServer } from 'ws';
import { loopbackCertificate } from './loopback-tls.js';
import { RealtimeConversation } from './realtime-conversation.js';

/** What the fixture says in one response. */
export type ScriptedReply = { say: string } | { tool: string; args: Record<string, unknown> };

/** How the fixture fails. */
export type RealtimeFailureMode =
  /** Refuse the WebSocket upgrade with this HTTP status (401: bad key, 429, 503...). */
  | { kind: 'status'; status: number }
  /** Accept the connection and never send `session.created`. */
  | { kind: 'silent' }
  /** When response `afterResponses + 1` is asked for, send a `server_error` event and close. */
  | { kind: 'error'; afterResponses: number }
  /** When response `afterResponses + 1` is asked for, drop the socket without a close frame. */
  | { kind: 'drop'; afterResponses: number };

/** Behaviour of the fixture; may be changed between connections and turns. */
export interface RealtimeFixtureOptions {
  /** What the caller says, one line per utterance (the transcript of each committed turn). */
  caller?: string[];
  /** The reply to a caller line (undefined: the bot speaks first). Default: echo the line. */
  reply?: (callerText: string | undefined, response: number) => ScriptedReply;
  /** The reply after a tool's output (default: `Here is what I found. <output>`). */
  afterTool?: (name: string, output: string) => string;
  /** Delay before `session.created`, ms. */
  sessionCreatedDelayMs?: number;
  /** Delay from `response.created` to the first output, ms, or a function of the instructions' length. */
  responseLatencyMs?: number | ((instructionsChars: number) => number);
  /** Audio per `response.output_audio.delta`, ms (default 100). */
  audioChunkMs?: number;
  /** Delay between audio deltas, ms (default 0). */
  chunkDelayMs?: number;
  /** Reply audio per character of text, ms (default 50). */
  msPerChar?: number;
  /** Hold each spoken response after this many audio deltas until `resume()` or a cancel. */
  pauseAfterChunks?: number;
  /** Frame RMS (16-bit units) the fixture's VAD counts as speech (default 500). */
  speechRms?: number;
  /** Send `rate_limits.updated` after each response (default true). */
  rateLimits?: boolean;
  failure?: RealtimeFailureMode;
}

/** One accepted or refused WebSocket upgrade. */
export interface RealtimeConnectionRecord {
  url: string;
  authorization: string | undefined;
  conversation?: RealtimeConversation;
}

/** A running fixture. */
export interface FakeRealtimeServer {
  /** `https://127.0.0.1:<port>/v1`, for the SDK client's `baseURL`. */
  baseUrl: string;
  /** The certificate to trust (`options: { ca }` of the realtime client). */
  ca: string;
  options: RealtimeFixtureOptions;
  connections: RealtimeConnectionRecord[];
  /** The conversation of the latest connection. */
  readonly last: RealtimeConversation | undefined;
  /** Every client event received on every connection, in order. */
  received(): RealtimeClientEvent[];
  /** Releases responses held by `pauseAfterChunks`. */
  resume(): void;
  /** WebSocket connections open now. */
  readonly openSockets: number;
  close(): Promise<void>;
}

function refuse(socket: Socket, status: number): void {
  const body = JSON.stringify({
    error: { message: `fixture refused with ${status}`, type: 'invalid_request_error', code: null },
  });
  socket.end(
    `HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Starts the fixture on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const server = await startFakeRealtimeServer({ caller: ['When do you open?'] });
 * const client = new OpenAI({ apiKey: 'test', baseURL: server.baseUrl });
 * const rt = await OpenAIRealtimeWS.create(client, { model: 'gpt-realtime', options: { ca: server.ca } });
 * ```
 */
export async function startFakeRealtimeServer(
  initial: RealtimeFixtureOptions = {},
): Promise<FakeRealtimeServer> {
  const { key, cert } = await loopbackCertificate();
  const options: RealtimeFixtureOptions = { ...initial };
  const connections: RealtimeConnectionRecord[] = [];
  const sockets = new Set<WebSocket>();
  const server: Server = createServer({ key, cert }, (_req, res) => {
    res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const record: RealtimeConnectionRecord = {
      url: req.url ?? '',
      authorization: req.headers.authorization,
    };
    connections.push(record);
    const model = url.searchParams.get('model');
    if (options.failure?.kind === 'status') return refuse(socket as Socket, options.failure.status);
    if (url.pathname !== '/v1/realtime' || !model) return refuse(socket as Socket, 404);
    if (!req.headers.authorization?.startsWith('Bearer ')) return refuse(socket as Socket, 401);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      const conversation = new RealtimeConversation(ws, model, options);
      record.conversation = conversation;
      ws.on('message', (data) => {
        let event: RealtimeClientEvent;
        try {
          event = JSON.parse(String(data)) as RealtimeClientEvent;
        } catch {
          return conversation.send({
            type: 'error',
            error: { type: 'invalid_request_error', code: 'invalid_json', message: 'bad JSON' },
          });
        }
        conversation.handle(event);
      });
      if (options.failure?.kind === 'silent') return;
      const greet = () =>
        conversation.send({ type: 'session.created', session: conversation.session });
      if (options.sessionCreatedDelayMs) setTimeout(greet, options.sessionCreatedDelayMs);
      else greet();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `https://127.0.0.1:${port}/v1`,
    ca: cert,
    options,
    connections,
    get last() {
      return connections.findLast((c) => c.conversation)?.conversation;
    },
    received: () => connections.flatMap((c) => c.conversation?.received ?? []),
    resume: () => {
      for (const c of connections) c.conversation?.resume();
    },
    get openSockets() {
      return sockets.size;
    },
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A base URL on loopback where nothing listens (connections are refused). */
export async function refusedBaseUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `https://127.0.0.1:${port}/v1`;
}
