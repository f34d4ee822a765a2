/**
 * A fixture server for Deepgram's live streaming API (`wss://api.deepgram.com/v1/listen`) on
 * loopback (plain `ws://`), as the unmodified `@deepgram/sdk` speaks it: query parameters on the
 * upgrade request (`model`, `encoding=linear16`, `sample_rate`, `interim_results`, `language`),
 * `Authorization: Token <key>`, binary audio frames in, and JSON text frames out:
 *
 * - `Results` with `is_final: false` (interim) every 100-200 ms while audio arrives, revealing the
 *   scripted caller's words at a speaking rate;
 * - on `{"type":"Finalize"}`: after 150-300 ms, a `Results` with the whole text, `is_final`,
 *   `speech_final` and `from_finalize` true;
 * - on `{"type":"CloseStream"}`: a `Metadata` message, then a normal close (1000);
 * - `{"type":"KeepAlive"}` is accepted.
 *
 * Pieces: a text with ` | ` between the pieces a caller says with pauses between them is heard
 * as the pieces joined; with `followVoice`, a `Finalize` finalizes the pieces whose voice has
 * ended (an early `Finalize` in a pause gives the first piece, the last one the rest), and
 * later interim results carry only the words after what was finalized, as Deepgram's do, and
 * never a word of a piece whose voice has not begun (in a pause, the next piece is not heard yet).
 *
 * Concurrent callers: the connection's query parameters go to `textFor`, so each connection
 * follows its own scripted caller by its `tag` (the engine sends the call id as Deepgram's
 * `tag`). With `followVoice`, partials follow the caller's voice (see `SttFakeOptions`).
 * `liveTextFor` gives a connection a text asked again at every partial and final (what the
 * caller has said on it so far), for callers whose words are known only as they come.
 *
 * Failures: an HTTP status instead of the upgrade (401, 429), a stall (audio accepted, nothing
 * sent), a socket drop after some audio, a slow final.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { PieceVoice, pcm16Ms, type SttFakeOptions, SttScript, scriptPieces } from './stt-script.js';

/** One recorded connection. */
export interface DeepgramRecordedConnection {
  query: Record<string, string>;
  authorization: string | undefined;
  /** Bytes of audio received. */
  audioBytes: number;
  /** Milliseconds of voiced audio received (see `followVoice`). */
  voicedMs: number;
  /** Control messages received, by type. */
  controls: string[];
  /** Interim results sent. */
  interims: string[];
  closed: boolean;
}

/** A running fixture server. */
export interface FakeDeepgramServer {
  /** `ws://127.0.0.1:<port>`, for the client's `baseUrl`. */
  baseUrl: string;
  options: SttFakeOptions;
  connections: DeepgramRecordedConnection[];
  close(): Promise<void>;
}

const MODEL_INFO = { name: '2-general-nova', version: '2024-01-09.29447', arch: 'nova-3' };

function results(
  requestId: string,
  text: string,
  startS: number,
  durationS: number,
  flags: { isFinal: boolean; speechFinal: boolean; fromFinalize?: boolean },
) {
  return {
    type: 'Results',
    channel_index: [0, 1],
    duration: durationS,
    start: startS,
    is_final: flags.isFinal,
    speech_final: flags.speechFinal,
    ...(flags.fromFinalize ? { from_finalize: true } : {}),
    channel: {
      alternatives: [
        {
          transcript: text,
          confidence: text ? 0.98 : 0,
          words: text
            .split(/\s+/)
            .filter(Boolean)
            .map((word, i) => ({
              word: word.toLowerCase(),
              start: startS + i * 0.3,
              end: startS + i * 0.3 + 0.25,
              confidence: 0.98,
              punctuated_word: word,
            })),
        },
      ],
    },
    metadata: { request_id: requestId, model_info: MODEL_INFO, model_uuid: randomUUID() },
  };
}

/**
 * Starts the fixture on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts
 * const server = await startFakeDeepgramServer({ texts: ['when do you open'] });
 * const stt = new DeepgramStt({ baseUrl: server.baseUrl, apiKey: 'k', model: 'nova-3', ... });
 * ```
 */
export async function startFakeDeepgramServer(
  initial: SttFakeOptions = {},
): Promise<FakeDeepgramServer> {
  const options: SttFakeOptions = { ...initial };
  const script = new SttScript(options);
  const connections: DeepgramRecordedConnection[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const server: Server = createServer((_req, res) => {
    res.writeHead(404).end();
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1/listen') {
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    if (options.failWith) {
      const body = JSON.stringify({
        err_code: options.failWith === 401 ? 'INVALID_AUTH' : 'TOO_MANY_REQUESTS',
        err_msg: `fixture failure ${options.failWith}`,
        request_id: randomUUID(),
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
    const record: DeepgramRecordedConnection = {
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      audioBytes: 0,
      voicedMs: 0,
      controls: [],
      interims: [],
      closed: false,
    };
    connections.push(record);
    const requestId = randomUUID();
    const rate = Number(record.query.sample_rate ?? 16_000);
    const live = options.liveTextFor?.(record.query);
    const fixed = live ? '' : script.nextText(record.query);
    /** The connection's pieces (with `liveTextFor`, what the caller has said on it so far). */
    const piecesNow = () => scriptPieces(live ? live() : fixed);
    const voice = new PieceVoice(rate);
    let finalizedPieces = 0;
    let finalizedWords = 0;
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const send = (msg: unknown) => {
      if (ws.readyState === ws.OPEN && !options.stall) ws.send(JSON.stringify(msg));
    };
    let lastPartial = '';
    let partialTimer = false;
    const schedulePartial = () => {
      if (partialTimer) return;
      partialTimer = true;
      later(script.partialDelayMs(), () => {
        partialTimer = false;
        const heardMs = options.followVoice ? record.voicedMs : pcm16Ms(record.audioBytes, rate);
        const pieces = piecesNow();
        // Following the voice, no word of a piece the caller has not begun to say (the words'
        // pace is an estimate; in a pause, the next piece's words are not heard yet).
        const said = (
          options.followVoice ? pieces.slice(0, Math.max(finalizedPieces, voice.started)) : pieces
        ).join(' ');
        const heard = script.heardSoFar(said, heardMs).split(/\s+/).slice(finalizedWords).join(' ');
        if (heard && heard !== lastPartial) {
          lastPartial = heard;
          record.interims.push(heard);
          send(
            results(requestId, heard, 0, pcm16Ms(record.audioBytes, rate) / 1000, {
              isFinal: false,
              speechFinal: false,
            }),
          );
        }
      });
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        record.audioBytes += (data as Buffer).length;
        if (options.followVoice) {
          voice.feed(data as Buffer);
          record.voicedMs = voice.voicedMs;
        }
        if (
          options.dropAfterAudioMs !== undefined &&
          pcm16Ms(record.audioBytes, rate) >= options.dropAfterAudioMs
        ) {
          ws.terminate();
          return;
        }
        schedulePartial();
        return;
      }
      let type = 'unknown';
      try {
        type = String((JSON.parse(String(data)) as { type?: unknown }).type);
      } catch {
        type = 'invalid';
      }
      record.controls.push(type);
      const seconds = pcm16Ms(record.audioBytes, rate) / 1000;
      if (type === 'Finalize') {
        // With pieces and followVoice: those whose voice has ended (the current one too once
        // the caller is silent); otherwise everything not finalized yet.
        const pieces = piecesNow();
        const upTo =
          options.followVoice && pieces.length > 1
            ? Math.min(pieces.length, Math.max(finalizedPieces, voice.ended))
            : pieces.length;
        const finalText = pieces.slice(finalizedPieces, upTo).join(' ');
        finalizedPieces = upTo;
        finalizedWords = pieces.slice(0, upTo).join(' ').split(/\s+/).filter(Boolean).length;
        lastPartial = '';
        later(script.finalDelayMs(), () =>
          send(
            results(requestId, finalText, 0, seconds, {
              isFinal: true,
              speechFinal: true,
              fromFinalize: true,
            }),
          ),
        );
      } else if (type === 'CloseStream') {
        send({
          type: 'Metadata',
          transaction_key: 'deprecated',
          request_id: requestId,
          sha256: '0'.repeat(64),
          created: new Date().toISOString(),
          duration: seconds,
          channels: 1,
          models: [MODEL_INFO.name],
          model_info: { [randomUUID()]: MODEL_INFO },
        });
        if (!options.stall) ws.close(1000);
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
    baseUrl: `ws://127.0.0.1:${port}`,
    options,
    connections,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
