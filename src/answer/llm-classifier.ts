/**
 * The LLM routing classifier, asked only when the heuristics are unsure: one short streamed
 * call to a (cheap) model that answers SIMPLE or COMPLEX.
 *
 * @module
 */
import { ParseError } from '../errors.js';
import type { LlmProvider } from '../providers/llm/llm-provider.js';
import type { ModelTier } from './heuristics.js';

/** Classifies a phrase into a tier; aborting `signal` cancels the HTTP request. */
export type PhraseClassifier = (phrase: string, signal: AbortSignal) => Promise<ModelTier>;

/** The classifier's system prompt. */
export const CLASSIFIER_PROMPT = `You route phone calls to a small shop. Reply with exactly one word.
SIMPLE: one short factual question (hours, address, price, availability, order status, yes/no).
COMPLEX: placing or changing an order, complaints, comparisons or advice, several questions, or anything that needs reasoning.`;

/**
 * Creates a classifier that asks `provider`.
 *
 * @example
 * ```ts
 * const classify = createLlmClassifier(cheapModel);
 * await classify('tell me about your sourdough', signal); // 'cheap' or 'strong'
 * ```
 */
export function createLlmClassifier(provider: LlmProvider): PhraseClassifier {
  return async (phrase, signal) => {
    let text = '';
    for await (const chunk of provider.stream({
      system: CLASSIFIER_PROMPT,
      messages: [{ role: 'user', content: phrase }],
      maxTokens: 3,
      temperature: 0,
      signal,
    })) {
      if (chunk.type === 'text') text += chunk.text;
    }
    const word = text.trim().toUpperCase();
    if (word.startsWith('SIMPLE')) return 'cheap';
    if (word.startsWith('COMPLEX')) return 'strong';
    throw new ParseError(
      `${provider.provider} classifier`,
      `unexpected answer "${text.slice(0, 40)}"`,
    );
  };
}
