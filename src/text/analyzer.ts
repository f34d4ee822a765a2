/**
 * Text analysis for keyword search and word matching, in English, Russian, Ukrainian and
 * Hebrew: a text is cut into words, stop words are dropped (`stop-words.ts`), and each
 * remaining word becomes its stems. The stemmer is chosen per word by its script and the text's
 * language: Latin words use the Snowball English (Porter2) stemmer and Cyrillic words the
 * Snowball Russian stemmer (both from the `snowball-stemmers` package) or, in Ukrainian text,
 * our Ukrainian stemmer (`ukrainian-stemmer.ts`); Hebrew words, which carry prefix letters
 * (ו ה ב ל מ ש כ) and plural and feminine endings, are given as written and without up to two
 * prefix letters, each also without a plural (ים ות) or final ה ending. Ingest and search both
 * go through here, so a chunk and a question meet on the same stems.
 *
 * @module
 */
import snowball from 'snowball-stemmers';
import { detectTextLanguage, type Language } from './language.js';
import { isStopWord } from './stop-words.js';
import { ukrainianStems } from './ukrainian-stemmer.js';

/** A content word of a text and its stems (one, or a few readings of it). */
export interface AnalyzedWord {
  /** The word, lower case. */
  word: string;
  /** Its stems, most literal first; never empty. */
  stems: string[];
}

const english = snowball.newStemmer('english');
const russian = snowball.newStemmer('russian');

const WORD = /[\p{L}\p{N}]+(?:['’ʼ][\p{L}]+)*/gu;
const LATIN = /^[a-z\u00c0-\u024f']+$/u;
const CYRILLIC = /^[\u0400-\u04ff']+$/u;
const HEBREW = /^[\u05d0-\u05ea]+$/u;
const DIGITS = /^\p{N}+$/u;
const HEBREW_PREFIX = /^[הובלמשכ]/u;
const HEBREW_SUFFIX = /(ים|ות|ה)$/u;

/**
 * The words of `text`: lower case, NFC, `ё` written `е`, apostrophes inside a word kept as `'`.
 *
 * @example
 * ```ts
 * words("П’ятниця, child's X-ray"); // ["п'ятниця", "child's", 'x', 'ray']
 * ```
 */
export function words(text: string): string[] {
  const normalized = text.normalize('NFC').toLowerCase().replace(/ё/gu, 'е');
  return [...normalized.matchAll(WORD)].map((m) => m[0].replace(/[’ʼ]/gu, "'"));
}

/** Prefix letters that may stand before another prefix letter (ו and ש before any, כ before ש, מ before ה). */
const HEBREW_SECOND_PREFIX: Record<string, RegExp> = {
  ו: HEBREW_PREFIX,
  ש: HEBREW_PREFIX,
  כ: /^ש/u,
  מ: /^ה/u,
};

/**
 * The Hebrew readings of a word: as written, without one prefix letter, and without two where
 * the first may stand before the second (וה, של, כש, מה...); at least `minRest` letters remain.
 */
function hebrewBases(word: string, minRest = 3): string[] {
  const out = [word];
  if (word.length <= minRest || !HEBREW_PREFIX.test(word)) return out;
  const rest = word.slice(1);
  out.push(rest);
  const second = HEBREW_SECOND_PREFIX[word[0]!];
  if (rest.length > minRest && second?.test(rest)) out.push(rest.slice(1));
  return out;
}

function hebrewStems(word: string): string[] {
  const out: string[] = [];
  for (const base of hebrewBases(word)) {
    out.push(base);
    const bare = base.replace(HEBREW_SUFFIX, '');
    if (bare.length >= 2) out.push(bare);
  }
  return [...new Set(out)];
}

function isStop(word: string, lang: Language): boolean {
  if (HEBREW.test(word)) return hebrewBases(word, 2).some((b) => isStopWord(b, 'he'));
  if (LATIN.test(word)) return isStopWord(word, 'en');
  if (CYRILLIC.test(word)) return isStopWord(word, lang === 'uk' ? 'uk' : 'ru');
  return false;
}

/**
 * The stems of one lower-case word in a text of language `lang`.
 *
 * @example
 * ```ts
 * stemsOf('deliveries', 'en'); // ['deliveri']
 * stemsOf('діток', 'uk'); // ['діт'], as 'дітей'
 * stemsOf('והמשלוחים', 'he'); // includes 'משלוח'
 * ```
 */
export function stemsOf(word: string, lang: Language): string[] {
  if (DIGITS.test(word)) return [word];
  if (LATIN.test(word)) return [english.stem(word.replace(/'s$/u, '').replace(/'/gu, ''))];
  if (CYRILLIC.test(word)) {
    return lang === 'uk' ? ukrainianStems(word) : [russian.stem(word.replace(/'/gu, ''))];
  }
  if (HEBREW.test(word)) return hebrewStems(word);
  return [word];
}

/**
 * The content words of `text` with their stems: stop words, single letters and words of no
 * known script dropped. `lang` is the text's language (detected when not given; it picks the
 * Ukrainian or the Russian stemmer for Cyrillic words).
 *
 * @example
 * ```ts
 * analyze('Сколько стоит доставка?', 'ru'); // [{ word: 'стоит', ... }, { word: 'доставка', stems: ['доставк'] }]
 * ```
 */
export function analyze(text: string, lang?: Language): AnalyzedWord[] {
  const language = lang ?? detectTextLanguage(text) ?? 'en';
  const out: AnalyzedWord[] = [];
  for (const word of words(text)) {
    if (word.length < 2 && !DIGITS.test(word)) continue;
    if (isStop(word, language)) continue;
    const stems = stemsOf(word, language).filter((s) => s.length > 0);
    out.push({ word, stems: stems.length > 0 ? stems : [word] });
  }
  return out;
}

const FAMILY = /^[a-z\u0400-\u04ff]+$/u;

/**
 * True when two different stems are of one word family by their beginning, the rule keyword
 * search and the offline answerer share: Latin or Cyrillic stems where the shorter starts the
 * longer and is at least 4 letters long with at most 4 letters more ("имплант"/"имплантат"),
 * or 3 letters long with at most 2 more ("дет"/"детск").
 *
 * @example
 * ```ts
 * related('имплант', 'имплантац'); // true
 * related('сто', 'стоимост'); // false
 * ```
 */
export function related(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short === long || short.length < 3 || !long.startsWith(short) || !FAMILY.test(long))
    return false;
  return long.length - short.length <= (short.length >= 4 ? 4 : 2);
}
