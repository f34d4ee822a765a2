/**
 * A fixture server for OpenAI Realtime transcription sessions (`wss://.../v1/realtime`) on
 * loopback over TLS (the SDK always uses `wss:`; clients pass {@link FakeRealtimeServer.ca}), as
 * the unmodified `openai/realtime/ws` client speaks it:
 *
 * - on connect: `session.created`; on `session.update` with `type: "transcription"`:
 *   `session.updated` with the applied session;
 * - `input_audio_buffer.append` (base64 PCM16 at 24 kHz): while audio arrives,
 *   `conversation.item.input_audio_transcription.delta` events every 100-200 ms with the
 *   scripted caller's next words;
 * - `input_audio_buffer.commit`: `input_audio_buffer.committed`, then after 150-300 ms the last
 *   delta and `conversation.item.input_audio_transcription.completed` with the whole text and a
 *   duration usage; an empty buffer gets an `error` event (`input_audio_buffer_commit_empty`).
 *
 * OpenAI's own models may send their deltas only after the commit; the fixture sends them while
 * the caller speaks, as a streaming model does, and the engine handles both.
 *
 * Failures: an HTTP status instead of the upgrade (401, 429), a stall (session set up, nothing
 * after), a socket drop after some audio, a slow final.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { pcm16Ms, type SttFakeOptions, SttScript } from './stt-script.js';
import { loopbackCert } from './tls-cert.js';

/** One recorded session. */
export interface RealtimeRecordedSession {
  query: Record<string, string>;
  authorization: string | undefined;
  /** The `session` of the last `session.update`. */
  session: Record<string, unknown> | undefined;
  audioBytes: number;
  /** Client event types, in order. */
  events: string[];
  closed: boolean;
}

/** A running fixture server. */
export interface FakeRealtimeServer {
  /** `https://127.0.0.1:<port>/v1`, for the SDK's `baseURL`. */
  baseUrl: string;
  /** The certificate to trust (`ws: { ca }`). */
  ca: string;
  options: SttFakeOptions;
  sessions: RealtimeRecordedSession[];
  close(): Promise<void>;
}

const RATE = 24_000;

/** Starts the fixture on 127.0.0.1 and a free port. */
export async function startFakeRealtimeServer(
  initial: SttFakeOptions = {},
): Promise<FakeRealtimeServer> {
  const options: SttFakeOptions = { ...initial };
  const script = new SttScript(options);
  const sessions: RealtimeRecordedSession[] = [];
  const { key, cert } = loopbackCert();
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer({ key, cert }, (_req, res) => res.writeHead(404).end());

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (url.pathname !== '/v1/realtime') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (options.failWith) {
      const code = options.failWith === 401 ? 'invalid_api_key' : 'rate_limit_exceeded';
      const body = JSON.stringify({
        error: { message: `fixture failure ${options.failWith}`, type: code, code },
      });
      socket.end(
        `HTTP/1.1 ${options.failWith} Fixture\r\ncontent-type: application/json\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, url));
  });

  function serve(ws: WebSocket, req: IncomingMessage, url: URL) {
    const record: RealtimeRecordedSession = {
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      session: undefined,
      audioBytes: 0,
      events: [],
      closed: false,
    };
    sessions.push(record);
    const sessionId = `sess_${randomUUID().slice(0, 12)}`;
    let itemId = `item_${randomUUID().slice(0, 12)}`;
    let text: string | undefined;
    const current = () => {
      text ??= script.nextText(record.query);
      return text;
    };
    let bufferedBytes = 0;
    let sentWords = 0;
    let partialTimer = false;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    let updated = false;
    const send = (event: Record<string, unknown>) => {
      if (ws.readyState !== ws.OPEN || (options.stall && updated)) return;
      ws.send(JSON.stringify({ event_id: `event_${randomUUID().slice(0, 12)}`, ...event }));
    };
    const words = (t: string) => t.split(/\s+/).filter(Boolean);
    /** Sends words [from, upTo) of `all` of item `item` as one delta; returns the new count. */
    const delta = (item: string, all: string[], from: number, upTo: number): number => {
      const w = all.slice(from, upTo);
      if (w.length === 0) return from;
      send({
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: item,
        content_index: 0,
        delta: (from > 0 ? ' ' : '') + w.join(' '),
      });
      return upTo;
    };
    const error = (code: string, message: string) =>
      send({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null } });

    send({
      type: 'session.created',
      session: {
        type: 'realtime',
        object: 'realtime.session',
        id: sessionId,
        model: record.query.model,
      },
    });

    ws.on('message', (data) => {
      let event: { type?: string; audio?: string; session?: Record<string, unknown> };
      try {
        event = JSON.parse(String(data)) as typeof event;
      } catch {
        error('invalid_json', 'The server could not parse the event.');
        return;
      }
      record.events.push(String(event.type));
      switch (event.type) {
        case 'session.update': {
          if (event.session?.type !== 'transcription') {
            error('invalid_value', 'This fixture only runs transcription sessions.');
            return;
          }
          record.session = event.session;
          send({
            type: 'session.updated',
            session: {
              object: 'realtime.transcription_session',
              id: sessionId,
              include: null,
              ...event.session,
            },
          });
          updated = true;
          return;
        }
        case 'input_audio_buffer.append': {
          const bytes = Buffer.from(String(event.audio ?? ''), 'base64').length;
          record.audioBytes += bytes;
          bufferedBytes += bytes;
          if (
            options.dropAfterAudioMs !== undefined &&
            pcm16Ms(record.audioBytes, RATE) >= options.dropAfterAudioMs
          ) {
            ws.terminate();
            return;
          }
          if (!partialTimer) {
            partialTimer = true;
            later(script.partialDelayMs(), () => {
              partialTimer = false;
              if (text === undefined && bufferedBytes === 0) return;
              const heard = script.heardSoFar(current(), pcm16Ms(bufferedBytes, RATE));
              sentWords = delta(
                itemId,
                words(current()),
                sentWords,
                heard ? heard.split(' ').length : 0,
              );
            });
          }
          return;
        }
        case 'input_audio_buffer.commit': {
          if (bufferedBytes === 0) {
            error(
              'input_audio_buffer_commit_empty',
              'Error committing input audio buffer: buffer is empty.',
            );
            return;
          }
          const seconds = pcm16Ms(bufferedBytes, RATE) / 1000;
          const committed = itemId;
          send({
            type: 'input_audio_buffer.committed',
            previous_item_id: null,
            item_id: committed,
          });
          const whole = current();
          const sent = sentWords;
          later(script.finalDelayMs(), () => {
            delta(committed, words(whole), sent, words(whole).length);
            send({
              type: 'conversation.item.input_audio_transcription.completed',
              item_id: committed,
              content_index: 0,
              transcript: whole,
              usage: { type: 'duration', seconds },
            });
          });
          itemId = `item_${randomUUID().slice(0, 12)}`;
          text = undefined;
          bufferedBytes = 0;
          sentWords = 0;
          return;
        }
        default:
          return;
      }
    });
    ws.on('close', () => {
      record.closed = true;
      for (const t of timers) clearTimeout(t);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `https://127.0.0.1:${port}/v1`,
    ca: cert,
    options,
    sessions,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
