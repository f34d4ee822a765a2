/**
 * The runtime's configuration: the environment parsed against the one schema (src/config/schema.ts)
 * and shaped by each area's loader; every wrong value is reported at once in a `ConfigError` that
 * names each variable.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';
import { type AnswerConfig, answerConfig } from '../answer/config.js';
import { type FlagConfig, flagConfig } from '../config/flags.js';
import { type InferenceConfig, inferenceConfig } from '../config/inference.js';
import { type Config, configErrorMessage, type RawEnv, readEnv } from '../config/schema.js';
import { type TurnTakingConfig, turnTakingConfig } from '../config/turn-taking.js';
import { type PriceTable, priceTable } from '../cost/prices.js';
import { ConfigError } from '../errors.js';
import { type KnowledgeConfig, knowledgeConfig } from '../knowledge/config.js';
import type { CallLimits } from '../machines/call.types.js';
import { type RealtimeConfig, realtimeConfig } from '../providers/realtime/config.js';
import { type SttEnginesConfig, sttEnginesConfig } from '../providers/stt/config.js';
import { type SpeechConfig, speechConfig } from '../speech/config.js';
import { type AmdConfig, amdConfig } from './outbound-amd.js';

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
  /** The speech-to-speech mode (`VOXSTATE_BRAIN`, the `brain` flag, `VOXSTATE_REALTIME_*`). */
  realtime: RealtimeConfig;
  /** Let Whisper detect each utterance's language instead of using the call's. */
  detectLanguage: boolean;
  /** End-of-turn policy and noise suppression, before each call's `eot` and `noise` flags. */
  turnTaking: TurnTakingConfig;
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
  /** Answering-machine detection on outbound calls (`VOXSTATE_AMD_*`). */
  amd: AmdConfig;
}

/** The sample business shipped in `examples/knowledge-base/`. */
export const SAMPLE_BUSINESS_FILE = fileURLToPath(
  new URL('../../examples/knowledge-base/business.json', import.meta.url),
);

/**
 * Reads the runtime configuration from the environment: every variable is parsed against the
 * schema first, so one {@link ConfigError} lists every wrong value at once.
 *
 * @example
 * ```ts
 * const config = runtimeConfigFromEnv(process.env); // throws ConfigError on a wrong value
 * ```
 */
export function runtimeConfigFromEnv(env: RawEnv = process.env): RuntimeConfig {
  return runtimeConfig(readEnv(env));
}

/**
 * The runtime configuration from the parsed environment ({@link readEnv}); the area loaders'
 * own errors (a flag or price file, a model list) are collected into one {@link ConfigError}.
 */
export function runtimeConfig(c: Config): RuntimeConfig {
  const problems: string[] = [];
  const part = <T>(load: (c: Config) => T): T => {
    try {
      return load(c);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err.message);
      return undefined as T;
    }
  };
  const config: RuntimeConfig = {
    inference: part(inferenceConfig),
    knowledge: part(knowledgeConfig),
    speech: part(speechConfig),
    answer: part(answerConfig),
    flags: part(flagConfig),
    prices: part(priceTable),
    businessFile: c.VOXSTATE_BUSINESS ?? SAMPLE_BUSINESS_FILE,
    stt: c.VOXSTATE_STT ?? 'whisper',
    sttEngines: part(sttEnginesConfig),
    realtime: part(realtimeConfig),
    detectLanguage: c.VOXSTATE_DETECT_LANGUAGE,
    turnTaking: part(turnTakingConfig),
    limits: {
      maxTurns: c.VOXSTATE_MAX_TURNS,
      maxSilenceMs: c.VOXSTATE_MAX_SILENCE_MS,
      maxSilencePrompts: c.VOXSTATE_MAX_SILENCE_PROMPTS,
      maxCallMs: c.VOXSTATE_MAX_CALL_MS,
      maxNotUnderstood: c.VOXSTATE_MAX_NOT_UNDERSTOOD,
    },
    bargeInOnGreeting: c.VOXSTATE_BARGE_IN_ON_GREETING,
    logTranscripts: c.VOXSTATE_LOG_TRANSCRIPTS,
    logPii: c.VOXSTATE_LOG_PII,
    redisUrl: c.VOXSTATE_REDIS_URL,
    deadLetter: { baseDelayMs: c.VOXSTATE_DLQ_RETRY_MS, pollMs: c.VOXSTATE_DLQ_POLL_MS },
    amd: part(amdConfig),
  };
  if (problems.length > 0) throw new ConfigError(configErrorMessage(problems));
  return config;
}
