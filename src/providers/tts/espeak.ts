/**
 * The local espeak-ng engine: the npm WASM build of espeak-ng on a small piscina pool of its
 * own, offline, the embedded default. The voice follows the call's language; the worker returns
 * audio already converted to the call's media format.
 *
 * @module
 */
import { Piscina } from 'piscina';
import type { Registry } from 'prom-client';
import { AbortedError, QueueFullError, WorkerError } from '../../errors.js';
import { FAST_BUCKETS, histogram, seconds } from '../../telemetry/metrics.js';
import { splitSentences } from '../../text/speech-chunker.js';
import type { EspeakTask } from '../../workers/espeak.worker.js';
import { workerEntry } from '../../workers/worker-file.js';
import { espeakVoiceFor } from './espeak-voices.js';
import type { TtsEngine, TtsRequest } from './tts-engine.js';

/** Options for {@link createEspeakEngine}. */
export interface EspeakEngineOptions {
  /** Worker threads (default 1). */
  threads?: number;
  /** Most tasks waiting for a thread before requests fail with QueueFullError (default 64). */
  maxQueue?: number;
  /** Words per minute (default 165). */
  rateWpm?: number;
  /** Pitch 0-99 (default 50). */
  pitch?: number;
  registry?: Registry;
}

/** The espeak-ng engine; {@link EspeakEngine.close} ends its worker threads. */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';
  readonly #pool: Piscina<EspeakTask, Uint8Array>;
  readonly #threads: number;
  readonly #rateWpm: number;
  readonly #pitch: number;
  readonly #observe: ((ms: number) => void) | undefined;
  #pending = 0;

  constructor(options: EspeakEngineOptions = {}) {
    const threads = options.threads ?? 1;
    const { filename, execArgv } = workerEntry('espeak');
    this.#pool = new Piscina<EspeakTask, Uint8Array>({
      filename,
      execArgv,
      minThreads: threads,
      maxThreads: threads,
      maxQueue: options.maxQueue ?? 64,
      idleTimeout: 60_000,
      // Each thread holds a 32 MB WASM heap and 18 MB of voice data per prepared instance.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    this.#threads = threads;
    this.#rateWpm = options.rateWpm ?? 165;
    this.#pitch = options.pitch ?? 50;
    if (options.registry) {
      const h = histogram(options.registry, {
        name: 'voxstate_espeak_synthesis_seconds',
        help: 'espeak-ng synthesis of one sentence, queue wait included',
        buckets: FAST_BUCKETS,
      });
      this.#observe = (ms) => h.observe(seconds(ms));
    }
  }

  /** Sentences queued or being synthesized on the pool. */
  get pending(): number {
    return this.#pending;
  }

  /** The espeak voice for a language (see `espeakVoiceFor`). */
  voiceFor(language: string, voice?: string): string {
    return espeakVoiceFor(language, voice);
  }

  /** Synthesizes sentence by sentence, each one in a worker; yields wire bytes. */
  async *synthesize(request: TtsRequest): AsyncIterable<Buffer> {
    const voice = this.voiceFor(request.language, request.voice);
    // Every piece costs a fresh WASM instance, so only long texts are cut (about 80 characters).
    for (const sentence of splitSentences(request.text, 80)) {
      if (request.signal?.aborted) throw new AbortedError('espeak synthesis');
      const bytes = await this.#run(
        {
          text: sentence,
          voice,
          format: request.format,
          rateWpm: this.#rateWpm,
          pitch: this.#pitch,
        },
        request.signal,
      );
      if (bytes.byteLength > 0) yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  }

  /** Runs one tiny synthesis on every thread so the first call does not compile the module. */
  async warmUp(): Promise<void> {
    const task: EspeakTask = {
      text: 'ok',
      voice: 'en-us',
      format: 'slin16',
      rateWpm: 165,
      pitch: 50,
    };
    await Promise.all(Array.from({ length: this.#threads }, () => this.#run(task)));
  }

  /** Ends the worker threads (queued tasks are rejected). */
  async close(): Promise<void> {
    await this.#pool.destroy();
  }

  async #run(task: EspeakTask, signal?: AbortSignal): Promise<Uint8Array> {
    const started = performance.now();
    this.#pending++;
    try {
      const out = await this.#pool.run(task, signal ? { signal } : {});
      this.#observe?.(performance.now() - started);
      return out;
    } catch (err) {
      if (signal?.aborted || (err as Error)?.name === 'AbortError') {
        throw new AbortedError('espeak synthesis', { cause: err });
      }
      const message = err instanceof Error ? err.message : String(err);
      if (/queue.*(full|limit)/i.test(message)) throw new QueueFullError('espeak', { cause: err });
      throw new WorkerError('espeak', message, { cause: err });
    } finally {
      this.#pending--;
    }
  }
}

/**
 * Creates the espeak-ng engine with its own worker pool.
 *
 * @example
 * ```ts
 * const espeak = createEspeakEngine({ threads: 1 });
 * for await (const chunk of espeak.synthesize({ text: 'Привет!', language: 'ru', format: 'ulaw' })) {
 *   playback.append(chunk);
 * }
 * await espeak.close();
 * ```
 */
export function createEspeakEngine(options: EspeakEngineOptions = {}): EspeakEngine {
  return new EspeakEngine(options);
}
