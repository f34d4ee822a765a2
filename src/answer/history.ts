/**
 * Conversation history of one call, bounded by turns and characters, kept as plain data so it
 * can live in a machine's context and be serialized.
 *
 * @module
 */
import type { ChatMessage } from '../providers/llm/llm-provider.js';

/** Bounds of a call's history. */
export interface HistoryLimits {
  /** Most user+assistant turns kept (default 6). */
  maxTurns: number;
  /** Most characters kept over all messages (default 4000). */
  maxChars: number;
}

/** Default history bounds. */
export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxTurns: 6, maxChars: 4000 };

/** A call's history: plain, serializable data. */
export interface History {
  messages: ChatMessage[];
}

/** An empty history. */
export function emptyHistory(): History {
  return { messages: [] };
}

/**
 * Returns a new history with `message` appended and the oldest messages dropped until the
 * bounds hold. The result always starts with a user message (Anthropic requires it), and a
 * single message longer than `maxChars` is cut to its last `maxChars` characters.
 *
 * @example
 * ```ts
 * let h = emptyHistory();
 * h = appendMessage(h, { role: 'user', content: 'Are you open?' });
 * h = appendMessage(h, { role: 'assistant', content: 'Yes, until seven.' });
 * ```
 */
export function appendMessage(
  history: History,
  message: ChatMessage,
  limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
): History {
  const content =
    message.content.length > limits.maxChars
      ? message.content.slice(message.content.length - limits.maxChars)
      : message.content;
  const messages = [...history.messages, { role: message.role, content }];
  let chars = messages.reduce((n, m) => n + m.content.length, 0);
  let userTurns = messages.filter((m) => m.role === 'user').length;
  while (
    messages.length > 1 &&
    (userTurns > limits.maxTurns || chars > limits.maxChars || messages[0]!.role !== 'user')
  ) {
    const dropped = messages.shift()!;
    chars -= dropped.content.length;
    if (dropped.role === 'user') userTurns--;
  }
  if (messages.length === 1 && messages[0]!.role !== 'user') messages.shift();
  return { messages };
}

/** Appends a whole turn (the caller's question and the bot's answer). */
export function appendTurn(
  history: History,
  question: string,
  answer: string,
  limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
): History {
  const withQuestion = appendMessage(history, { role: 'user', content: question }, limits);
  return answer.trim()
    ? appendMessage(withQuestion, { role: 'assistant', content: answer }, limits)
    : withQuestion;
}
