/**
 * Settings of the remote speech-to-text engines, shaped from the configuration schema (the
 * variables are in `src/config/settings/stt.ts`). An engine is configured when its key (or, for
 * the OpenAI-compatible engines, its base URL) is set; the `stt` feature flag picks one per call.
 *
 * @module
 */
import { type Config, type RawEnv, readEnv } from '../../config/schema.js';

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

/** The variables {@link sttEnginesConfig} reads. */
export const STT_ENGINE_VARS = [
  'OPENAI_API_KEY',
  'VOXSTATE_STT_OPENAI_BASE_URL',
  'VOXSTATE_STT_OPENAI_API_KEY',
  'VOXSTATE_STT_OPENAI_MODEL',
  'VOXSTATE_STT_OPENAI_TIMEOUT_MS',
  'VOXSTATE_STT_DEEPGRAM_API_KEY',
  'DEEPGRAM_API_KEY',
  'VOXSTATE_STT_DEEPGRAM_BASE_URL',
  'VOXSTATE_STT_DEEPGRAM_MODEL',
  'VOXSTATE_STT_REALTIME_BASE_URL',
  'VOXSTATE_STT_REALTIME_API_KEY',
  'VOXSTATE_STT_REALTIME_MODEL',
  'VOXSTATE_STT_CONNECT_TIMEOUT_MS',
  'VOXSTATE_STT_FINAL_TIMEOUT_MS',
] as const;

const trimSlash = (u: string | undefined) => u?.replace(/\/+$/, '');

/**
 * The remote STT engines' settings from the parsed environment: `openai` when its base URL or a
 * key (`VOXSTATE_STT_OPENAI_API_KEY`, else `OPENAI_API_KEY`) is set, a self-hosted server without
 * keys getting the key `none`; `deepgram` when its key (else `DEEPGRAM_API_KEY`) is set;
 * `openai-realtime` when its base URL or key (else `OPENAI_API_KEY`) is set.
 */
export function sttEnginesConfig(
  c: Pick<Config, (typeof STT_ENGINE_VARS)[number]>,
): SttEnginesConfig {
  const out: SttEnginesConfig = {};
  const streaming = {
    connectTimeoutMs: c.VOXSTATE_STT_CONNECT_TIMEOUT_MS,
    finalTimeoutMs: c.VOXSTATE_STT_FINAL_TIMEOUT_MS,
  };
  const openaiKey = c.VOXSTATE_STT_OPENAI_API_KEY || c.OPENAI_API_KEY;
  if (c.VOXSTATE_STT_OPENAI_BASE_URL || openaiKey) {
    out.openai = {
      baseUrl: trimSlash(c.VOXSTATE_STT_OPENAI_BASE_URL),
      apiKey: openaiKey || 'none',
      model: c.VOXSTATE_STT_OPENAI_MODEL,
      timeoutMs: c.VOXSTATE_STT_OPENAI_TIMEOUT_MS,
    };
  }
  const deepgramKey = c.VOXSTATE_STT_DEEPGRAM_API_KEY || c.DEEPGRAM_API_KEY;
  if (deepgramKey) {
    out.deepgram = {
      baseUrl: trimSlash(c.VOXSTATE_STT_DEEPGRAM_BASE_URL),
      apiKey: deepgramKey,
      model: c.VOXSTATE_STT_DEEPGRAM_MODEL,
      ...streaming,
    };
  }
  const realtimeKey = c.VOXSTATE_STT_REALTIME_API_KEY || c.OPENAI_API_KEY;
  if (c.VOXSTATE_STT_REALTIME_BASE_URL || realtimeKey) {
    out.openaiRealtime = {
      baseUrl: trimSlash(c.VOXSTATE_STT_REALTIME_BASE_URL),
      apiKey: realtimeKey || 'none',
      model: c.VOXSTATE_STT_REALTIME_MODEL,
      ...streaming,
    };
  }
  return out;
}

/**
 * Reads the remote STT engines' settings from an environment.
 *
 * @throws ConfigError naming every variable with a wrong value.
 */
export function sttEnginesConfigFromEnv(env: RawEnv = process.env): SttEnginesConfig {
  return sttEnginesConfig(readEnv(env, STT_ENGINE_VARS));
}
