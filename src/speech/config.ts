/**
 * Configuration of speech output: TTS engines, the shared TTS cache, pre-warm, pacing, the
 * filler-to-answer join and the echo cooldown. {@link speechConfigFromEnv} reads and validates
 * the `VOXSTATE_TTS_*` environment variables documented in `docs/speech.md`.
 *
 * @module
 */

import type { MediaFormat } from '../audio/format.js';
import { type Config, type RawEnv, readEnv } from '../config/schema.js';
import type { FillerJoin } from '../media/playback-item.js';

/** Which engine speaks by default. */
export type TtsEngineName = 'espeak' | 'openai';

/** Speech-output configuration. */
export interface SpeechConfig {
  /** Engine used unless a request names another (default `espeak`). */
  engine: TtsEngineName;
  /** Languages whose phrases are pre-warmed (default en, ru, uk, he). */
  languages: string[];
  /** Media formats whose phrases are pre-warmed (default slin16). */
  formats: MediaFormat[];
  /** Business names whose greetings are pre-warmed. */
  businessNames: string[];
  /** Pre-warm the phrase cache at start-up (default true). */
  prewarm: boolean;
  cache: {
    /** Part of every cache key: change it when prompts or voices change (default `v1`). */
    version: string;
    /** Time to live of a cached clip, ms (default 24 h). */
    ttlMs: number;
    /** Clips larger than this are not cached, bytes (default 1 MiB, 32 s of slin16). */
    maxItemBytes: number;
    /** Most clips kept in Redis; the oldest are evicted past it (default 20,000). */
    maxEntries: number;
    /** Bytes held by the in-process LRU in front of Redis (default 64 MiB). */
    lruMaxBytes: number;
    /** Redis key prefix below the connection's own prefix (default `tts:`). */
    keyPrefix: string;
  };
  espeak: {
    /** Worker threads synthesizing (default 1). */
    threads: number;
    /** Most tasks waiting for a thread (default 64). */
    maxQueue: number;
    /** Speaking rate, words per minute (default 165). */
    rateWpm: number;
    /** Pitch 0-99 (default 50). */
    pitch: number;
  };
  openai: {
    /** API base URL; any OpenAI-compatible server (default the SDK's). */
    baseUrl: string | undefined;
    apiKey: string | undefined;
    /** Model (default `gpt-4o-mini-tts`). */
    model: string;
    /** Voice (default `alloy`). */
    voice: string;
    /** Per-request deadline, ms (default 10 s). */
    timeoutMs: number;
  };
  playback: {
    /** How an answer joins a playing filler (default `boundary`). */
    fillerJoin: FillerJoin;
    /**
     * A filler plays only when no answer audio is ready this long after the end of the turn, ms
     * (default 400).
     */
    fillerDelayMs: number;
    /** Time after the bot's last audio during which caller audio is treated as echo, ms (default 300). */
    echoCooldownMs: number;
    /** Most frames a late pacer tick sends at once before it re-anchors its schedule (default 3). */
    maxBurstFrames: number;
  };
}

/**
 * The defaults of {@link SpeechConfig}: the configuration of an empty environment, so the
 * settings' defaults (src/config/settings/speech.ts, `VOXSTATE_ECHO_COOLDOWN_MS` in
 * src/config/settings/inference.ts) are the only place they are written.
 */
export function defaultSpeechConfig(): SpeechConfig {
  return speechConfig(readEnv({}));
}

/**
 * Reads speech configuration from the environment, with defaults (variables: the schema,
 * src/config/settings/speech.ts); throws a `ConfigError` listing every malformed value.
 *
 * @example
 * ```ts
 * const speech = speechConfigFromEnv(process.env);
 * speech.cache.ttlMs; // 86_400_000 unless VOXSTATE_TTS_CACHE_TTL_MS is set
 * ```
 */
export function speechConfigFromEnv(env: RawEnv = process.env): SpeechConfig {
  return speechConfig(readEnv(env));
}

/** The speech configuration from the parsed environment ({@link readEnv}). */
export function speechConfig(c: Config): SpeechConfig {
  return {
    engine: c.VOXSTATE_TTS_ENGINE,
    languages: [...c.VOXSTATE_TTS_LANGUAGES],
    formats: [...c.VOXSTATE_TTS_FORMATS] as MediaFormat[],
    businessNames: [...c.VOXSTATE_TTS_BUSINESS_NAMES],
    prewarm: c.VOXSTATE_TTS_PREWARM,
    cache: {
      version: c.VOXSTATE_TTS_CACHE_VERSION,
      ttlMs: c.VOXSTATE_TTS_CACHE_TTL_MS,
      maxItemBytes: c.VOXSTATE_TTS_CACHE_MAX_ITEM_BYTES,
      maxEntries: c.VOXSTATE_TTS_CACHE_MAX_ENTRIES,
      lruMaxBytes: c.VOXSTATE_TTS_LRU_MAX_BYTES,
      keyPrefix: c.VOXSTATE_TTS_CACHE_PREFIX,
    },
    espeak: {
      threads: c.VOXSTATE_ESPEAK_THREADS,
      maxQueue: c.VOXSTATE_ESPEAK_MAX_QUEUE,
      rateWpm: c.VOXSTATE_ESPEAK_RATE_WPM,
      pitch: c.VOXSTATE_ESPEAK_PITCH,
    },
    openai: {
      baseUrl: c.VOXSTATE_OPENAI_TTS_BASE_URL ?? c.OPENAI_BASE_URL,
      apiKey: c.VOXSTATE_OPENAI_TTS_API_KEY ?? c.OPENAI_API_KEY,
      model: c.VOXSTATE_OPENAI_TTS_MODEL,
      voice: c.VOXSTATE_OPENAI_TTS_VOICE,
      timeoutMs: c.VOXSTATE_OPENAI_TTS_TIMEOUT_MS,
    },
    playback: {
      fillerJoin: c.VOXSTATE_FILLER_JOIN,
      fillerDelayMs: c.VOXSTATE_FILLER_DELAY_MS,
      echoCooldownMs: c.VOXSTATE_ECHO_COOLDOWN_MS,
      maxBurstFrames: c.VOXSTATE_PACER_MAX_BURST,
    },
  };
}
