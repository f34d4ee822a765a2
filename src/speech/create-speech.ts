/**
 * Builds speech output from configuration: the engines (espeak-ng always, as the offline
 * default and the fallback when a cloud engine fails before its first byte; OpenAI when
 * configured), the shared TTS cache, the TTS service, pre-warm and the per-call playback queues.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { MediaFormat } from '../audio/format.js';
import type { PacerClock } from '../media/pacer.js';
import { PlaybackQueue } from '../media/playback-queue.js';
import { createEspeakEngine, type EspeakEngine } from '../providers/tts/espeak.js';
import { createOpenAiTtsEngine } from '../providers/tts/openai-tts.js';
import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { Logger } from '../telemetry/logger.js';
import type { SpeechConfig } from './config.js';
import { type PrewarmPlan, type PrewarmReport, prewarmPlan, runPrewarm } from './prewarm.js';
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
  /** What pre-warm synthesizes: `first` before taking calls, `rest` in the background. */
  readonly prewarmPlan: PrewarmPlan;
  /** Synthesizes every fixed phrase into the cache, both parts (see `prewarm.ts`). */
  prewarm(signal?: AbortSignal): Promise<PrewarmReport>;
  /** The part calls need at once: each language's greeting and fillers, at full concurrency. */
  prewarmFirst(signal?: AbortSignal): Promise<PrewarmReport>;
  /**
   * The rest, for the background: one synthesis at a time, and none started while an engine
   * is busy with other work (live calls).
   */
  prewarmRest(signal?: AbortSignal): Promise<PrewarmReport>;
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
export function createSpeech(
  config: SpeechConfig & {
    /** The business name calls in a language greet with (their greeting is warmed first). */
    greetingName?: (language: string) => string | undefined;
    /** The languages calls can be in; only theirs are warmed before taking calls. */
    callLanguages?: readonly string[];
    /** More phrases warmed with the greetings (the recording consent). */
    firstPhrases?: (language: string) => readonly string[];
  },
  deps: SpeechDeps = {},
): Speech {
  const espeak: EspeakEngine = createEspeakEngine({
    ...config.espeak,
    registry: deps.registry,
    logger: deps.logger,
  });
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
  const plan = prewarmPlan({
    languages: config.languages,
    formats: config.formats,
    businessNames: config.businessNames,
    ...(config.greetingName ? { greetingName: config.greetingName } : {}),
    ...(config.callLanguages ? { callLanguages: config.callLanguages } : {}),
    ...(config.firstPhrases ? { firstPhrases: config.firstPhrases } : {}),
  });
  const warm = (jobs: typeof plan.first, label: string, signal?: AbortSignal) =>
    runPrewarm(tts, jobs, {
      concurrency: config.espeak.threads + 1,
      label,
      signal,
      logger: deps.logger,
    });
  return {
    tts,
    cache,
    engines,
    prewarmPlan: plan,
    prewarm: (signal) => warm([...plan.first, ...plan.rest], 'all', signal),
    prewarmFirst: (signal) => warm(plan.first, 'greetings and fillers', signal),
    prewarmRest: (signal) =>
      runPrewarm(tts, plan.rest, {
        concurrency: 1,
        busy: () => engines.some((e) => (e.pending ?? 0) > 0),
        label: 'background',
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
    close: () => {
      cache.close();
      return espeak.close();
    },
  };
}
