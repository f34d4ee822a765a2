/**
 * Deepgram live streaming (`/v1/listen` WebSocket) through `@deepgram/sdk`: the caller's audio
 * goes out as 16 kHz linear16 while they speak, interim results come back as partials, and at
 * the end of the utterance a `Finalize` message flushes the last words into a final result.
 *
 * @module
 */
import { DeepgramClient } from '@deepgram/sdk';
import { float32ToInt16 } from '../../audio/index.js';
import type { DeepgramSttConfig } from './config.js';
import { RemoteSttStream } from './remote-stream.js';
import { transcribeByStream } from './stream-batch.js';
import type {
  StreamingSttEngine,
  SttRequest,
  SttResult,
  SttStream,
  SttStreamOptions,
} from './stt-engine.js';

type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

interface ResultsMessage {
  type: 'Results';
  is_final?: boolean;
  speech_final?: boolean;
  from_finalize?: boolean;
  channel?: { alternatives?: Array<{ transcript?: string; languages?: string[] }> };
}

/**
 * Streams utterances to Deepgram (or a server speaking its protocol, by base URL).
 *
 * @example
 * ```ts
 * const stt = new DeepgramStt(config.deepgram);
 * const stream = stt.openStream({ language: 'en', signal });
 * for (const frame of frames) stream.push(frame);
 * const { text } = await stream.finish();
 * ```
 */
export class DeepgramStt implements StreamingSttEngine {
  readonly name = 'deepgram';
  readonly #client: DeepgramClient;

  constructor(readonly config: DeepgramSttConfig) {
    this.#client = new DeepgramClient({
      apiKey: config.apiKey,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
      reconnect: false,
    });
  }

  /** Opens a live transcription socket for one utterance. */
  openStream(options: SttStreamOptions = {}): SttStream {
    return new DeepgramStream(this.#client, this.config, options);
  }

  /** Streams a whole utterance at once and returns the final transcript. */
  transcribe(request: SttRequest): Promise<SttResult> {
    return transcribeByStream(this, request);
  }
}

class DeepgramStream extends RemoteSttStream {
  readonly #client: DeepgramClient;
  readonly #config: DeepgramSttConfig;
  #socket: ListenSocket | undefined;
  /** Finalized segments so far (Deepgram finalizes long utterances piece by piece). */
  readonly #segments: string[] = [];
  /** `Finalize` messages sent whose finalized result has not come back. */
  #finalizing = 0;

  constructor(client: DeepgramClient, config: DeepgramSttConfig, options: SttStreamOptions) {
    super('deepgram', {
      ...options,
      connectTimeoutMs: config.connectTimeoutMs,
      finalTimeoutMs: config.finalTimeoutMs,
    });
    this.#client = client;
    this.#config = config;
    this.start();
  }

  protected async connect(): Promise<void> {
    const socket = await this.#client.listen.v1.connect({
      model: this.#config.model,
      encoding: 'linear16',
      sample_rate: 16_000,
      channels: 1,
      interim_results: 'true',
      punctuate: 'true',
      ...(this.options.language ? { language: this.options.language } : {}),
      ...(this.options.tag ? { tag: this.options.tag } : {}),
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: this.#config.connectTimeoutMs / 1000,
    });
    this.#socket = socket;
    socket.on('message', (message) => this.#onMessage(message as { type?: string }));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', (event) => {
      const code = (event as { code?: number }).code;
      // The SDK reports a rejected upgrade as a close first and its cause as an error after.
      setImmediate(() =>
        this.fail(new Error(`deepgram socket closed (code ${code ?? 'none'}) before the final`)),
      );
    });
    socket.connect();
    await socket.waitForOpen();
  }

  #onMessage(message: { type?: string }): void {
    if (message.type !== 'Results') return;
    const m = message as ResultsMessage;
    const alternative = m.channel?.alternatives?.[0];
    const text = alternative?.transcript ?? '';
    const before = this.#segments.join(' ');
    if (m.is_final) {
      if (text) this.#segments.push(text);
      const whole = this.#segments.join(' ');
      if (m.from_finalize) this.#finalizing = Math.max(0, this.#finalizing - 1);
      // The final is the result of the last Finalize (an early one's may still be on its way).
      const settled = m.from_finalize === true && this.#finalizing === 0;
      if (this.finishing && settled) this.final(whole, alternative?.languages?.[0]);
      else if (whole) this.partial(whole, true, settled);
      return;
    }
    const interim = [before, text].filter(Boolean).join(' ');
    if (interim) this.partial(interim);
  }

  protected sendAudio(audio: Float32Array): void {
    // A socket that dropped is reported by its close event; the audio is not sent.
    if (this.#socket?.readyState === 1) this.#socket.sendMedia(float32ToInt16(audio));
  }

  protected override sendEarlyFinal(): boolean {
    return this.#finalize();
  }

  protected override settledText(): string | undefined {
    return this.#finalizing === 0 ? this.#segments.join(' ') : undefined;
  }

  protected sendFlush(): void {
    this.#finalize();
  }

  /** Sends `Finalize` on an open socket; its `from_finalize` result is awaited. */
  #finalize(): boolean {
    if (this.#socket?.readyState !== 1) return false;
    this.#finalizing++;
    this.#socket.sendFinalize({ type: 'Finalize' });
    return true;
  }

  protected disconnect(): void {
    const socket = this.#socket;
    if (!socket) return;
    try {
      if (socket.readyState === 1) socket.sendCloseStream({ type: 'CloseStream' });
    } catch {}
    socket.close();
  }
}
