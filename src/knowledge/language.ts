/**
 * Languages of knowledge-base chunks: the caller languages plus `und` for a chunk without
 * letters. Detection is the one detector of `src/text/language.ts` (`detectTextLanguage`), so a
 * chunk and a caller's question in the same words always get the same language; this module
 * only maps "no letters" to `und` (chunks) or to the call's language (queries).
 *
 * @module
 */
import { detectTextLanguage, isLanguage, type Language } from '../text/language.js';

/** Languages the knowledge base stores; `und` when the text has no letters of a known script. */
export type KbLanguage = Language | 'und';

/**
 * The language of a chunk's text (see `detectTextLanguage`), `und` when it has no letters.
 *
 * @example
 * ```ts
 * chunkLanguage('Доставка бесплатна'); // 'ru'
 * chunkLanguage('Доставка безкоштовна, їжа'); // 'uk'
 * chunkLanguage('12:00 — 14:00'); // 'und'
 * ```
 */
export function chunkLanguage(text: string): KbLanguage {
  return detectTextLanguage(text) ?? 'und';
}

/** True when `value` is one of the languages the knowledge base stores. */
export function isKbLanguage(value: string): value is KbLanguage {
  return value === 'en' || value === 'ru' || value === 'uk' || value === 'he' || value === 'und';
}

/**
 * The language a search query is in, for choosing chunks and stemmers: the query's own letters
 * decide (a Ukrainian question asked on a call set to Russian is Ukrainian); `hint` (the call's
 * language, or `kb search --lang`) settles Cyrillic text without Ukrainian or Russian marks and
 * text without letters. Undefined when neither tells.
 *
 * @example
 * ```ts
 * queryLanguage('Чи лікуєте ви діток?'); // 'uk'
 * queryLanguage('Доставка?', 'uk'); // 'uk'
 * queryLanguage('12:30', 'he'); // 'he'
 * ```
 */
export function queryLanguage(query: string, hint?: string): Language | undefined {
  const hinted = hint && isLanguage(hint) ? hint : undefined;
  return detectTextLanguage(query, hinted) ?? hinted;
}
