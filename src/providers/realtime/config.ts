/**
 * Configuration of the speech-to-speech mode, from the schema's `realtime` settings
 * (src/config/settings/realtime.ts), and the choice of brain for one call.
 *
 * @module
 */
import { type Config, type RawEnv, readEnv } from '../../config/schema.js';

/** How a call is answered. */
export type Brain = 'cascade' | 'realtime';

/** Who ends the caller's turn and detects barge-in. */
export type RealtimeTurnDetection = 'server_vad' | 'semantic_vad' | 'local';

/** Settings of the Realtime session. */
export interface RealtimeConfig {
  /** The brain of calls whose `brain` flag assigns nothing. */
  brain: Brain;
  model: string;
  voice: string;
  /** API base URL (the SDK's default when undefined). */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  turnDetection: RealtimeTurnDetection;
  /** Caller transcription model; undefined: no caller transcript. */
  transcribeModel: string | undefined;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  toolTimeoutMs: number;
}

/** The realtime configuration from the parsed environment ({@link readEnv}). */
export function realtimeConfig(c: Config): RealtimeConfig {
  const transcribe = c.VOXSTATE_REALTIME_TRANSCRIBE_MODEL;
  return {
    brain: c.VOXSTATE_BRAIN,
    model: c.VOXSTATE_REALTIME_MODEL,
    voice: c.VOXSTATE_REALTIME_VOICE,
    baseUrl: c.VOXSTATE_REALTIME_BASE_URL ?? c.OPENAI_BASE_URL,
    apiKey: c.VOXSTATE_REALTIME_API_KEY ?? c.OPENAI_API_KEY,
    turnDetection: c.VOXSTATE_REALTIME_TURN_DETECTION,
    transcribeModel: transcribe.toLowerCase() === 'none' ? undefined : transcribe,
    connectTimeoutMs: c.VOXSTATE_REALTIME_CONNECT_TIMEOUT_MS,
    responseTimeoutMs: c.VOXSTATE_REALTIME_RESPONSE_TIMEOUT_MS,
    toolTimeoutMs: c.VOXSTATE_REALTIME_TOOL_TIMEOUT_MS,
  };
}

/**
 * Reads the realtime configuration from the environment; throws a `ConfigError` listing every
 * wrong value.
 */
export function realtimeConfigFromEnv(env: RawEnv = process.env): RealtimeConfig {
  return realtimeConfig(readEnv(env));
}

/**
 * The brain of one call: its `brain` flag when that names a brain, else the configured default.
 *
 * @example
 * ```ts
 * brainFor(assignFlags(callId, flags), config.brain); // 'realtime' for 10% of calls with {"brain":{"realtime":10,"cascade":90}}
 * ```
 */
export function brainFor(flags: Readonly<Record<string, string>>, fallback: Brain): Brain {
  const flag = flags.brain;
  return flag === 'cascade' || flag === 'realtime' ? flag : fallback;
}
