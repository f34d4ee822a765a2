/**
 * The static greeting per language, played from cached audio the moment the call is answered
 * (no LLM on the greeting path), and the phrases the bot says when it cannot answer.
 *
 * @module
 */
import type { Language } from '../text/language.js';
import { type BusinessData, businessName } from './business.js';

const GREETINGS: Record<Language, (name: string, bot?: string) => string> = {
  en: (n, b) => `Hello, you've reached ${n}${b ? `, this is ${b}` : ''}. How can I help you?`,
  ru: (n, b) =>
    `Здравствуйте, вы позвонили в ${n}${b ? `, меня зовут ${b}` : ''}. Чем могу помочь?`,
  uk: (n, b) =>
    `Добрий день, ви зателефонували до ${n}${b ? `, мене звати ${b}` : ''}. Чим можу допомогти?`,
  he: (n, b) => `שלום, הגעתם ל${n}${b ? `, מדברת ${b}` : ''}. איך אפשר לעזור?`,
};

/**
 * The static greeting for `language`: the business's own text when it has one, else a
 * generated one.
 *
 * @example
 * ```ts
 * staticGreeting(business, 'en'); // "Hello, you've reached Sunny Crust Bakery. How can I help you?"
 * ```
 */
export function staticGreeting(business: BusinessData, language: Language): string {
  return (
    business.greetings[language] ??
    GREETINGS[language](businessName(business, language), business.botName)
  );
}

/** Static greetings for every language the business speaks, for pre-warming the TTS cache. */
export function staticGreetings(
  business: BusinessData,
): Array<{ language: Language; text: string }> {
  return business.languages.map((language) => ({
    language,
    text: staticGreeting(business, language),
  }));
}

const DONT_KNOW: Record<Language, (phone: string) => string> = {
  en: (p) => `I'm sorry, I don't know that. You can reach our staff at ${p}.`,
  ru: (p) => `Извините, я этого не знаю. Вы можете позвонить нашим сотрудникам по номеру ${p}.`,
  uk: (p) =>
    `Вибачте, я цього не знаю. Ви можете зателефонувати нашим працівникам за номером ${p}.`,
  he: (p) => `סליחה, אני לא יודעת את זה. אפשר להתקשר לצוות שלנו במספר ${p}.`,
};

const CANNOT_NOW: Record<Language, (phone: string) => string> = {
  en: (p) => `I'm sorry, I can't answer that right now. Please call us at ${p}.`,
  ru: (p) => `Извините, сейчас я не могу ответить. Пожалуйста, позвоните нам по номеру ${p}.`,
  uk: (p) => `Вибачте, зараз я не можу відповісти. Будь ласка, зателефонуйте нам за номером ${p}.`,
  he: (p) => `סליחה, אני לא יכולה לענות על זה כרגע. אפשר להתקשר אלינו במספר ${p}.`,
};

/** "I don't know, here is our phone" in `language`. */
export function dontKnowPhrase(language: Language, phone: string): string {
  return DONT_KNOW[language](phone);
}

/** The spoken fallback when a turn cannot be answered (budget exceeded, every model failed). */
export function cannotAnswerPhrase(language: Language, phone: string): string {
  return CANNOT_NOW[language](phone);
}
