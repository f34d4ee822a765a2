/**
 * The runtime's configuration, composed from each area's own loader and validated at start:
 * every wrong value is a `ConfigError` that names the variable.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { type AnswerConfig, loadAnswerConfig } from '../answer/config.js';
import { type FlagConfig, loadFlagConfig } from '../config/flags.js';
import { type InferenceConfig, inferenceConfigFromEnv } from '../config/inference.js';
import { loadPriceTable, type PriceTable } from '../cost/prices.js';
import { ConfigError } from '../errors.js';
import { type KnowledgeConfig, knowledgeConfigFromEnv } from '../knowledge/config.js';
import { type CallLimits, DEFAULT_LIMITS } from '../machines/call.types.js';
import { type SttEnginesConfig, sttEnginesConfigFromEnv } from '../providers/stt/config.js';
import { type SpeechConfig, speechConfigFromEnv } from '../speech/config.js';
import { logPiiFromEnv } from '../telemetry/logger.js';

/** Speech-to-text engine: `whisper` (local, the default) or `script` (simulator only). */
export type SttChoice = 'whisper' | 'script';

/** Everything the runtime needs. */
export interface RuntimeConfig {
  inference: InferenceConfig;
  knowledge: KnowledgeConfig;
  speech: SpeechConfig;
  answer: AnswerConfig;
  flags: FlagConfig;
  prices: PriceTable;
  /** Business data file (JSON). */
  businessFile: string;
  stt: SttChoice;
  /** Remote STT engines, chosen per call by the `stt` flag (`src/providers/stt/config.ts`). */
  sttEngines: SttEnginesConfig;
  /** Let Whisper detect each utterance's language instead of using the call's. */
  detectLanguage: boolean;
  limits: CallLimits;
  bargeInOnGreeting: boolean;
  /**
   * Keep each turn's transcript and answer text in the stored call event log
   * (`VOXSTATE_LOG_TRANSCRIPTS`, default false).
   */
  logTranscripts: boolean;
  /**
   * Personal data in the logs: the caller's words, the bot's answers and phone numbers in their
   * named fields, and the caller's number in the stored call event log (`VOXSTATE_LOG_PII`,
   * default false).
   */
  logPii: boolean;
  /** Redis URL shared by the caches and the dead-letter queue; undefined runs without Redis. */
  redisUrl: string | undefined;
  /** Retry timing of the dead-letter queue (with Redis): first retry delay, doubled after. */
  deadLetter: { baseDelayMs: number; pollMs: number };
}

/** The sample business shipped in `examples/knowledge-base/`. */
export const SAMPLE_BUSINESS_FILE = fileURLToPath(
  new URL('../../examples/knowledge-base/business.json', import.meta.url),
);

type Env = NodeJS.ProcessEnv;

/** Node timers fire at once for longer delays (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

function positiveMs(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_TIMER_MS) {
    throw new ConfigError(
      `${name} must be a positive number of milliseconds up to ${MAX_TIMER_MS}, got "${raw}"`,
    );
  }
  return n;
}

function count(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new ConfigError(`${name} must be a whole number >= 0, got "${raw}"`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false (1/0, yes/no, on/off), got "${raw}"`);
}

/**
 * Reads the runtime configuration from the environment.
 *
 * @example
 * ```ts
 * const config = runtimeConfigFromEnv(process.env); // throws ConfigError on a wrong value
 * ```
 */
export function runtimeConfigFromEnv(env: Env = process.env): RuntimeConfig {
  const stt = (env.VOXSTATE_STT || 'whisper') as SttChoice;
  if (stt !== 'whisper' && stt !== 'script') {
    throw new ConfigError(`VOXSTATE_STT must be "whisper" or "script", got "${env.VOXSTATE_STT}"`);
  }
  return {
    inference: inferenceConfigFromEnv(env),
    knowledge: knowledgeConfigFromEnv(env),
    speech: speechConfigFromEnv(env),
    answer: loadAnswerConfig(env),
    flags: loadFlagConfig(env),
    prices: loadPriceTable(env),
    businessFile: env.VOXSTATE_BUSINESS || SAMPLE_BUSINESS_FILE,
    stt,
    sttEngines: sttEnginesConfigFromEnv(env),
    detectLanguage: bool(env, 'VOXSTATE_DETECT_LANGUAGE', false),
    limits: {
      maxTurns: count(env, 'VOXSTATE_MAX_TURNS', DEFAULT_LIMITS.maxTurns),
      maxSilenceMs: positiveMs(env, 'VOXSTATE_MAX_SILENCE_MS', DEFAULT_LIMITS.maxSilenceMs),
      maxSilencePrompts: count(
        env,
        'VOXSTATE_MAX_SILENCE_PROMPTS',
        DEFAULT_LIMITS.maxSilencePrompts,
      ),
      maxCallMs: positiveMs(env, 'VOXSTATE_MAX_CALL_MS', DEFAULT_LIMITS.maxCallMs),
      maxNotUnderstood: count(env, 'VOXSTATE_MAX_NOT_UNDERSTOOD', DEFAULT_LIMITS.maxNotUnderstood),
    },
    bargeInOnGreeting: bool(env, 'VOXSTATE_BARGE_IN_ON_GREETING', false),
    logTranscripts: bool(env, 'VOXSTATE_LOG_TRANSCRIPTS', false),
    logPii: logPiiFromEnv(env),
    redisUrl: env.VOXSTATE_REDIS_URL || undefined,
    deadLetter: {
      baseDelayMs: positiveMs(env, 'VOXSTATE_DLQ_RETRY_MS', 60_000),
      pollMs: positiveMs(env, 'VOXSTATE_DLQ_POLL_MS', 1_000),
    },
  };
}
