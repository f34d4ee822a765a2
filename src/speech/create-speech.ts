/**
 * Builds speech output from configuration: the engines (espeak-ng always, as the offline
 * default and the fallback when a cloud engine fails before its first byte; OpenAI when
 * configured), the shared TTS cache, the TTS service, pre-warm and the per-call playback queues.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { MediaFormat } from '../media/format.js';
import type { PacerClock } from '../media/pacer.js';
import { PlaybackQueue } from '../media/playback-queue.js';
import { createEspeakEngine, type EspeakEngine } from '../providers/tts/espeak.js';
import { createOpenAiTtsEngine } from '../providers/tts/openai-tts.js';
import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { Logger } from '../telemetry/logger.js';
import type { SpeechConfig } from './config.js';
import { type PrewarmReport, prewarmPhrases } from './prewarm.js';
import { TtsCache } from './tts-cache.js';
import { TtsService } from './tts-service.js';

/** Shared resources for {@link createSpeech}. */
export interface SpeechDeps {
  /** The shared Redis connection; without it the cache is per instance. */
  redis?: Redis;
  registry?: Registry;
  logger?: Logger;
}

/** Speech output of one runtime instance. */
export interface Speech {
  tts: TtsService;
  cache: TtsCache;
  engines: TtsEngine[];
  /** Synthesizes every fixed phrase into the cache (see `prewarmPhrases`). */
  prewarm(signal?: AbortSignal): Promise<PrewarmReport>;
  /** A playback queue for one call, configured for filler join, echo cooldown and bursts. */
  createPlayback(options: {
    format: MediaFormat;
    sink: (frame: Buffer) => void;
    clock?: PacerClock;
  }): PlaybackQueue;
  /** Ends the espeak worker threads. */
  close(): Promise<void>;
}

/**
 * Creates speech output from configuration.
 *
 * @example
 * ```ts
 * const speech = createSpeech(speechConfigFromEnv(), { redis, registry, logger });
 * if (config.prewarm) await speech.prewarm();
 * const playback = speech.createPlayback({ format: 'ulaw', sink: (f) => media.send(f) });
 * ```
 */
export function createSpeech(config: SpeechConfig, deps: SpeechDeps = {}): Speech {
  const espeak: EspeakEngine = createEspeakEngine({ ...config.espeak, registry: deps.registry });
  const engines: TtsEngine[] = [espeak];
  const { openai } = config;
  if (config.engine === 'openai' || openai.apiKey || openai.baseUrl) {
    engines.push(
      createOpenAiTtsEngine({
        baseUrl: openai.baseUrl,
        apiKey: openai.apiKey,
        model: openai.model,
        voice: openai.voice,
        timeoutMs: openai.timeoutMs,
      }),
    );
  }
  const cache = new TtsCache({
    redis: deps.redis,
    keyPrefix: config.cache.keyPrefix,
    ttlMs: config.cache.ttlMs,
    maxItemBytes: config.cache.maxItemBytes,
    maxEntries: config.cache.maxEntries,
    lruMaxBytes: config.cache.lruMaxBytes,
    registry: deps.registry,
    logger: deps.logger,
  });
  const tts = new TtsService({
    engines,
    defaultEngine: config.engine,
    fallbackEngine: 'espeak',
    cache,
    version: config.cache.version,
    registry: deps.registry,
    logger: deps.logger,
  });
  return {
    tts,
    cache,
    engines,
    prewarm: (signal) =>
      prewarmPhrases(tts, {
        languages: config.languages,
        formats: config.formats,
        businessNames: config.businessNames,
        concurrency: config.espeak.threads + 1,
        signal,
        logger: deps.logger,
      }),
    createPlayback: (options) =>
      new PlaybackQueue({
        ...options,
        fillerJoin: config.playback.fillerJoin,
        echoCooldownMs: config.playback.echoCooldownMs,
        maxBurstFrames: config.playback.maxBurstFrames,
        logger: deps.logger,
      }),
    close: () => espeak.close(),
  };
}
