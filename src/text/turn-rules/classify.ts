/**
 * Whether a partial transcript reads as a finished utterance, from one language's word lists
 * ({@link TurnRules}). Cheap (a few string operations, no allocation beyond the split), so the
 * endpointer may ask every window.
 *
 * In order, first match wins:
 * 1. ends with an ellipsis, a comma or a dash: `unfinished`; with `?`: `finished`;
 * 2. ends with a number being dictated (two or more digits or digit words in a row, or a
 *    number right after a word like "number", short of a whole phone number's ten digits):
 *    `unfinished`;
 * 3. ends with a hesitation ("um", "эээ") or a continuation (a conjunction, a preposition, an
 *    article, an auxiliary): `unfinished`;
 * 4. ends with `.` or `!`: `finished`;
 * 5. ends with a closing word ("thank you", "спасибо", "that's all"): `finished`;
 * 6. three words or more that start with a question word ("what", "когда"), or four or more
 *    that open a yes/no question ("can", "можно"): `finished` ("Can I return", three words,
 *    usually goes on with what the caller wants to return);
 * 7. otherwise `unknown`.
 *
 * @module
 */
import type { Language } from '../language.js';
import { EN_TURN_RULES } from './en.js';
import { HE_TURN_RULES } from './he.js';
import { RU_TURN_RULES } from './ru.js';
import type { TurnRules } from './types.js';
import { UK_TURN_RULES } from './uk.js';

/** How a partial transcript ends. */
export type TurnCompletion = 'finished' | 'unfinished' | 'unknown';

/** The rules of every supported language. */
export const TURN_RULES: Readonly<Record<Language, TurnRules>> = {
  en: EN_TURN_RULES,
  ru: RU_TURN_RULES,
  uk: UK_TURN_RULES,
  he: HE_TURN_RULES,
};

interface Compiled {
  continuations: Set<string>;
  hesitations: Set<string>;
  closings: Set<string>;
  questionStarts: Set<string>;
  yesNoStarts: Set<string>;
  digitWords: Set<string>;
  numberContexts: Set<string>;
  prefixLetters: string;
  /** Longest phrase, in words. */
  longest: number;
}

const compiled = new Map<TurnRules, Compiled>();

function compile(rules: TurnRules): Compiled {
  const hit = compiled.get(rules);
  if (hit) return hit;
  const all = [...rules.continuations, ...rules.hesitations, ...rules.closings];
  const c: Compiled = {
    continuations: new Set(rules.continuations),
    hesitations: new Set(rules.hesitations),
    closings: new Set(rules.closings),
    questionStarts: new Set(rules.questionStarts),
    yesNoStarts: new Set(rules.yesNoStarts),
    digitWords: new Set(rules.digitWords),
    numberContexts: new Set(rules.numberContexts),
    prefixLetters: rules.prefixLetters ?? '',
    longest: Math.max(1, ...all.map((p) => p.split(' ').length)),
  };
  compiled.set(rules, c);
  return c;
}

const TRAILING_OPEN = /(?:\.\.\.|…|[,;:\-–—])\s*$/u;
const TRAILING_END = /[?!.]["'»”)]*\s*$/u;
const QUESTION_END = /[?؟]["'»”)]*\s*$/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’ʼ"-]*/gu;
const DIGITS = /^\d+$/u;

/** Lowercase words of `text`, apostrophes made plain. */
function tokens(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/[’ʼ]/gu, "'"));
}

/** True when one of `set` is the last 1..`longest` words. */
function endsWith(words: readonly string[], set: Set<string>, longest: number): boolean {
  for (let n = Math.min(longest, words.length); n >= 1; n--) {
    if (set.has(words.slice(words.length - n).join(' '))) return true;
  }
  return false;
}

function isNumber(word: string, c: Compiled): boolean {
  return DIGITS.test(word) || c.digitWords.has(word);
}

/** Digits a whole phone number has at least: a run this long reads as complete. */
const COMPLETE_NUMBER_DIGITS = 10;

/**
 * A number is being dictated: two number words in a row at the end, or one after a word like
 * "number"; unless the run already holds a whole phone number's digits.
 */
function dictating(words: readonly string[], c: Compiled): boolean {
  let run = 0;
  let digits = 0;
  for (let i = words.length - 1; i >= 0 && isNumber(words[i] as string, c); i--) {
    run++;
    const w = words[i] as string;
    digits += DIGITS.test(w) ? w.length : 1;
  }
  if (run === 0 || digits >= COMPLETE_NUMBER_DIGITS) return false;
  if (run >= 2) return true;
  const before = words.slice(Math.max(0, words.length - 1 - 3), words.length - 1);
  return before.some((w) => announcesNumber(w, c));
}

/** `word` is a number-context word, also behind up to two prefix letters ("המספר"). */
function announcesNumber(word: string, c: Compiled): boolean {
  if (c.numberContexts.has(word)) return true;
  for (
    let i = 0;
    i < 2 && i < word.length - 1 && c.prefixLetters.includes(word[i] as string);
    i++
  ) {
    if (c.numberContexts.has(word.slice(i + 1))) return true;
  }
  return false;
}

/**
 * How `text` (a partial transcript) ends, by the rules of `language`.
 *
 * @example
 * ```ts
 * classifyTurn('What time do you open?', 'en'); // 'finished'
 * classifyTurn("I'd like to order a cake and", 'en'); // 'unfinished'
 * classifyTurn('мой номер ноль пять четыре', 'ru'); // 'unfinished'
 * ```
 */
export function classifyTurn(text: string, language: Language): TurnCompletion {
  const c = compile(TURN_RULES[language]);
  const trimmed = text.trim();
  const words = tokens(trimmed);
  if (words.length === 0) return 'unknown';
  if (TRAILING_OPEN.test(trimmed)) return 'unfinished';
  if (QUESTION_END.test(trimmed)) return 'finished';
  if (dictating(words, c)) return 'unfinished';
  if (endsWith(words, c.hesitations, c.longest)) return 'unfinished';
  if (endsWith(words, c.continuations, c.longest)) return 'unfinished';
  if (TRAILING_END.test(trimmed)) return 'finished';
  if (endsWith(words, c.closings, c.longest)) return 'finished';
  const first = words[0] as string;
  if (words.length >= 3 && c.questionStarts.has(first)) return 'finished';
  if (words.length >= 4 && c.yesNoStarts.has(first)) return 'finished';
  return 'unknown';
}
