/**
 * Options shared by the compact and the full system prompt builders.
 *
 * @module
 */
import type { Language } from '../text/language.js';

/** Options of `buildCompactPrompt` and `buildFullPrompt`. */
export interface PromptOptions {
  /** The language to start in (the caller's, when known); default the business's first. */
  language?: Language;
  /** `outbound`: the bot speaks first and says why it calls. Default `inbound`. */
  direction?: 'inbound' | 'outbound';
  /** Why the bot calls, for outbound calls. */
  purpose?: string;
  /** Whether the static greeting was already played (default true). */
  greeted?: boolean;
}

/** Cuts `text` to at most `max` characters at a word boundary, adding an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[,;:.\s]+$/, '')}…`;
}
