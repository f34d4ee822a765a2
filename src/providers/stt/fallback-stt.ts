/**
 * The fallback adapter: an ordered list of STT engines behind the one `SttEngine` interface.
 * When an engine fails for an utterance (refused, 401, 429, stall, socket dropped), the next
 * engine transcribes the same audio; the failure is logged and counted in
 * `voxstate_stt_fallbacks_total{engine,kind}`. A cancelled utterance is never retried.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { AbortedError, isAbortError, SttEngineError } from '../../errors.js';
import { catalogCounter } from '../../telemetry/catalog.js';
import type { Logger } from '../../telemetry/logger.js';
import { EventQueue } from './event-queue.js';
import {
  isStreamingEngine,
  type StreamingSttEngine,
  type SttEngine,
  type SttFinishOptions,
  type SttRequest,
  type SttResult,
  type SttStream,
  type SttStreamEvent,
  type SttStreamOptions,
} from './stt-engine.js';

/** Dependencies of {@link FallbackStt}. */
export interface FallbackSttDeps {
  registry?: Registry;
  logger?: Logger;
  /** Call id for the log lines. */
  callId?: string;
}

/** The `kind` label of a failure. */
function kindOf(err: unknown): string {
  return err instanceof SttEngineError ? err.failure : 'other';
}

/**
 * Tries each engine in turn for one utterance. Streams go to the first engine while the caller
 * speaks (its partials pass through); the audio is kept, and if that engine fails, the rest of
 * the list transcribes it at the end of the utterance.
 *
 * @example
 * ```ts
 * const stt = new FallbackStt([deepgram, whisper], { registry, logger });
 * const { text, engine } = await stt.transcribe({ audio, signal }); // engine: who served it
 * ```
 */
export class FallbackStt implements StreamingSttEngine {
  readonly name: string;
  readonly #engines: readonly SttEngine[];
  readonly #deps: FallbackSttDeps;

  /** @throws RangeError when `engines` is empty. */
  constructor(engines: readonly SttEngine[], deps: FallbackSttDeps = {}) {
    const first = engines[0];
    if (!first) throw new RangeError('FallbackStt needs at least one engine');
    this.name = first.name;
    this.#engines = engines;
    this.#deps = deps;
  }

  /** The engines, in the order they are tried. */
  get engines(): readonly SttEngine[] {
    return this.#engines;
  }

  /** True when the first engine streams (otherwise a stream only buffers until `finish`). */
  get streams(): boolean {
    const first = this.#engines[0];
    return first !== undefined && isStreamingEngine(first);
  }

  /** Counts and logs a failure of `engine` that hands the utterance to `next`. */
  #fellBack(engine: SttEngine, next: SttEngine | undefined, err: unknown): void {
    const kind = kindOf(err);
    if (this.#deps.registry) {
      catalogCounter(this.#deps.registry, 'voxstate_stt_fallbacks_total').inc({
        engine: engine.name,
        kind,
      });
    }
    this.#deps.logger?.warn(
      {
        callId: this.#deps.callId,
        engine: engine.name,
        next: next?.name,
        kind,
        err: (err as Error).message,
      },
      next ? 'stt engine failed; falling back' : 'stt engine failed; no engine left',
    );
  }

  /** Transcribes with the first engine that succeeds, from `from` on. */
  async #transcribeFrom(from: number, request: SttRequest): Promise<SttResult> {
    let lastError: unknown;
    for (let i = from; i < this.#engines.length; i++) {
      const engine = this.#engines[i]!;
      try {
        return await engine.transcribe(request);
      } catch (err) {
        if (request.signal?.aborted || isAbortError(err)) throw err;
        lastError = err;
        this.#fellBack(engine, this.#engines[i + 1], err);
      }
    }
    throw lastError;
  }

  /**
   * Transcribes one utterance.
   *
   * @throws the last engine's error when every engine failed.
   */
  transcribe(request: SttRequest): Promise<SttResult> {
    return this.#transcribeFrom(0, request);
  }

  /**
   * Streams to the first engine when it can stream; otherwise (or when it fails) the audio is
   * transcribed in one piece at `finish`.
   */
  openStream(options: SttStreamOptions = {}): SttStream {
    return new FallbackStream(this.#engines, options, {
      fellBack: (engine, next, err) => this.#fellBack(engine, next, err),
      transcribeFrom: (from, request) => this.#transcribeFrom(from, request),
    });
  }
}

interface StreamHooks {
  fellBack(engine: SttEngine, next: SttEngine | undefined, err: unknown): void;
  transcribeFrom(from: number, request: SttRequest): Promise<SttResult>;
}

class FallbackStream implements SttStream {
  readonly #events = new EventQueue<SttStreamEvent>();
  readonly #chunks: Float32Array[] = [];
  readonly #options: SttStreamOptions;
  readonly #hooks: StreamHooks;
  readonly #engines: readonly SttEngine[];
  #inner: SttStream | undefined;
  #innerError: unknown;
  #finished: Promise<SttResult> | undefined;
  #closed = false;

  constructor(engines: readonly SttEngine[], options: SttStreamOptions, hooks: StreamHooks) {
    this.#engines = engines;
    this.#options = options;
    this.#hooks = hooks;
    const first = engines[0];
    if (first && isStreamingEngine(first)) {
      this.#inner = first.openStream(options);
      void this.#pump(this.#inner);
    }
  }

  async #pump(inner: SttStream): Promise<void> {
    try {
      for await (const event of inner) {
        if (event.type === 'partial' && this.#innerError === undefined) this.#events.put(event);
      }
    } catch (err) {
      this.#innerError ??= err;
    }
  }

  push(audio: Float32Array): void {
    if (this.#closed || this.#finished) return;
    this.#chunks.push(audio.slice());
    if (this.#innerError === undefined) this.#inner?.push(audio);
  }

  finish(request: SttFinishOptions = {}): Promise<SttResult> {
    this.#finished ??= this.#finish(request);
    return this.#finished;
  }

  async #finish(request: SttFinishOptions): Promise<SttResult> {
    const signal = this.#options.signal;
    try {
      let result: SttResult | undefined;
      let from = 0;
      if (this.#inner) {
        from = 1;
        try {
          result = await this.#inner.finish(request.afterFlush ? { afterFlush: true } : {});
        } catch (err) {
          if (signal?.aborted || isAbortError(err) || this.#closed) throw err;
          this.#innerError ??= err;
          this.#hooks.fellBack(this.#engines[0]!, this.#engines[1], this.#innerError);
          if (this.#engines.length < 2) throw this.#innerError;
        }
      }
      result ??= await this.#hooks.transcribeFrom(from, {
        audio: this.#audio(),
        ...(this.#options.language ? { language: this.#options.language } : {}),
        ...(signal ? { signal } : {}),
        ...(request.scriptText !== undefined ? { scriptText: request.scriptText } : {}),
      });
      this.#events.put({ type: 'final', result });
      this.#events.end();
      return result;
    } catch (err) {
      this.#events.fail(err);
      throw err;
    }
  }

  #audio(): Float32Array {
    let n = 0;
    for (const c of this.#chunks) n += c.length;
    const out = new Float32Array(n);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  flush(): boolean {
    return this.#innerError === undefined && (this.#inner?.flush?.() ?? false);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner?.close();
    this.#events.fail(new AbortedError('stt stream'));
  }

  [Symbol.asyncIterator](): AsyncIterator<SttStreamEvent> {
    return this.#events[Symbol.asyncIterator]();
  }
}
