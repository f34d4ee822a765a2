/**
 * Routing heuristics on the caller's phrase: language by script, intent keywords, length and
 * the number of questions. They decide most phrases at no cost; the rest are `unsure` and go to
 * the LLM classifier.
 *
 * @module
 */
import { detectLanguage, type Language } from '../text/language.js';
import {
  COMPLEX_INTENTS,
  INTENT_KEYWORDS,
  type Intent,
  SIMPLE_INTENTS,
} from './intent-keywords.js';

/** The model tier a phrase needs. */
export type ModelTier = 'cheap' | 'strong';

/** What the heuristics concluded. */
export interface HeuristicVerdict {
  /** The tier, or `unsure`. */
  tier: ModelTier | 'unsure';
  /** Why: an intent (`order`, `complaint`...), `multi_question`, `long`, `short` or `unsure`. */
  reason: string;
  language: Language;
  intents: Intent[];
}

/** Thresholds of the heuristics. */
export interface HeuristicOptions {
  /** Phrases with more words than this are complex (default 25). */
  longWords?: number;
  /** Phrases with at most this many words and no complex intent are simple (default 5). */
  shortWords?: number;
  /** A simple intent decides `cheap` only up to this many words (default 15). */
  simpleMaxWords?: number;
}

const HEBREW = /[\u0590-\u05FF]/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PATTERNS: Array<[Intent, RegExp]> = (Object.keys(INTENT_KEYWORDS) as Intent[]).map(
  (intent) => {
    const parts = INTENT_KEYWORDS[intent].map((k) =>
      HEBREW.test(k) ? escapeRegExp(k) : `(?<![\\p{L}\\p{N}])${escapeRegExp(k)}`,
    );
    return [intent, new RegExp(parts.join('|'), 'iu')];
  },
);

/** The intents whose keywords occur in `phrase`. */
export function detectIntents(phrase: string): Intent[] {
  const lower = phrase.toLowerCase();
  return PATTERNS.filter(([, re]) => re.test(lower)).map(([intent]) => intent);
}

const Q =
  '(what|when|where|how|why|which|who|can|could|do|does|is|are|что|когда|где|как|почему|какой|какая|сколько|можно|есть|що|коли|де|як|чому|який|яка|скільки|чи|можна|מה|מתי|איפה|איך|למה|איזה|כמה|האם|יש)';
const JOINED_QUESTION = new RegExp(
  `(?<![\\p{L}])(and|also|plus|и|а|ещё|еще|і|й|та|також|ще|גם)\\s+(also\\s+|ещё\\s+|еще\\s+|ще\\s+)?${Q}(?![\\p{L}])|\\s(ו|וגם\\s)${Q}`,
  'iu',
);

/** Counts the questions in `phrase`: question marks, or a question word after "and". */
export function countQuestions(phrase: string): number {
  const marks = (phrase.match(/[?؟]/g) ?? []).length;
  if (marks >= 2) return marks;
  return JOINED_QUESTION.test(phrase) ? 2 : marks;
}

/**
 * Classifies a caller's phrase without an LLM.
 *
 * @example
 * ```ts
 * classifyPhrase('When do you open tomorrow?'); // { tier: 'cheap', reason: 'info', language: 'en', ... }
 * classifyPhrase('Я хочу пожаловаться на заказ'); // { tier: 'strong', reason: 'complaint', ... }
 * ```
 */
export function classifyPhrase(phrase: string, options: HeuristicOptions = {}): HeuristicVerdict {
  const longWords = options.longWords ?? 25;
  const shortWords = options.shortWords ?? 5;
  const simpleMaxWords = options.simpleMaxWords ?? 15;
  const language = detectLanguage(phrase);
  const words = phrase.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  const intents = detectIntents(phrase);
  const verdict = (tier: HeuristicVerdict['tier'], reason: string): HeuristicVerdict => ({
    tier,
    reason,
    language,
    intents,
  });

  if (words === 0) return verdict('cheap', 'short');
  if (countQuestions(phrase) >= 2) return verdict('strong', 'multi_question');
  const complex = COMPLEX_INTENTS.filter((i) => intents.includes(i));
  const simple = SIMPLE_INTENTS.filter((i) => intents.includes(i));
  // "where is my order" mentions an order but asks for its status.
  if (complex.length === 1 && complex[0] === 'order' && intents.includes('order_status')) {
    return words <= simpleMaxWords ? verdict('cheap', 'order_status') : verdict('strong', 'long');
  }
  if (complex.length > 0) return verdict('strong', complex[0]!);
  if (words > longWords) return verdict('strong', 'long');
  if (simple.length > 0 && words <= simpleMaxWords) return verdict('cheap', simple[0]!);
  if (words <= shortWords) return verdict('cheap', 'short');
  return verdict('unsure', 'unsure');
}
