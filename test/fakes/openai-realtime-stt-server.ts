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
 *   duration usage; items complete in commit order, as the API's do. A buffer under 100 ms gets
 *   the API's `error` event (`input_audio_buffer_commit_empty`, "buffer too small"); a buffer
 *   with no voice in it (every 20 ms block under -45 dBFS) completes with an empty transcript
 *   and takes no scripted text.
 *
 * Pieces: a text with ` | ` between the pieces a caller says with pauses between them is one
 * utterance, followed by the caller's voice (see `PieceVoice`: a piece ends with 500 ms of
 * silence, or with a commit in a pause): a commit of a buffer that ends in a pause after a piece
 * (an early commit) completes the pieces whose voice has ended since the last commit (the first
 * piece, at the first pause); any other commit completes the rest of the utterance (so a caller
 * whose audio has no pauses gets the whole text at the first commit). A pause under 500 ms with
 * no commit in it does not end a piece: the pieces around it run together, and a commit at the
 * end of the utterance then completes only the first of them. Deltas come while the buffer has
 * voice and reveal the words of its item's pieces only. A text without pieces is one piece:
 * each commit with voice takes the next scripted text, as before.
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
import { PieceVoice, pcm16Ms, type SttFakeOptions, SttScript, scriptPieces } from './stt-script.js';
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
/** The API rejects a commit of less audio than this. */
const MIN_COMMIT_MS = 100;

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
    /** The utterance being said (its pieces, how many were completed) and its caller's voice. */
    let utterance: { pieces: string[]; done: number } | undefined;
    let voice = new PieceVoice(RATE);
    const current = () => {
      utterance ??= { pieces: scriptPieces(script.nextText(record.query)), done: 0 };
      return utterance;
    };
    /** Audio and voice of the buffer since the last commit, words of it sent as deltas. */
    let bufferedBytes = 0;
    let bufferedVoicedMs = 0;
    let sentWords = 0;
    /** When the last commit's item completes (items complete in commit order). */
    let lastCompletionAt = 0;
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
    /** The text a commit completes: the pieces said since the last one (see the header). */
    const completePieces = (): string => {
      const u = current();
      voice.endPiece();
      const ended = voice.ended;
      const upTo = ended > u.done && ended < u.pieces.length ? ended : u.pieces.length;
      const transcript = u.pieces.slice(u.done, upTo).join(' ');
      u.done = upTo;
      if (upTo === u.pieces.length) {
        utterance = undefined;
        voice = new PieceVoice(RATE);
      }
      return transcript;
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
          const pcm = Buffer.from(String(event.audio ?? ''), 'base64');
          const bytes = pcm.length;
          record.audioBytes += bytes;
          bufferedBytes += bytes;
          const voicedBefore = voice.voicedMs;
          voice.feed(pcm);
          bufferedVoicedMs += voice.voicedMs - voicedBefore;
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
              if (bufferedVoicedMs === 0) return;
              const u = current();
              const upTo = Math.min(u.pieces.length, Math.max(u.done + 1, voice.started));
              const itemText = u.pieces.slice(u.done, upTo).join(' ');
              const heardMs = options.followVoice ? bufferedVoicedMs : pcm16Ms(bufferedBytes, RATE);
              const heard = script.heardSoFar(itemText, heardMs);
              sentWords = delta(itemId, words(itemText), sentWords, words(heard).length);
            });
          }
          return;
        }
        case 'input_audio_buffer.commit': {
          const bufferedMs = pcm16Ms(bufferedBytes, RATE);
          if (bufferedMs < MIN_COMMIT_MS) {
            error(
              'input_audio_buffer_commit_empty',
              `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${bufferedMs.toFixed(2)}ms of audio.`,
            );
            return;
          }
          const committed = itemId;
          send({
            type: 'input_audio_buffer.committed',
            previous_item_id: null,
            item_id: committed,
          });
          const transcript = bufferedVoicedMs > 0 ? completePieces() : '';
          const sent = sentWords;
          const now = Date.now();
          lastCompletionAt = Math.max(now + script.finalDelayMs(), lastCompletionAt);
          later(lastCompletionAt - now, () => {
            delta(committed, words(transcript), sent, words(transcript).length);
            send({
              type: 'conversation.item.input_audio_transcription.completed',
              item_id: committed,
              content_index: 0,
              transcript,
              usage: { type: 'duration', seconds: bufferedMs / 1000 },
            });
          });
          itemId = `item_${randomUUID().slice(0, 12)}`;
          bufferedBytes = 0;
          bufferedVoicedMs = 0;
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
