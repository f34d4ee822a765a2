/**
 * How retrieved passages and the caller's question go into the LLM request: the passages are
 * numbered in the user message of this turn (the system prompt stays the same from turn to
 * turn, so providers can cache it).
 *
 * @module
 */

import type { Passage } from '../knowledge/types.js';
import type { Language } from '../text/language.js';

/** Most characters of passages put into one request. */
export const MAX_CONTEXT_CHARS = 3000;

const LANGUAGE_HINT: Record<Language, string> = {
  en: 'The caller speaks English.',
  ru: 'The caller speaks Russian; answer in Russian.',
  uk: 'The caller speaks Ukrainian; answer in Ukrainian.',
  he: 'The caller speaks Hebrew; answer in Hebrew.',
};

/** The user message for one turn: numbered passages, a language hint, then the question. */
export function buildTurnMessage(query: string, passages: Passage[], language: Language): string {
  const lines: string[] = [];
  let room = MAX_CONTEXT_CHARS;
  for (const [i, p] of passages.entries()) {
    const text = p.text.trim().replace(/\s+/g, ' ');
    if (text.length > room) break;
    lines.push(`[${i + 1}] ${text}`);
    room -= text.length;
  }
  const context = lines.length > 0 ? lines.join('\n') : '(no passage matched)';
  return `Knowledge base passages:\n${context}\n\n${LANGUAGE_HINT[language]}\nCaller: ${query}`;
}
