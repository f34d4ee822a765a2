/**
 * The shape of one language's end-of-turn rules (`./en.ts`, `./ru.ts`, `./uk.ts`, `./he.ts`):
 * word lists that tell whether a partial transcript reads as a finished utterance or stops
 * mid-thought. {@link classifyTurn} (`./classify.ts`) applies them.
 *
 * @module
 */
import type { Language } from '../language.js';

/** End-of-turn word lists of one language, lowercase, written as the STT engine writes them. */
export interface TurnRules {
  language: Language;
  /**
   * Words after which a sentence cannot stop: conjunctions, prepositions, articles and other
   * determiners, auxiliaries. Multi-word entries ("as well as") match the end as a phrase.
   */
  continuations: readonly string[];
  /** Hesitation and filler words ("um", "эээ"): the caller is still thinking. */
  hesitations: readonly string[];
  /** Words and phrases that close an utterance when they end it ("thank you", "that's all"). */
  closings: readonly string[];
  /** Question words ("what", "когда"): an utterance of three words or more that starts with one reads as a question. */
  questionStarts: readonly string[];
  /**
   * Words that open a yes/no question ("can", "do", "можно"): an utterance of four words or more
   * that starts with one reads as a question; three ("Can I return", "Do you have") usually go on
   * with what they ask for, so they read as unknown until the engine punctuates them.
   */
  yesNoStarts: readonly string[];
  /** Digits spoken as words ("five", "пять"): a run of them is a number being dictated. */
  digitWords: readonly string[];
  /** Words that announce a number ("number", "номер"): a number right after them may go on. */
  numberContexts: readonly string[];
  /**
   * Letters that attach to the next word as a prefix (Hebrew ו ה ב ל מ ש כ): a number word
   * ("המספר", "the number") matches after up to two of them are dropped.
   */
  prefixLetters?: string;
}

/**
 * A word list from text: whitespace separates the single words, `|` the phrases.
 *
 * @example
 * ```ts
 * words('and or', 'as well as|kind of'); // ['and', 'or', 'as well as', 'kind of']
 * ```
 */
export function words(single: string, phrases = ''): string[] {
  return [
    ...single.split(/\s+/u),
    ...phrases.split('|').map((p) => p.trim().replace(/\s+/gu, ' ')),
  ].filter(Boolean);
}
