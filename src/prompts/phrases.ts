/**
 * The bot's fixed phrases in every supported language (English, Russian, Ukrainian, Hebrew):
 * greetings, fillers, goodbye, apology, "didn't catch that", "are you still there?" and the
 * fallback when a turn's budget runs out. They are static text so that their audio can be
 * pre-warmed into the TTS cache and played at once.
 *
 * @module
 */
/** The fixed phrases the bot speaks from cache. */
export type PhraseKey =
  | 'greeting'
  | 'goodbye'
  | 'apology'
  | 'didNotCatch'
  | 'stillThere'
  | 'budgetExceeded'
  | 'timeUp';

/** Every {@link PhraseKey}. */
export const PHRASE_KEYS: readonly PhraseKey[] = [
  'greeting',
  'goodbye',
  'apology',
  'didNotCatch',
  'stillThere',
  'budgetExceeded',
  'timeUp',
];

/** Values filled into phrases. */
export interface PhraseVars {
  /** The business the line belongs to, spoken in the greeting. */
  businessName?: string;
}

interface LanguagePhrases {
  greeting: (businessName: string | undefined) => string;
  fixed: Record<Exclude<PhraseKey, 'greeting'>, string>;
  /** Short, each one phrase, so that one never has to be cut. */
  fillers: readonly string[];
}

const PHRASES: Record<string, LanguagePhrases> = {
  en: {
    greeting: (b) =>
      b ? `Hello, you've reached ${b}. How can I help you?` : 'Hello! How can I help you?',
    fixed: {
      goodbye: 'Thank you for calling. Goodbye!',
      apology: "I'm sorry, something went wrong on my side. Could you say that once more?",
      didNotCatch: "Sorry, I didn't catch that. Could you say it again?",
      stillThere: 'Are you still there?',
      budgetExceeded:
        "I'm sorry, I can't answer that right now. Is there anything else I can help with?",
      timeUp: "I'm sorry, we've run out of time for this call. Thank you, and goodbye!",
    },
    fillers: [
      'One moment...',
      'Let me check...',
      'Just a second...',
      'Let me see...',
      'One second...',
    ],
  },
  ru: {
    greeting: (b) =>
      b ? `Здравствуйте! Вы позвонили в ${b}. Чем могу помочь?` : 'Здравствуйте! Чем могу помочь?',
    fixed: {
      goodbye: 'Спасибо за звонок. До свидания!',
      apology: 'Извините, у меня что-то пошло не так. Повторите, пожалуйста, ещё раз.',
      didNotCatch: 'Простите, не расслышала. Повторите, пожалуйста.',
      stillThere: 'Вы ещё на линии?',
      budgetExceeded: 'Извините, сейчас я не могу ответить на этот вопрос. Чем ещё могу помочь?',
      timeUp: 'К сожалению, время звонка истекло. Спасибо и до свидания!',
    },
    fillers: [
      'Секундочку...',
      'Сейчас проверю...',
      'Одну минуту...',
      'Минуточку...',
      'Так, смотрю...',
    ],
  },
  uk: {
    greeting: (b) =>
      b
        ? `Добрий день! Ви зателефонували до ${b}. Чим можу допомогти?`
        : 'Добрий день! Чим можу допомогти?',
    fixed: {
      goodbye: 'Дякую за дзвінок. До побачення!',
      apology: 'Вибачте, у мене щось пішло не так. Повторіть, будь ласка, ще раз.',
      didNotCatch: 'Перепрошую, не розчула. Повторіть, будь ласка.',
      stillThere: 'Ви ще на лінії?',
      budgetExceeded: 'Вибачте, зараз я не можу відповісти на це питання. Чим ще можу допомогти?',
      timeUp: 'На жаль, час дзвінка вичерпано. Дякую і до побачення!',
    },
    fillers: [
      'Секундочку...',
      'Зараз перевірю...',
      'Хвилинку...',
      'Одну хвилинку...',
      'Так, дивлюся...',
    ],
  },
  he: {
    greeting: (b) => (b ? `שלום, הגעתם ל${b}. איך אפשר לעזור?` : 'שלום! איך אפשר לעזור?'),
    fixed: {
      goodbye: 'תודה שהתקשרתם. להתראות!',
      apology: 'סליחה, משהו השתבש אצלי. אפשר לחזור על זה שוב?',
      didNotCatch: 'סליחה, לא שמעתי טוב. אפשר לחזור על זה?',
      stillThere: 'אתם עדיין על הקו?',
      budgetExceeded: 'סליחה, אין לי אפשרות לענות על זה כרגע. אפשר לעזור במשהו אחר?',
      timeUp: 'מצטערים, הזמן לשיחה הסתיים. תודה ולהתראות!',
    },
    fillers: ['רגע אחד...', 'רק שנייה...', 'מיד אבדוק...', 'רגע, בודקים...', 'שנייה אחת...'],
  },
};

/** Languages that have phrases. */
export const PHRASE_LANGUAGES: readonly string[] = Object.keys(PHRASES);

/** The phrase language for a language tag: `ru-RU` -> `ru`; anything unknown -> `en`. */
export function phraseLanguage(language: string): string {
  const base = language.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return base in PHRASES ? base : 'en';
}

function table(language: string): LanguagePhrases {
  return PHRASES[phraseLanguage(language)] as LanguagePhrases;
}

/**
 * The text of a fixed phrase.
 *
 * @example
 * ```ts
 * phraseText('greeting', 'ru', { businessName: 'Стоматология «Улыбка»' });
 * phraseText('still_there', 'he'); // 'אתם עדיין על הקו?'
 * ```
 */
export function phraseText(key: PhraseKey, language: string, vars: PhraseVars = {}): string {
  const t = table(language);
  return key === 'greeting' ? t.greeting(vars.businessName?.trim() || undefined) : t.fixed[key];
}

/** The filler phrases of a language. */
export function fillerTexts(language: string): readonly string[] {
  return table(language).fillers;
}

/**
 * Every phrase of a language, as pre-warm synthesizes them: the greeting for each business name
 * (and the generic one), the fillers and the other fixed phrases.
 */
export function allPhraseTexts(language: string, businessNames: readonly string[] = []): string[] {
  const texts = new Set<string>();
  texts.add(phraseText('greeting', language));
  for (const businessName of businessNames) {
    texts.add(phraseText('greeting', language, { businessName }));
  }
  for (const filler of fillerTexts(language)) texts.add(filler);
  for (const key of PHRASE_KEYS) if (key !== 'greeting') texts.add(phraseText(key, language));
  return [...texts];
}
