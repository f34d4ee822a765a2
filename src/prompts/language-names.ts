/**
 * Names of the supported languages, as written in English inside system prompts.
 *
 * @module
 */
import type { Language } from '../text/language.js';

/** English names of the languages, for prompts. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  ru: 'Russian',
  uk: 'Ukrainian',
  he: 'Hebrew',
};
