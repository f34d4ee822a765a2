/**
 * The TTS service: every engine behind the shared cache. A request streams from the cache when
 * the clip is there, else from the engine (chunk by chunk, concurrent requests for the same clip
 * sharing one synthesis), and a completed synthesis fills the cache for every instance.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { MediaFormat } from '../audio/format.js';
import { ConfigError, isAbortError } from '../errors.js';
import type { TtsEngine, TtsRequest } from '../providers/tts/tts-engine.js';
import type { Logger } from '../telemetry/logger.js';
import { counter, histogram, seconds } from '../telemetry/metrics.js';
import { SharedStream } from './shared-stream.js';
import type { TtsCache, TtsCacheHit } from './tts-cache.js';
import { ttsCacheKey } from './tts-cache.js';

/** Options of one synthesis. */
export interface SynthesizeOptions {
  /** ISO 639-1 code (`en`, `ru`, `uk`, `he`); picks the voice. */
  language: string;
  format: MediaFormat;
  signal?: AbortSignal;
  /** Use and fill the cache (default true; false for one-off answers you never want stored). */
  cache?: boolean;
  /** Engine name; default the service's default engine. */
  engine?: string;
  /** Voice override; default the engine's voice for the language. */
  voice?: string;
  /** Told where the audio comes from, before the first chunk. */
  onSource?: (source: TtsSource) => void;
  /** The caller is waiting for it now (see `TtsRequest.urgent`). */
  urgent?: boolean;
}

/** What an engine is asked for `text` with the service's `options`. */
function engineRequest(
  text: string,
  options: SynthesizeOptions,
  signal: AbortSignal | undefined,
): TtsRequest {
  return {
    text,
    language: options.language,
    voice: options.voice,
    format: options.format,
    signal,
    ...(options.urgent ? { urgent: true } : {}),
  };
}

/** Where a clip came from. */
export type TtsSource = 'memory' | 'redis' | 'engine';

/** Options for {@link TtsService}. */
export interface TtsServiceOptions {
  /** The engines; the first one is the default unless `defaultEngine` names another. */
  engines: TtsEngine[];
  defaultEngine?: string;
  /**
   * Engine that takes over when another one fails before its first byte (e.g. `espeak` behind
   * a cloud engine). Its audio is cached under its own key.
   */
  fallbackEngine?: string;
  cache?: TtsCache;
  /** Cache version, part of every key (default `v1`). */
  version?: string;
  registry?: Registry;
  logger?: Logger;
}

/**
 * Speech synthesis with the shared cache in front.
 *
 * @example
 * ```ts
 * const tts = new TtsService({ engines: [espeak], cache, registry });
 * for await (const chunk of tts.synthesize('One moment...', { language: 'en', format: 'ulaw' })) {
 *   item.append(chunk);
 * }
 * ```
 */
export class TtsService {
  readonly #engines = new Map<string, TtsEngine>();
  readonly #default: TtsEngine;
  readonly #fallback: TtsEngine | undefined;
  readonly #fallbacks: ReturnType<typeof counter<'from' | 'to'>> | undefined;
  readonly #cache: TtsCache | undefined;
  readonly #version: string;
  readonly #logger: Logger | undefined;
  readonly #inflight = new Map<string, SharedStream<Buffer>>();
  readonly #firstByte: ReturnType<typeof histogram<'engine' | 'cache'>> | undefined;

  constructor(options: TtsServiceOptions) {
    for (const engine of options.engines) this.#engines.set(engine.name, engine);
    const first = options.engines[0];
    if (!first) throw new ConfigError('TtsService needs at least one engine');
    const chosen = options.defaultEngine ? this.#engines.get(options.defaultEngine) : first;
    if (!chosen) throw new ConfigError(`unknown default TTS engine "${options.defaultEngine}"`);
    this.#default = chosen;
    this.#fallback = options.fallbackEngine ? this.engine(options.fallbackEngine) : undefined;
    this.#cache = options.cache;
    this.#version = options.version ?? 'v1';
    this.#logger = options.logger;
    if (options.registry) {
      this.#firstByte = histogram(options.registry, {
        name: 'voxstate_tts_first_byte_seconds',
        help: 'Request to first audio byte, by engine and cache state (memory, redis, miss, off)',
        labelNames: ['engine', 'cache'] as const,
      });
      this.#fallbacks = counter(options.registry, {
        name: 'voxstate_tts_fallbacks_total',
        help: 'Syntheses taken over by the fallback engine after a failure before the first byte',
        labelNames: ['from', 'to'] as const,
      });
    }
  }

  /** The cache, when there is one. */
  get cache(): TtsCache | undefined {
    return this.#cache;
  }

  /** The engine called `name`, or the default one. */
  engine(name?: string): TtsEngine {
    if (name === undefined) return this.#default;
    const engine = this.#engines.get(name);
    if (!engine) throw new ConfigError(`unknown TTS engine "${name}"`);
    return engine;
  }

  /** The cache key of a clip. */
  keyFor(text: string, options: Omit<SynthesizeOptions, 'signal' | 'cache'>): string {
    const engine = this.engine(options.engine);
    return ttsCacheKey({
      engine: engine.name,
      voice: engine.voiceFor(options.language, options.voice),
      format: options.format,
      text,
      version: this.#version,
    });
  }

  /** The cached clip, if any, without synthesizing. */
  async cached(
    text: string,
    options: Omit<SynthesizeOptions, 'signal' | 'cache'>,
  ): Promise<TtsCacheHit | undefined> {
    return this.#cache?.get(this.keyFor(text, options));
  }

  /**
   * Streams the speech of `text` as wire bytes: from the cache when it holds the clip, else
   * from the engine, filling the cache once the synthesis completes.
   */
  async *synthesize(text: string, options: SynthesizeOptions): AsyncGenerator<Buffer> {
    const engine = this.engine(options.engine);
    const fallback = this.#fallback && this.#fallback !== engine ? this.#fallback : undefined;
    let yielded = false;
    try {
      for await (const chunk of this.#synthesizeWith(engine, text, options)) {
        yielded = true;
        yield chunk;
      }
    } catch (err) {
      if (yielded || !fallback || isAbortError(err) || options.signal?.aborted) throw err;
      this.#fallbacks?.inc({ from: engine.name, to: fallback.name });
      this.#logger?.warn(
        { err: (err as Error)?.message, engine: engine.name, fallback: fallback.name },
        'tts engine failed before its first byte; using the fallback engine',
      );
      yield* this.#synthesizeWith(fallback, text, options);
    }
  }

  async *#synthesizeWith(
    engine: TtsEngine,
    text: string,
    options: SynthesizeOptions,
  ): AsyncGenerator<Buffer> {
    const started = performance.now();
    const useCache = options.cache !== false && this.#cache !== undefined;
    let state = 'off';
    let first = true;
    const mark = () => {
      if (!first) return;
      first = false;
      this.#firstByte?.observe(
        { engine: engine.name, cache: state },
        seconds(performance.now() - started),
      );
    };
    if (!useCache) {
      options.onSource?.('engine');
      for await (const chunk of engine.synthesize(engineRequest(text, options, options.signal))) {
        mark();
        yield chunk;
      }
      return;
    }
    const key = this.keyFor(text, { ...options, engine: engine.name });
    const hit = await this.#cache?.get(key);
    if (hit) {
      state = hit.layer;
      options.onSource?.(hit.layer);
      mark();
      yield hit.audio;
      return;
    }
    state = 'miss';
    options.onSource?.('engine');
    for await (const chunk of this.#shared(key, text, engine, options).subscribe(options.signal)) {
      mark();
      yield chunk;
    }
  }

  /** The whole clip and where it came from. */
  async synthesizeAll(
    text: string,
    options: SynthesizeOptions,
  ): Promise<{ audio: Buffer; source: TtsSource }> {
    let source: TtsSource = 'engine';
    const chunks: Buffer[] = [];
    for await (const chunk of this.synthesize(text, {
      ...options,
      onSource: (s) => {
        source = s;
        options.onSource?.(s);
      },
    })) {
      chunks.push(chunk);
    }
    return { audio: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), source };
  }

  #shared(
    key: string,
    text: string,
    engine: TtsEngine,
    options: SynthesizeOptions,
  ): SharedStream<Buffer> {
    const existing = this.#inflight.get(key);
    if (existing) return existing;
    const shared = new SharedStream<Buffer>((signal) =>
      engine.synthesize(engineRequest(text, options, signal)),
    );
    this.#inflight.set(key, shared);
    void shared.finished.then(async (ok) => {
      if (this.#inflight.get(key) === shared) this.#inflight.delete(key);
      if (!ok) return;
      const audio = Buffer.concat(shared.chunks as Buffer[]);
      if (audio.byteLength === 0) return;
      try {
        await this.#cache?.set(key, audio);
      } catch (err) {
        this.#logger?.warn({ err: (err as Error).message }, 'tts cache fill failed');
      }
    });
    return shared;
  }
}
