/**
 * Configuration of speech output: TTS engines, the shared TTS cache, pre-warm, pacing, the
 * filler-to-answer join and the echo cooldown. {@link speechConfigFromEnv} reads and validates
 * the `VOXSTATE_TTS_*` environment variables documented in `docs/speech.md`.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { MediaFormat } from '../media/format.js';

/** Which engine speaks by default. */
export type TtsEngineName = 'espeak' | 'openai';

/** How an answer joins a filler that is playing: at its next phrase boundary, or after it all. */
export type FillerJoin = 'boundary' | 'after';

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
    /** Time after the bot's last audio during which caller audio is treated as echo, ms (default 300). */
    echoCooldownMs: number;
    /** Most frames a late pacer tick sends at once before it re-anchors its schedule (default 3). */
    maxBurstFrames: number;
  };
}

/** The defaults of {@link SpeechConfig}. */
export function defaultSpeechConfig(): SpeechConfig {
  return {
    engine: 'espeak',
    languages: ['en', 'ru', 'uk', 'he'],
    formats: ['slin16'],
    businessNames: [],
    prewarm: true,
    cache: {
      version: 'v1',
      ttlMs: 24 * 60 * 60 * 1000,
      maxItemBytes: 1024 * 1024,
      maxEntries: 20_000,
      lruMaxBytes: 64 * 1024 * 1024,
      keyPrefix: 'tts:',
    },
    espeak: { threads: 1, maxQueue: 64, rateWpm: 165, pitch: 50 },
    openai: {
      baseUrl: undefined,
      apiKey: undefined,
      model: 'gpt-4o-mini-tts',
      voice: 'alloy',
      timeoutMs: 10_000,
    },
    playback: { fillerJoin: 'boundary', echoCooldownMs: 300, maxBurstFrames: 3 },
  };
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be a boolean (1/0, true/false), got "${raw}"`);
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!URL.canParse(raw) || !/^https?:$/u.test(new URL(raw).protocol)) {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw;
}

const FORMATS: readonly MediaFormat[] = ['slin16', 'ulaw'];

/**
 * Reads speech configuration from the environment, with defaults; throws {@link ConfigError}
 * on a malformed value.
 *
 * @example
 * ```ts
 * const speech = speechConfigFromEnv(process.env);
 * speech.cache.ttlMs; // 86_400_000 unless VOXSTATE_TTS_CACHE_TTL_MS is set
 * ```
 */
export function speechConfigFromEnv(env: Env = process.env): SpeechConfig {
  const d = defaultSpeechConfig();
  const formats = list(env, 'VOXSTATE_TTS_FORMATS', d.formats);
  for (const f of formats) {
    if (!(FORMATS as readonly string[]).includes(f)) {
      throw new ConfigError(`VOXSTATE_TTS_FORMATS: unknown format "${f}" (slin16, ulaw)`);
    }
  }
  const languages = list(env, 'VOXSTATE_TTS_LANGUAGES', d.languages).map((l) => l.toLowerCase());
  for (const l of languages) {
    if (!/^[a-z]{2,3}(-[a-z0-9]+)*$/.test(l)) {
      throw new ConfigError(`VOXSTATE_TTS_LANGUAGES: "${l}" is not a language code`);
    }
  }
  const version = env.VOXSTATE_TTS_CACHE_VERSION?.trim() || d.cache.version;
  return {
    engine: oneOf(env, 'VOXSTATE_TTS_ENGINE', ['espeak', 'openai'] as const, d.engine),
    languages,
    formats: formats as MediaFormat[],
    businessNames: list(env, 'VOXSTATE_TTS_BUSINESS_NAMES', d.businessNames),
    prewarm: bool(env, 'VOXSTATE_TTS_PREWARM', d.prewarm),
    cache: {
      version,
      ttlMs: int(env, 'VOXSTATE_TTS_CACHE_TTL_MS', d.cache.ttlMs, 1_000, 30 * 86_400_000),
      maxItemBytes: int(env, 'VOXSTATE_TTS_CACHE_MAX_ITEM_BYTES', d.cache.maxItemBytes, 1, 2 ** 28),
      maxEntries: int(env, 'VOXSTATE_TTS_CACHE_MAX_ENTRIES', d.cache.maxEntries, 1, 10_000_000),
      lruMaxBytes: int(env, 'VOXSTATE_TTS_LRU_MAX_BYTES', d.cache.lruMaxBytes, 0, 2 ** 34),
      keyPrefix: env.VOXSTATE_TTS_CACHE_PREFIX?.trim() || d.cache.keyPrefix,
    },
    espeak: {
      threads: int(env, 'VOXSTATE_ESPEAK_THREADS', d.espeak.threads, 1, 64),
      maxQueue: int(env, 'VOXSTATE_ESPEAK_MAX_QUEUE', d.espeak.maxQueue, 1, 100_000),
      rateWpm: int(env, 'VOXSTATE_ESPEAK_RATE_WPM', d.espeak.rateWpm, 80, 450),
      pitch: int(env, 'VOXSTATE_ESPEAK_PITCH', d.espeak.pitch, 0, 99),
    },
    openai: {
      baseUrl: httpUrl(env, 'VOXSTATE_OPENAI_TTS_BASE_URL') ?? httpUrl(env, 'OPENAI_BASE_URL'),
      apiKey: env.VOXSTATE_OPENAI_TTS_API_KEY?.trim() || env.OPENAI_API_KEY?.trim() || undefined,
      model: env.VOXSTATE_OPENAI_TTS_MODEL?.trim() || d.openai.model,
      voice: env.VOXSTATE_OPENAI_TTS_VOICE?.trim() || d.openai.voice,
      timeoutMs: int(env, 'VOXSTATE_OPENAI_TTS_TIMEOUT_MS', d.openai.timeoutMs, 100, 600_000),
    },
    playback: {
      fillerJoin: oneOf(
        env,
        'VOXSTATE_FILLER_JOIN',
        ['boundary', 'after'] as const,
        d.playback.fillerJoin,
      ),
      echoCooldownMs: int(env, 'VOXSTATE_ECHO_COOLDOWN_MS', d.playback.echoCooldownMs, 0, 10_000),
      maxBurstFrames: int(env, 'VOXSTATE_PACER_MAX_BURST', d.playback.maxBurstFrames, 1, 50),
    },
  };
}
