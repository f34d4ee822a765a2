/**
 * The caller languages voxstate knows (English, Russian, Ukrainian, Hebrew) and the one
 * detector of the language of a text, used for callers' phrases, knowledge-base chunks and
 * search queries alike. The script decides first (Hebrew, Cyrillic, Latin letters); Cyrillic
 * text is Ukrainian or Russian by weighing the letters only one of them has (і ї є ґ and the
 * apostrophe inside a word; ы э ъ ё) and frequent words only one of them uses ("що", "чи",
 * "можна"; "что", "можно", "сколько").
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

const UK_LETTERS = /[іїєґ]|(?<=[\u0400-\u04ff])['’ʼ](?=[\u0400-\u04ff])/giu;
const RU_LETTERS = /[ыэъё]/giu;
const CYRILLIC_WORD = /[\u0400-\u04ff]+/gu;

/** Frequent words (or word starts, ending in `-`) that only Ukrainian uses. */
const UK_WORDS = words(
  `що це цей ця як чи коли де ви ми ти вона вони його можна треба дуже але або теж зараз ласка
  дякую добрий який яка яке якщо також чому куди маю маєте має робите працю- замов- підкаж-
  хвилин- годин- неділ- субот- тижн- дитин- грн гривн-`,
);

/** Frequent words (or word starts) that only Russian uses. */
const RU_WORDS = words(
  `что это этот эта как когда где сколько вы мы ты она они его можно нужно надо очень но или
  тоже сейчас пожалуйста спасибо здравствуйте привет какой какая какое какие если поэтому также
  почему куда хотел- есть работа- закаж- заказ- подскаж- минут- воскрес- суббот- недел- ребен-
  руб-`,
);

interface WordList {
  exact: Set<string>;
  prefixes: string[];
}

function words(list: string): WordList {
  const all = list.split(/\s+/u).filter(Boolean);
  return {
    exact: new Set(all.filter((w) => !w.endsWith('-'))),
    prefixes: all.filter((w) => w.endsWith('-')).map((w) => w.slice(0, -1)),
  };
}

function hits(word: string, list: WordList): boolean {
  return list.exact.has(word) || list.prefixes.some((p) => word.startsWith(p));
}

/**
 * Ukrainian word endings: the infinitive (-ати, -ити, also reflexive; Russian has -ать, -ить)
 * and the verbal noun (-ння; Russian has -ние).
 */
const UK_ENDING = /.{3}(?:(?:ати|яти|ити|іти|їти)(?:ся|сь)?|нн(?:я|і|ю|ям))$/u;

/**
 * Ukrainian minus Russian evidence in Cyrillic text: own letters and Ukrainian word endings
 * count 1, distinctive words 2.
 */
function ukrainianEvidence(text: string): number {
  let score = (text.match(UK_LETTERS)?.length ?? 0) - (text.match(RU_LETTERS)?.length ?? 0);
  for (const [word] of text.toLowerCase().matchAll(CYRILLIC_WORD)) {
    if (hits(word, UK_WORDS)) score += 2;
    if (hits(word, RU_WORDS)) score -= 2;
    if (UK_ENDING.test(word)) score += 1;
  }
  return score;
}

/**
 * The language of `text` when its letters tell it, else undefined. `hint` (a language code,
 * e.g. the call's) settles Cyrillic text without Ukrainian or Russian marks; without a Cyrillic
 * hint such text is Russian.
 *
 * @example
 * ```ts
 * detectTextLanguage('Чи лікуєте ви діток?'); // 'uk'
 * detectTextLanguage('12:00'); // undefined
 * ```
 */
export function detectTextLanguage(text: string, hint?: string): Language | undefined {
  let hebrew = 0;
  let cyrillic = 0;
  let latin = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x5d0 && c <= 0x5ea) hebrew++;
    else if (c >= 0x400 && c <= 0x4ff) cyrillic++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f))
      latin++;
  }
  const max = Math.max(hebrew, cyrillic, latin);
  if (max === 0) return undefined;
  if (hebrew === max) return 'he';
  if (cyrillic === max) {
    const evidence = ukrainianEvidence(text);
    if (evidence !== 0) return evidence > 0 ? 'uk' : 'ru';
    return hint === 'uk' ? 'uk' : 'ru';
  }
  return 'en';
}

/**
 * The language of `text`: Hebrew letters -> `he`; Cyrillic -> `uk` or `ru` by their own letters
 * and words (see the module note; `fallback` breaks a tie when it is `uk`); Latin -> `en`. Text
 * without letters gets `fallback`.
 *
 * @example
 * ```ts
 * detectLanguage('Коли ви відкриті?'); // 'uk'
 * detectLanguage('Сколько стоит доставка?'); // 'ru'
 * ```
 */
export function detectLanguage(text: string, fallback: Language = 'en'): Language {
  return detectTextLanguage(text, fallback) ?? fallback;
}
