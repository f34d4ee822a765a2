/**
 * Turn-taking configuration: the end-of-turn policy (fixed or adaptive silence) and noise
 * suppression of the caller's audio, with the per-call flags that override both
 * (`{"eot":{"adaptive":20,"fixed":80},"noise":{"on":50,"off":50},"preempt":{"on":10,"off":90}}`
 * in `VOXSTATE_FLAGS`), and preemptive answers with their `preempt` flag.
 *
 * @module
 */
import type { EndOfTurnConfig, EndOfTurnMode } from './endpointing.js';
import type { PoolConfig } from './inference.js';
import { type Config, type RawEnv, readEnv } from './schema.js';

/** The flag that picks a call's end-of-turn policy: variants `fixed` and `adaptive`. */
export const END_OF_TURN_FLAG = 'eot';
/** The flag that turns a call's noise suppression on or off: variants `on` and `off`. */
export const NOISE_FLAG = 'noise';
/** The flag that turns a call's preemptive answers on or off: variants `on` and `off`. */
export const PREEMPT_FLAG = 'preempt';

/** What the turn-taking settings say, before a call's flags. */
export interface TurnTakingConfig {
  endOfTurn: EndOfTurnConfig;
  /** Noise suppression for calls without a `noise` flag. */
  noiseSuppression: boolean;
  /** Start retrieval on stable partial transcripts (streaming STT). */
  speculativeRetrieval: boolean;
  /** Preemptive answers for calls without a `preempt` flag. */
  preemptiveAnswers: boolean;
  /** Silence inside an utterance after which a streaming engine is asked for an early final, ms (0: off). */
  earlyFinalMs: number;
  /** The noise suppression pool. */
  noisePool: PoolConfig;
}

/** One call's turn-taking, after its flags. */
export interface CallTurnTaking {
  endOfTurn: EndOfTurnConfig;
  noiseSuppression: boolean;
  preemptiveAnswers: boolean;
}

/** The turn-taking configuration from the parsed environment ({@link readEnv}). */
export function turnTakingConfig(c: Config): TurnTakingConfig {
  const size = c.VOXSTATE_NOISE_THREADS;
  return {
    endOfTurn: {
      mode: c.VOXSTATE_END_OF_TURN,
      silenceMs: c.VOXSTATE_END_SILENCE_MS,
      shortSilenceMs: c.VOXSTATE_END_OF_TURN_SHORT_MS,
      longSilenceMs: c.VOXSTATE_END_OF_TURN_LONG_MS,
    },
    noiseSuppression: c.VOXSTATE_NOISE_SUPPRESSION,
    speculativeRetrieval: c.VOXSTATE_SPECULATIVE_RETRIEVAL,
    preemptiveAnswers: c.VOXSTATE_PREEMPTIVE_ANSWERS,
    earlyFinalMs: c.VOXSTATE_EARLY_FINAL_MS,
    noisePool: {
      minThreads: size ? (size.min ?? Math.min(1, size.max)) : 1,
      maxThreads: size?.max ?? 1,
      idleTimeoutMs: c.VOXSTATE_POOL_IDLE_MS,
      maxQueue: c.VOXSTATE_NOISE_MAX_QUEUE,
    },
  };
}

/**
 * Reads the turn-taking variables (`VOXSTATE_END_OF_TURN*`, `VOXSTATE_END_SILENCE_MS`,
 * `VOXSTATE_NOISE_*`).
 *
 * @throws ConfigError listing every wrong value, each naming its variable.
 */
export function turnTakingConfigFromEnv(env: RawEnv): TurnTakingConfig {
  return turnTakingConfig(readEnv(env));
}

/**
 * One call's turn-taking: the settings, overridden by the call's `eot`, `noise` and `preempt` flags
 * (see `assignFlags`). An unknown variant is ignored (the setting stays).
 *
 * @example
 * ```ts
 * const t = callTurnTaking(turnTakingConfig(readEnv(env)), session.flags);
 * const endpointer = new Endpointer(config, endOfTurnPolicy(t.endOfTurn));
 * ```
 */
export function callTurnTaking(
  config: TurnTakingConfig,
  flags: Readonly<Record<string, string>>,
): CallTurnTaking {
  const eot = flags[END_OF_TURN_FLAG];
  const noise = flags[NOISE_FLAG];
  const preempt = flags[PREEMPT_FLAG];
  const mode: EndOfTurnMode = eot === 'fixed' || eot === 'adaptive' ? eot : config.endOfTurn.mode;
  return {
    endOfTurn: { ...config.endOfTurn, mode },
    noiseSuppression: noise === 'on' ? true : noise === 'off' ? false : config.noiseSuppression,
    preemptiveAnswers:
      preempt === 'on' ? true : preempt === 'off' ? false : config.preemptiveAnswers,
  };
}
