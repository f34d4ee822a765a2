/**
 * The local espeak-ng engine: the npm WASM build of espeak-ng on its own {@link InferencePool}
 * (`createEspeakPool`), offline, the embedded default. An aborted sentence finishes on its
 * thread and is dropped, so the thread keeps its WASM heap. The voice follows the call's language; the worker returns
 * audio already converted to the call's media format.
 *
 * @module
 */
import { Registry } from 'prom-client';
import { AbortedError } from '../../errors.js';
import { type Logger, silentLogger } from '../../telemetry/logger.js';
import { FAST_BUCKETS, histogram, seconds } from '../../telemetry/metrics.js';
import { splitSentences } from '../../text/speech-chunker.js';
import type { EspeakTask } from '../../workers/espeak.worker.js';
import type { InferencePool } from '../../workers/inference-pool.js';
import { createEspeakPool, type EspeakPool } from '../../workers/pools.js';
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
  /** Metrics (the pool's and the synthesis time); a private registry when omitted. */
  registry?: Registry;
  /** Pool errors; silent when omitted. */
  logger?: Logger;
}

/** The espeak-ng engine; {@link EspeakEngine.close} ends its worker threads. */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak';
  readonly #pool: EspeakPool;
  readonly #threads: number;
  readonly #rateWpm: number;
  readonly #pitch: number;
  readonly #observe: ((ms: number) => void) | undefined;
  #pending = 0;

  constructor(options: EspeakEngineOptions = {}) {
    const threads = options.threads ?? 1;
    this.#pool = createEspeakPool(
      { threads, ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}) },
      { registry: options.registry ?? new Registry(), logger: options.logger ?? silentLogger() },
    );
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
    let urgent = request.urgent === true;
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
        urgent,
      );
      // Only the first part is awaited by the caller: the rest has its playing time.
      urgent = false;
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
    await this.#pool.close();
  }

  /**
   * One sentence on the pool.
   *
   * @throws AbortedError, QueueFullError or WorkerError (see {@link InferencePool.run}).
   */
  async #run(task: EspeakTask, signal?: AbortSignal, urgent = false): Promise<Uint8Array> {
    const started = performance.now();
    this.#pending++;
    try {
      const out = await this.#pool.run(task, {
        ...(signal ? { signal } : {}),
        ...(urgent ? { urgent } : {}),
      });
      this.#observe?.(performance.now() - started);
      return out;
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
