/**
 * Settings of the remote speech-to-text engines, read from the environment in one function
 * ({@link sttEnginesConfigFromEnv}). An engine is configured when its key (or, for the
 * OpenAI-compatible engines, its base URL) is set; the `stt` feature flag picks one per call.
 *
 * @module
 */
import { ConfigError } from '../../errors.js';

/** The OpenAI transcription endpoint, or any OpenAI-compatible server (faster-whisper, vLLM). */
export interface OpenAiSttConfig {
  /** Undefined: the SDK's default, `https://api.openai.com/v1`. */
  baseUrl: string | undefined;
  apiKey: string;
  model: string;
  /** Deadline of one transcription request, ms. */
  timeoutMs: number;
}

/** Deepgram live streaming (`/v1/listen` WebSocket). */
export interface DeepgramSttConfig {
  /** Undefined: `wss://api.deepgram.com`. */
  baseUrl: string | undefined;
  apiKey: string;
  model: string;
  /** Deadline to open the socket, ms. */
  connectTimeoutMs: number;
  /** Deadline from end of utterance to the final transcript, ms. */
  finalTimeoutMs: number;
}

/** OpenAI Realtime transcription sessions (WebSocket). */
export interface OpenAiRealtimeSttConfig {
  /** Undefined: `https://api.openai.com/v1` (the SDK turns it into `wss://.../realtime`). */
  baseUrl: string | undefined;
  apiKey: string;
  /** The transcription model of the session. */
  model: string;
  connectTimeoutMs: number;
  finalTimeoutMs: number;
}

/** Every remote engine that is configured. */
export interface SttEnginesConfig {
  openai?: OpenAiSttConfig;
  deepgram?: DeepgramSttConfig;
  openaiRealtime?: OpenAiRealtimeSttConfig;
}

/** The environment variables read by {@link sttEnginesConfigFromEnv}, with their defaults. */
export const STT_ENV_DEFAULTS = {
  VOXSTATE_STT_OPENAI_MODEL: 'whisper-1',
  VOXSTATE_STT_OPENAI_TIMEOUT_MS: 1_500,
  VOXSTATE_STT_DEEPGRAM_MODEL: 'nova-3',
  VOXSTATE_STT_REALTIME_MODEL: 'gpt-4o-mini-transcribe',
  VOXSTATE_STT_CONNECT_TIMEOUT_MS: 1_000,
  VOXSTATE_STT_FINAL_TIMEOUT_MS: 1_000,
} as const;

function ms(env: NodeJS.ProcessEnv, name: keyof typeof STT_ENV_DEFAULTS): number {
  const raw = env[name];
  const fallback = STT_ENV_DEFAULTS[name] as number;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 60_000) {
    throw new ConfigError(`${name} must be milliseconds in (0, 60000], got "${raw}"`);
  }
  return n;
}

function url(env: NodeJS.ProcessEnv, name: string, schemes: RegExp): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  if (!schemes.test(parsed.protocol)) {
    throw new ConfigError(`${name} must be a ${schemes.source} URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * Reads the remote STT engines' settings.
 *
 * - `openai`: `VOXSTATE_STT_OPENAI_BASE_URL`, `VOXSTATE_STT_OPENAI_API_KEY` (else
 *   `OPENAI_API_KEY`), `VOXSTATE_STT_OPENAI_MODEL`, `VOXSTATE_STT_OPENAI_TIMEOUT_MS`. Configured
 *   when a base URL or a key is set; a self-hosted server without keys gets the key `none`.
 * - `deepgram`: `VOXSTATE_STT_DEEPGRAM_API_KEY` (else `DEEPGRAM_API_KEY`),
 *   `VOXSTATE_STT_DEEPGRAM_BASE_URL` (ws/wss), `VOXSTATE_STT_DEEPGRAM_MODEL`.
 * - `openai-realtime`: `VOXSTATE_STT_REALTIME_BASE_URL`, `VOXSTATE_STT_REALTIME_API_KEY` (else
 *   `OPENAI_API_KEY`), `VOXSTATE_STT_REALTIME_MODEL`; configured when its base URL or its own
 *   key is set, or `OPENAI_API_KEY` is set.
 * - both streaming engines: `VOXSTATE_STT_CONNECT_TIMEOUT_MS`, `VOXSTATE_STT_FINAL_TIMEOUT_MS`.
 *
 * @throws ConfigError naming the variable with a wrong value.
 */
export function sttEnginesConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SttEnginesConfig {
  const out: SttEnginesConfig = {};
  const connectTimeoutMs = ms(env, 'VOXSTATE_STT_CONNECT_TIMEOUT_MS');
  const finalTimeoutMs = ms(env, 'VOXSTATE_STT_FINAL_TIMEOUT_MS');

  const openaiBase = url(env, 'VOXSTATE_STT_OPENAI_BASE_URL', /^https?:$/);
  const openaiKey = env.VOXSTATE_STT_OPENAI_API_KEY || env.OPENAI_API_KEY;
  if (openaiBase || openaiKey) {
    out.openai = {
      baseUrl: openaiBase,
      apiKey: openaiKey || 'none',
      model: env.VOXSTATE_STT_OPENAI_MODEL || STT_ENV_DEFAULTS.VOXSTATE_STT_OPENAI_MODEL,
      timeoutMs: ms(env, 'VOXSTATE_STT_OPENAI_TIMEOUT_MS'),
    };
  }

  const deepgramKey = env.VOXSTATE_STT_DEEPGRAM_API_KEY || env.DEEPGRAM_API_KEY;
  const deepgramBase = url(env, 'VOXSTATE_STT_DEEPGRAM_BASE_URL', /^wss?:$/);
  if (deepgramKey) {
    out.deepgram = {
      baseUrl: deepgramBase,
      apiKey: deepgramKey,
      model: env.VOXSTATE_STT_DEEPGRAM_MODEL || STT_ENV_DEFAULTS.VOXSTATE_STT_DEEPGRAM_MODEL,
      connectTimeoutMs,
      finalTimeoutMs,
    };
  } else if (deepgramBase) {
    throw new ConfigError('VOXSTATE_STT_DEEPGRAM_BASE_URL is set but no Deepgram API key is');
  }

  const realtimeBase = url(env, 'VOXSTATE_STT_REALTIME_BASE_URL', /^https?:$/);
  const realtimeKey = env.VOXSTATE_STT_REALTIME_API_KEY || env.OPENAI_API_KEY;
  if (realtimeBase || realtimeKey) {
    out.openaiRealtime = {
      baseUrl: realtimeBase,
      apiKey: realtimeKey || 'none',
      model: env.VOXSTATE_STT_REALTIME_MODEL || STT_ENV_DEFAULTS.VOXSTATE_STT_REALTIME_MODEL,
      connectTimeoutMs,
      finalTimeoutMs,
    };
  }
  return out;
}
