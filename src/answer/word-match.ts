/**
 * Word matching for the offline answerer, on the same analysis as keyword search
 * (`src/text/analyzer.ts`: stop words dropped, words reduced to stems per language): the
 * content words of a text, whether two word forms are one word (a shared stem, or stems of one
 * family by their beginning), and which words of a question are its key words: those that name
 * what is asked about, as opposed to the words of the question's frame (price, time, opening,
 * working) that many passages share.
 *
 * @module
 */
import { type AnalyzedWord, analyze, related } from '../text/analyzer.js';
import type { Language } from '../text/language.js';

/**
 * Words that frame a question (how much, when, open, work) rather than name its subject, per
 * language; stop words are dropped before these are looked at.
 */
const FRAME_WORDS: Record<Language, string> = {
  en: `cost costs price prices priced cheap expensive time times hour hours open opening close
    closing work working day days today tomorrow week available have offer do make take`,
  ru: `стоит стоят стоимость цена цены дорого дешево время час часы часов работаете работает
    работа открыты открыто открываетесь закрываетесь день сегодня завтра делаете делать сделать`,
  uk: `коштує коштують вартість ціна ціни дорого дешево час година години працюєте працює
    працювати відчинені відкриті відчиняєтесь зачиняєтесь день сьогодні завтра робите робити
    зробити`,
  he: `עולה עולים עולות מחיר מחירים יקר זול זמן שעה שעות פתוח פתוחים פתוחה עובדים עובד היום
    מחר יום לעשות עושים`,
};

const frameStems = new Map<Language, Set<string>>();

function frameOf(lang: Language): Set<string> {
  let stems = frameStems.get(lang);
  if (!stems) {
    stems = new Set(analyze(FRAME_WORDS[lang], lang).flatMap((w) => w.stems));
    frameStems.set(lang, stems);
  }
  return stems;
}

/**
 * The content words of `text` with their stems (see `analyze`).
 *
 * @example
 * ```ts
 * contentWords('Сколько стоит доставка?', 'ru').map((w) => w.word); // ['стоит', 'доставка']
 * ```
 */
export function contentWords(text: string, lang?: Language): AnalyzedWord[] {
  return analyze(text, lang);
}

/** True when two analyzed words are one word: a shared stem or stems of one family. */
export function sameWord(a: AnalyzedWord, b: AnalyzedWord): boolean {
  if (a.word === b.word) return true;
  return a.stems.some((x) => b.stems.some((y) => x === y || related(x, y)));
}

/** True when `words` has a form of `word`. */
export function hasWord(words: readonly AnalyzedWord[], word: AnalyzedWord): boolean {
  return words.some((w) => sameWord(word, w));
}

/**
 * The key words of a question in `lang`: its content words that are not frame words ("how
 * much", "when", "open"). Empty when the question is all frame ("When are you open?").
 */
export function keyWords(query: readonly AnalyzedWord[], lang: Language): AnalyzedWord[] {
  const frame = frameOf(lang);
  return query.filter((w) => !w.stems.some((s) => frame.has(s)));
}

/**
 * Share of `query` words found in `text` words (0..1), a key word (in `keys`) counting twice a
 * frame word.
 */
export function overlap(
  query: readonly AnalyzedWord[],
  text: readonly AnalyzedWord[],
  keys: readonly AnalyzedWord[] = query,
): number {
  let total = 0;
  let found = 0;
  for (const q of query) {
    const weight = keys.includes(q) ? 2 : 1;
    total += weight;
    if (hasWord(text, q)) found += weight;
  }
  return total === 0 ? 0 : found / total;
}
