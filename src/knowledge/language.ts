/**
 * Language detection by script, per chunk: Hebrew letters, Cyrillic letters (Ukrainian when its
 * own letters appear), Latin letters. Good enough to filter a multilingual knowledge base by the
 * caller's language; not a general language identifier (any Latin text is reported as English).
 *
 * @module
 */

/** Languages the detector reports; `und` when the text has no letters of a known script. */
export type KbLanguage = 'en' | 'ru' | 'uk' | 'he' | 'und';

const UKRAINIAN_ONLY = /[ієїґІЄЇҐ]/gu;
const RUSSIAN_ONLY = /[ыэъёЫЭЪЁ]/gu;

/**
 * Detects the dominant script of `text` and maps it to a language.
 *
 * @example
 * ```ts
 * detectLanguage('Доставка бесплатна'); // 'ru'
 * detectLanguage('Доставка безкоштовна, їжа'); // 'uk'
 * detectLanguage('משלוח חינם'); // 'he'
 * ```
 */
export function detectLanguage(text: string): KbLanguage {
  let latin = 0;
  let cyrillic = 0;
  let hebrew = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) latin++;
    else if (c >= 0x400 && c <= 0x4ff) cyrillic++;
    else if (c >= 0x5d0 && c <= 0x5ea) hebrew++;
  }
  const max = Math.max(latin, cyrillic, hebrew);
  if (max === 0) return 'und';
  if (hebrew === max) return 'he';
  if (cyrillic === max) {
    const uk = text.match(UKRAINIAN_ONLY)?.length ?? 0;
    const ru = text.match(RUSSIAN_ONLY)?.length ?? 0;
    return uk > ru ? 'uk' : 'ru';
  }
  return 'en';
}

/** True when `value` is one of the languages the knowledge base stores. */
export function isKbLanguage(value: string): value is KbLanguage {
  return value === 'en' || value === 'ru' || value === 'uk' || value === 'he' || value === 'und';
}
