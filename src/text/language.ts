/**
 * The caller languages voxstate knows (English, Russian, Ukrainian, Hebrew) and detection of the
 * language of a phrase by its script, with letter and keyword hints to tell Ukrainian from
 * Russian.
 *
 * @module
 */

/** A supported language code. */
export type Language = 'en' | 'ru' | 'uk' | 'he';

/** All supported languages. */
export const LANGUAGES: readonly Language[] = ['en', 'ru', 'uk', 'he'];

/** True when `value` is a supported language code. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const UK_LETTERS = /[іїєґ]/iu;
const RU_LETTERS = /[ыэъё]/iu;
const UK_WORDS =
  /(^|[^\p{L}])(що|це|як|чи|коли|де|скільки|будь ласка|дякую|привіт|ви|ваш|мені|можна)(?=$|[^\p{L}])/iu;
const RU_WORDS =
  /(^|[^\p{L}])(что|это|как|когда|где|сколько|пожалуйста|спасибо|привет|вы|ваш|мне|можно)(?=$|[^\p{L}])/iu;

/**
 * The language of `text`: Hebrew letters -> `he`; Cyrillic -> `uk` when it has Ukrainian-only
 * letters (і ї є ґ) or Ukrainian function words, else `ru`; Latin -> `en`. Text without letters
 * gets `fallback`.
 *
 * @example
 * ```ts
 * detectLanguage('Коли ви відкриті?'); // 'uk'
 * ```
 */
export function detectLanguage(text: string, fallback: Language = 'en'): Language {
  let hebrew = 0;
  let cyrillic = 0;
  let latin = 0;
  for (const ch of text) {
    if (ch >= '\u0590' && ch <= '\u05FF') hebrew++;
    else if (ch >= '\u0400' && ch <= '\u04FF') cyrillic++;
    else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) latin++;
  }
  const max = Math.max(hebrew, cyrillic, latin);
  if (max === 0) return fallback;
  if (hebrew === max) return 'he';
  if (cyrillic === max) {
    if (UK_LETTERS.test(text)) return 'uk';
    if (RU_LETTERS.test(text)) return 'ru';
    if (UK_WORDS.test(text) && !RU_WORDS.test(text)) return 'uk';
    return 'ru';
  }
  return 'en';
}
