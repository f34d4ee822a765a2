/**
 * Stop words per language: the word lists of the `stopword` package (English, Russian,
 * Ukrainian, Hebrew) plus the words of a phone question that say nothing about its subject
 * (greetings, fillers, "can you tell me", question words, "do you have"). Both the keyword
 * index and the offline answerer drop them, so "можно", "у вас", "ви" or "do you" never outweigh
 * the word a caller is asking about.
 *
 * @module
 */
import stopword from 'stopword';
import type { Language } from './language.js';

/** Phone-question words with no subject of their own, per language (our own lists). */
const PHONE_WORDS: Record<Language, string> = {
  en: `what when where which who whom whose why how hi hello hey um uh er ah oh okay ok yeah yep
    yes no please thanks thank bye guys guy like
    just really actually wondering wonder wanted want wants need needs know tell ask asking question
    get got getting go going able possible somewhere something anything someone does doesn't did
    don't can can't could would will may might shall also maybe kind sort bit lot lots little
    i'm i've i'd i'll you're you've what's it's there's that's let's us am is are was were be
    been much many any whether either anyway quick quickly sure`,
  ru: `здравствуйте здрасьте привет алло добрый доброе доброго спасибо пожалуйста
    скажите подскажите расскажите девушка мужчина хочу хотел хотела хотели хотелось хочется
    нужно надо нужен нужна могу можете могли может можно ли вообще вот ну значит типа как-то
    ещё еще уже интересует интересуюсь узнать спросить вопрос сколько какой какая какое какие
    каких каким какую где когда куда откуда почему зачем есть у вас вам ваш ваша ваше ваши
    это этот эта эти то так да нет мне меня я мы вы`,
  uk: `добрий доброго добра вітаю привіт алло дякую будь ласка скажіть підкажіть
    розкажіть дівчино пане хочу хотів хотіла хотіли хотілося треба потрібно потрібен потрібна
    можу можете могли може можна чи взагалі ну значить типу якось ще вже цікавить дізнатися
    запитати спитати питання скільки який яка яке які яких яким яку де коли куди звідки чому
    навіщо є у в вас вам ваш ваша ваше ваші це цей ця ці то так да ні мені мене я ми ви`,
  he: `שלום היי הי תודה רבה בבקשה רציתי רוצה רוצים רוצות לדעת לשאול שאלה אפשר צריך צריכה
    צריכים יכול יכולה יכולים כמה מה איך למה מתי איפה יש אין לכם לך לי אתם אתן אצלכם אליכם
    שלכם גם עוד כן לא בסדר אוקיי טוב רק זה זאת אני`,
};

const LISTS: Record<Language, string[]> = {
  en: stopword.eng,
  ru: stopword.rus,
  uk: stopword.ukr,
  he: stopword.heb,
};

const SETS = new Map<Language, ReadonlySet<string>>(
  (Object.keys(LISTS) as Language[]).map((lang) => [
    lang,
    new Set(
      [...LISTS[lang], ...PHONE_WORDS[lang].split(/\s+/u)]
        .filter(Boolean)
        .map((w) => w.toLowerCase().replace(/ё/gu, 'е').replace(/[’ʼ]/gu, "'")),
    ),
  ]),
);

/**
 * The stop words of `lang`: lower case, `ё` written `е`, apostrophes as `'`.
 *
 * @example
 * ```ts
 * stopWords('ru').has('можно'); // true
 * ```
 */
export function stopWords(lang: Language): ReadonlySet<string> {
  return SETS.get(lang) ?? new Set();
}

/**
 * True when `word` (lower case) is a stop word of `lang`. Cyrillic words are checked against
 * the Russian and the Ukrainian lists together, since a caller's words and a chunk's language
 * do not always agree.
 */
export function isStopWord(word: string, lang: Language): boolean {
  if (lang === 'ru' || lang === 'uk') return SETS.get('ru')!.has(word) || SETS.get('uk')!.has(word);
  return SETS.get(lang)!.has(word);
}
