/**
 * OpenAI Realtime transcription sessions through the `openai` SDK's WebSocket client
 * (`openai/realtime/ws`): a `transcription` session without server turn detection (voxstate's
 * own endpointer decides when the caller is done), audio appended as 24 kHz PCM16 while the
 * caller speaks, transcript deltas as partials, and at the end of the utterance a commit whose
 * `...input_audio_transcription.completed` event is the final.
 *
 * An early final (`flush`, at a pause) commits the audio appended since the last commit; each
 * commit is a conversation item, answered by its `completed` event. The text is the items'
 * (their transcript once completed, their deltas until then, by `item_id`) in commit order;
 * it is settled when every commit is answered. The API rejects a commit of under 100 ms of
 * audio, so none is sent: a flush then returns false, and `finish` with less than that since
 * the last commit waits for the items committed and takes their text (the tail, under 100 ms,
 * is not transcribed; an utterance of under 100 ms has an empty final).
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

/** The least audio the API takes in a commit (`input_audio_buffer_commit_empty` below), samples. */
const MIN_COMMIT_SAMPLES = REALTIME_PCM_RATE / 10;

/** One committed buffer's conversation item: its deltas, then its transcript. */
interface Item {
  text: string;
  completed: boolean;
}

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
  /** The items by id; `#order` holds the committed ones in commit order. */
  readonly #items = new Map<string, Item>();
  readonly #order: string[] = [];
  /** Commits sent, and items completed. */
  #commits = 0;
  #completedCount = 0;
  /** 24 kHz samples appended since the last commit. */
  #uncommitted = 0;

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
      case 'input_audio_buffer.committed':
        this.#item(event.item_id, true);
        break;
      case 'conversation.item.input_audio_transcription.delta': {
        const item = this.#item(event.item_id, false);
        if (item.completed) break;
        item.text += event.delta ?? '';
        this.partial(this.#text(false), false);
        break;
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const item = this.#item(event.item_id, true);
        if (item.completed) break;
        item.text = event.transcript;
        item.completed = true;
        this.#completedCount++;
        const settled = this.#outstanding() === 0;
        if (this.finishing && settled) this.final(this.#text(true));
        else this.partial(this.#text(false), this.#allCompleted(), settled);
        break;
      }
      case 'conversation.item.input_audio_transcription.failed':
        this.fail(new SttEngineError(this.engine, 'server', event.error.message ?? 'failed'));
        break;
      default:
        break;
    }
  }

  /** The item `id` (made when new); `committed`: it is the buffer of a commit. */
  #item(id: string, committed: boolean): Item {
    let item = this.#items.get(id);
    if (!item) {
      item = { text: '', completed: false };
      this.#items.set(id, item);
    }
    if (committed && !this.#order.includes(id)) this.#order.push(id);
    return item;
  }

  /** Commits not answered yet. */
  #outstanding(): number {
    return this.#commits - this.#completedCount;
  }

  /** The items' text in commit order, then (unless `committedOnly`) those not committed yet. */
  #text(committedOnly: boolean): string {
    const ids = committedOnly
      ? this.#order
      : [...this.#order, ...[...this.#items.keys()].filter((id) => !this.#order.includes(id))];
    return ids
      .map((id) => this.#items.get(id)?.text.trim())
      .filter(Boolean)
      .join(' ');
  }

  #allCompleted(): boolean {
    return [...this.#items.values()].every((item) => item.completed);
  }

  protected sendAudio(audio: Float32Array): void {
    this.#append(this.#resampler.push(audio));
  }

  #append(pcm24k: Float32Array): void {
    if (pcm24k.length === 0) return;
    this.#uncommitted += pcm24k.length;
    this.#rt?.send({
      type: 'input_audio_buffer.append',
      audio: float32ToInt16(pcm24k).toString('base64'),
    });
  }

  /** Commits the audio since the last commit, unless the API would reject it as too short. */
  #commit(): boolean {
    if (!this.#rt || this.#uncommitted < MIN_COMMIT_SAMPLES) return false;
    this.#rt.send({ type: 'input_audio_buffer.commit' });
    this.#commits++;
    this.#uncommitted = 0;
    return true;
  }

  protected override sendEarlyFinal(): boolean {
    return this.#commit();
  }

  protected override settledText(): string | undefined {
    return this.#outstanding() === 0 ? this.#text(true) : undefined;
  }

  protected sendFlush(): void {
    this.#append(this.#resampler.flush());
    // Too little since the last commit: the items committed are the whole utterance.
    if (!this.#commit() && this.#outstanding() === 0) {
      queueMicrotask(() => this.final(this.#text(true)));
    }
  }

  protected disconnect(): void {
    const rt = this.#rt;
    if (!rt) return;
    rt.socket.removeAllListeners('close');
    rt.socket.on('error', () => {});
    rt.close();
  }
}
