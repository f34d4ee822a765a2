/**
 * Clear action requests in a caller's phrase ("can I talk to a person", "that's all, bye") in
 * English, Russian, Ukrainian and Hebrew, which the offline answerer maps to the built-in
 * tools `transfer_call` and `end_call`.
 *
 * @module
 */
import type { Language } from '../text/language.js';
import { ACTION_KEYWORDS, type ActionIntent } from './intent-keywords.js';

const HEBREW = /[\u0590-\u05FF]/;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PATTERNS = (Object.keys(ACTION_KEYWORDS) as ActionIntent[]).map((intent) => {
  const parts = ACTION_KEYWORDS[intent].map((k) =>
    HEBREW.test(k) ? escapeRegExp(k) : `(?<![\\p{L}\\p{N}])${escapeRegExp(k)}`,
  );
  return [intent, new RegExp(parts.join('|'), 'iu')] as const;
});

/** The action the phrase clearly asks for (a transfer wins over an ending), if any. */
export function detectActionIntent(phrase: string): ActionIntent | undefined {
  const lower = phrase.toLowerCase().replace(/[’`]/g, "'");
  return PATTERNS.find(([, re]) => re.test(lower))?.[0];
}

/** What the bot says before a transfer. */
export const TRANSFER_PHRASES: Record<Language, string> = {
  en: 'Of course, I am connecting you to a person now.',
  ru: 'Конечно, соединяю вас с сотрудником.',
  uk: 'Звісно, з’єдную вас із працівником.',
  he: 'בוודאי, אני מעביר אותך לנציג.',
};
