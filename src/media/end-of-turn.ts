/**
 * End-of-turn policies for the {@link Endpointer} (`./endpointer.ts`): how much silence ends
 * the caller's turn.
 *
 * - {@link fixedEndOfTurn}: the same silence every time (today's 500 ms), whatever was said.
 * - {@link adaptiveEndOfTurn}: reads the latest partial transcript with the word rules of the
 *   call's language (`src/text/turn-rules`): a finished utterance (a question, a sentence, a
 *   "thank you") ends after a short silence (250 ms), one that stops mid-thought (a
 *   conjunction, a preposition or an article at the end, a hesitation, a number being
 *   dictated) waits longer (800 ms); with no partial, or one the caller has talked past, the
 *   default silence. When the engine was asked to finalize the words up to this pause and has
 *   not answered, a finished reading waits for the settled text (at most the default silence).
 *
 * Both are stateless, so one policy serves every call.
 *
 * @module
 */

import {
  ADAPTIVE_END_OF_TURN_DEFAULTS,
  type AdaptiveEndOfTurnOptions,
  type EndOfTurnConfig,
  type EndOfTurnMode,
} from '../config/endpointing.js';
import { detectLanguage, type Language } from '../text/language.js';
import { classifyTurn, type TurnCompletion } from '../text/turn-rules/index.js';
import type { EndOfTurnPolicy, UtteranceProgress } from './endpointer-types.js';

export {
  ADAPTIVE_END_OF_TURN_DEFAULTS,
  type AdaptiveEndOfTurnOptions,
  type EndOfTurnConfig,
  type EndOfTurnMode,
};

/** The silence after which the endpointer always ends a turn, ms. */
export function fixedEndOfTurn(silenceMs: number): EndOfTurnPolicy {
  return { requiredSilenceMs: () => silenceMs };
}

/** What an adaptive policy decided for one utterance state, with why. */
export interface EndOfTurnDecision {
  silenceMs: number;
  completion: TurnCompletion | 'none' | 'stale' | 'settling';
}

/**
 * The policy that reads the partial transcript: short silence after a finished utterance, long
 * mid-thought, the default otherwise. See the module note.
 *
 * @example
 * ```ts
 * const ep = new Endpointer(config, adaptiveEndOfTurn({ shortSilenceMs: 250 }));
 * ep.setLanguage('ru');
 * ep.setPartial('мой номер ноль пять четыре'); // the caller gets 800 ms to go on
 * ```
 */
export function adaptiveEndOfTurn(
  options: AdaptiveEndOfTurnOptions = {},
): EndOfTurnPolicy & { decide(u: UtteranceProgress): EndOfTurnDecision } {
  const o = { ...ADAPTIVE_END_OF_TURN_DEFAULTS, ...options };
  let lastText: string | undefined;
  let lastLanguage: Language | undefined;
  let lastCompletion: TurnCompletion = 'unknown';
  const completionOf = (text: string, language: Language | undefined): TurnCompletion => {
    if (text !== lastText || language !== lastLanguage) {
      const lang = detectLanguage(text, language ?? o.fallbackLanguage);
      lastCompletion = classifyTurn(text, lang);
      lastText = text;
      lastLanguage = language;
    }
    return lastCompletion;
  };
  const decide = (u: UtteranceProgress): EndOfTurnDecision => {
    if (!u.partial) return { silenceMs: o.defaultSilenceMs, completion: 'none' };
    if (u.partial.voicedAfterMs > o.staleAfterMs) {
      return { silenceMs: o.defaultSilenceMs, completion: 'stale' };
    }
    const completion = completionOf(u.partial.text, u.language);
    if (completion === 'finished' && u.partial.settling) {
      // The last words may be missing ("can I book a table" before "for"): wait for the
      // engine's settled text, at most the default silence.
      return { silenceMs: o.defaultSilenceMs, completion: 'settling' };
    }
    const silenceMs =
      completion === 'finished'
        ? o.shortSilenceMs
        : completion === 'unfinished'
          ? o.longSilenceMs
          : o.defaultSilenceMs;
    return { silenceMs, completion };
  };
  return { decide, requiredSilenceMs: (u) => decide(u).silenceMs };
}

/** The policy `config` names. */
export function endOfTurnPolicy(config: EndOfTurnConfig): EndOfTurnPolicy {
  if (config.mode === 'fixed') return fixedEndOfTurn(config.silenceMs);
  return adaptiveEndOfTurn({
    shortSilenceMs: config.shortSilenceMs,
    longSilenceMs: config.longSilenceMs,
    defaultSilenceMs: config.silenceMs,
  });
}
