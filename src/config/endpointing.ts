/**
 * Tuning of the endpointer (`src/media/endpointer.ts`) and its defaults. The defaults live with
 * the configuration, which never imports a component; the endpointer imports them from here.
 *
 * @module
 */

import type { Language } from '../text/language.js';

/** Tuning of the endpointer. All times in ms. */
export interface EndpointerConfig {
  /** Probability at or above which a window is voiced. Default 0.5. */
  threshold: number;
  /** Probability below which a window is silent (hysteresis). Default 0.35. */
  negThreshold: number;
  /** Voice needed before a start is reported. Default 200 ms. */
  minSpeechMs: number;
  /** Silence after speech that ends the utterance. Default 500 ms. */
  endSilenceMs: number;
  /** Longest utterance; it is cut here. Default 15000 ms. */
  maxUtteranceMs: number;
  /** Guard time after the bot stops speaking. Default 300 ms. */
  echoCooldownMs: number;
  /**
   * Clear caller voice (windows at or above `bargeInThreshold`, dips not counted) after which
   * the bot pauses while it speaks. Default 192 ms (six windows).
   */
  bargeInPauseMs: number;
  /**
   * Clear caller voice that confirms a barge-in (the bot stops, the caller's turn begins).
   * Shorter sounds that stop (a backchannel "mm-hm") let the paused bot go on. Default 608 ms.
   */
  bargeInMinSpeechMs: number;
  /**
   * A dip below `bargeInThreshold` this long ends a barge-in candidate; shorter ones (the pause
   * after "Sorry," or "Wait,") do not restart the count. Default 300 ms.
   */
  bargeInMaxGapMs: number;
  /** Probability a window needs to count as the caller's voice while guarded. Default 0.8. */
  bargeInThreshold: number;
  /**
   * While the bot speaks, caller audio this many dB or more under the bot's own recent level is
   * taken for the bot's echo, not for the caller. Default 18 dB.
   */
  bargeInEchoLossDb: number;
  /**
   * Voice this many dB or more under the caller's own speech level (learned from what they said
   * earlier in the call, with the bot silent) is taken for voices around them (a café, a
   * television), not for the caller: it cannot interrupt the bot, and it neither starts nor
   * prolongs the caller's utterance. 0: off. Default 12 dB.
   */
  callerLevelGateDb: number;
  /** Audio kept before the first voiced window. Default 200 ms. */
  preRollMs: number;
  /** Duration of one window. Default 32 ms (512 samples at 16 kHz). */
  windowMs: number;
}

/** The defaults: Silero v5 windows, about 500 ms of end-of-speech silence. */
export const DEFAULT_ENDPOINTER_CONFIG: EndpointerConfig = {
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 200,
  endSilenceMs: 500,
  maxUtteranceMs: 15_000,
  echoCooldownMs: 300,
  bargeInPauseMs: 192,
  bargeInMinSpeechMs: 608,
  bargeInMaxGapMs: 300,
  bargeInThreshold: 0.8,
  bargeInEchoLossDb: 18,
  callerLevelGateDb: 12,
  preRollMs: 200,
  windowMs: 32,
};

/** Options of {@link adaptiveEndOfTurn}. All times in ms. */
export interface AdaptiveEndOfTurnOptions {
  /** Silence after a finished utterance. Default 250. */
  shortSilenceMs?: number;
  /** Silence after an utterance that stops mid-thought. Default 800. */
  longSilenceMs?: number;
  /** Silence when nothing is known (no partial, or it reads neither way). Default 500. */
  defaultSilenceMs?: number;
  /**
   * A partial that the caller has talked past by this much voice is stale: the default silence
   * applies. Default 400 (streaming engines trail the voice by 100-300 ms).
   */
  staleAfterMs?: number;
  /** Language when the call's is not known; the partial's letters decide first. Default `en`. */
  fallbackLanguage?: Language;
}

/** Defaults of the adaptive end-of-turn policy (`adaptiveEndOfTurn` in `src/media/end-of-turn.ts`). */
export const ADAPTIVE_END_OF_TURN_DEFAULTS: Required<AdaptiveEndOfTurnOptions> = {
  shortSilenceMs: 250,
  longSilenceMs: 800,
  defaultSilenceMs: 500,
  staleAfterMs: 400,
  fallbackLanguage: 'en',
};

/** Which end-of-turn policy a call uses. */
export type EndOfTurnMode = 'fixed' | 'adaptive';

/** End-of-turn settings (`VOXSTATE_END_OF_TURN*`). */
export interface EndOfTurnConfig {
  mode: EndOfTurnMode;
  /** Fixed mode's silence, and adaptive mode's default. */
  silenceMs: number;
  shortSilenceMs: number;
  longSilenceMs: number;
}
