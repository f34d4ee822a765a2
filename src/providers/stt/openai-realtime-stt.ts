/**
 * OpenAI Realtime transcription sessions through the `openai` SDK's WebSocket client
 * (`openai/realtime/ws`): a `transcription` session without server turn detection (voxstate's
 * own endpointer decides when the caller is done), audio appended as 24 kHz PCM16 while the
 * caller speaks, transcript deltas as partials, and at the end of the utterance a commit whose
 * `...input_audio_transcription.completed` event is the final.
 *
 * @module
 */
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import type { ClientOptions as WsClientOptions } from 'ws';
import { float32ToInt16, Resampler } from '../../audio/index.js';
import { SttEngineError } from '../../errors.js';
import type { OpenAiRealtimeSttConfig } from './config.js';
import { failureOfStatus } from './failure.js';
import { RemoteSttStream } from './remote-stream.js';
import { transcribeByStream } from './stream-batch.js';
import type {
  StreamingSttEngine,
  SttRequest,
  SttResult,
  SttStream,
  SttStreamOptions,
} from './stt-engine.js';

/** The Realtime API's PCM rate. */
export const REALTIME_PCM_RATE = 24_000;

/** Options beside the configuration. */
export interface OpenAiRealtimeSttOptions {
  /**
   * WebSocket options, e.g. `{ ca }` for a self-hosted server with its own certificate authority
   * (the SDK always connects with `wss:`). `NODE_EXTRA_CA_CERTS` works as well.
   */
  ws?: WsClientOptions;
}

/**
 * Streams utterances to an OpenAI Realtime transcription session (or a compatible server).
 *
 * @example
 * ```ts
 * const stt = new OpenAiRealtimeStt(config.openaiRealtime);
 * const stream = stt.openStream({ language: 'en', signal });
 * ```
 */
export class OpenAiRealtimeStt implements StreamingSttEngine {
  readonly name = 'openai-realtime';
  readonly #client: OpenAI;

  constructor(
    readonly config: OpenAiRealtimeSttConfig,
    readonly options: OpenAiRealtimeSttOptions = {},
  ) {
    this.#client = new OpenAI({
      apiKey: config.apiKey,
      ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
    });
  }

  /** Opens a transcription session for one utterance. */
  openStream(options: SttStreamOptions = {}): SttStream {
    return new RealtimeStream(this.#client, this.config, this.options, options);
  }

  /** Streams a whole utterance at once and returns the final transcript. */
  transcribe(request: SttRequest): Promise<SttResult> {
    return transcribeByStream(this, request);
  }
}

class RealtimeStream extends RemoteSttStream {
  readonly #client: OpenAI;
  readonly #config: OpenAiRealtimeSttConfig;
  readonly #engineOptions: OpenAiRealtimeSttOptions;
  readonly #resampler = new Resampler(16_000, REALTIME_PCM_RATE);
  #rt: OpenAIRealtimeWS | undefined;
  /** Text of the items completed so far, and the deltas of the item in progress. */
  readonly #completed: string[] = [];
  #current = '';
  #committed = false;

  constructor(
    client: OpenAI,
    config: OpenAiRealtimeSttConfig,
    engineOptions: OpenAiRealtimeSttOptions,
    options: SttStreamOptions,
  ) {
    super('openai-realtime', {
      ...options,
      connectTimeoutMs: config.connectTimeoutMs,
      finalTimeoutMs: config.finalTimeoutMs,
    });
    this.#client = client;
    this.#config = config;
    this.#engineOptions = engineOptions;
    this.start();
  }

  protected connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const rt = new OpenAIRealtimeWS(
        {
          model: this.#config.model,
          ...(this.#engineOptions.ws ? { options: this.#engineOptions.ws } : {}),
        },
        this.#client,
      );
      this.#rt = rt;
      rt.socket.on('unexpected-response', (req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        const err = new SttEngineError(
          'openai-realtime',
          failureOfStatus(status),
          `the server answered the upgrade with HTTP ${status}`,
          { status },
        );
        reject(err);
        this.fail(err);
        req.destroy();
      });
      rt.on('error', (err) => {
        reject(err);
        this.#onError(err);
      });
      rt.socket.on('close', (code) => {
        const err = new Error(`realtime socket closed (code ${code}) before the final`);
        reject(err);
        setImmediate(() => this.fail(err));
      });
      rt.socket.once('open', () => {
        rt.send({
          type: 'session.update',
          session: {
            type: 'transcription',
            audio: {
              input: {
                format: { type: 'audio/pcm', rate: REALTIME_PCM_RATE },
                transcription: {
                  model: this.#config.model,
                  ...(this.options.language ? { language: this.options.language } : {}),
                },
                turn_detection: null,
              },
            },
          },
        });
      });
      rt.on('event', (event) => {
        if (event.type === 'session.updated') resolve();
        this.#onEvent(event);
      });
    });
  }

  #onError(err: Error & { error?: { code?: string | null; type?: string } }): void {
    const code = err.error?.code ?? err.error?.type ?? '';
    if (/rate_limit/.test(code))
      this.fail(new SttEngineError(this.engine, 'rate_limit', err.message));
    else if (/invalid_api_key|unauthorized|auth/.test(code)) {
      this.fail(new SttEngineError(this.engine, 'auth', err.message));
    } else this.fail(err);
  }

  #onEvent(event: RealtimeServerEvent): void {
    switch (event.type) {
      case 'conversation.item.input_audio_transcription.delta':
        this.#current += event.delta ?? '';
        this.partial([...this.#completed, this.#current].join(' ').trim());
        break;
      case 'conversation.item.input_audio_transcription.completed':
        this.#completed.push(event.transcript.trim());
        this.#current = '';
        if (this.#committed) this.final(this.#completed.join(' '));
        else this.partial(this.#completed.join(' '), true);
        break;
      case 'conversation.item.input_audio_transcription.failed':
        this.fail(new SttEngineError(this.engine, 'server', event.error.message ?? 'failed'));
        break;
      default:
        break;
    }
  }

  protected sendAudio(audio: Float32Array): void {
    this.#append(this.#resampler.push(audio));
  }

  #append(pcm24k: Float32Array): void {
    if (pcm24k.length === 0) return;
    this.#rt?.send({
      type: 'input_audio_buffer.append',
      audio: float32ToInt16(pcm24k).toString('base64'),
    });
  }

  protected sendFlush(): void {
    this.#append(this.#resampler.flush());
    this.#committed = true;
    this.#rt?.send({ type: 'input_audio_buffer.commit' });
  }

  protected disconnect(): void {
    const rt = this.#rt;
    if (!rt) return;
    rt.socket.removeAllListeners('close');
    rt.socket.on('error', () => {});
    rt.close();
  }
}
