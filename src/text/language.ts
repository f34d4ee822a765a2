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
const UK_HINTS = stems([
  'що',
  'це',
  'як',
  'чи',
  'коли',
  'де',
  'скільки',
  'будь ласка',
  'дяку',
  'привіт',
  'мені',
  'можна',
  'замов',
  'скарж',
  'скарг',
  'обслугов',
  'субот',
  'неділ',
  'працю',
  'хліб',
  'зараз',
  'треба',
]);
const RU_HINTS = stems([
  'что',
  'это',
  'как',
  'когда',
  'где',
  'сколько',
  'пожалуйста',
  'спасибо',
  'привет',
  'мне',
  'можно',
  'заказ',
  'жалоб',
  'обслужив',
  'суббот',
  'воскрес',
  'работа',
  'хлеб',
  'сейчас',
  'нужно',
]);

function stems(list: string[]): RegExp {
  return new RegExp(`(?<![\\p{L}])(${list.join('|')})`, 'giu');
}

/**
 * The language of `text`: Hebrew letters -> `he`; Cyrillic -> `uk` when it has Ukrainian-only
 * letters (і ї є ґ), `ru` when it has Russian-only letters (ы э ъ ё), else by counting
 * Ukrainian and Russian word stems (ties go to `ru`); Latin -> `en`. Text without letters
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
    const uk = text.match(UK_HINTS)?.length ?? 0;
    const ru = text.match(RU_HINTS)?.length ?? 0;
    return uk > ru ? 'uk' : 'ru';
  }
  return 'en';
}
