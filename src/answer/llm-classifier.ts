/**
 * The LLM routing classifier, asked only when the heuristics are unsure: one short streamed
 * call to a (cheap) model that answers SIMPLE or COMPLEX.
 *
 * @module
 */
import { ParseError } from '../errors.js';
import type { LlmProvider, LlmUsage } from '../providers/llm/llm-provider.js';
import type { ModelTier } from './heuristics.js';

/** The token usage of one classifier request, with the model that served it. */
export interface ClassifierUsage {
  provider: string;
  model: string;
  usage: LlmUsage;
}

/**
 * Classifies a phrase into a tier; aborting `signal` cancels the HTTP request. `onUsage` is told
 * the request's token usage when the model reports it (once per request), for the cost ledger.
 */
export type PhraseClassifier = (
  phrase: string,
  signal: AbortSignal,
  onUsage?: (usage: ClassifierUsage) => void,
) => Promise<ModelTier>;

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
  return async (phrase, signal, onUsage) => {
    let text = '';
    for await (const chunk of provider.stream({
      system: CLASSIFIER_PROMPT,
      messages: [{ role: 'user', content: phrase }],
      maxTokens: 3,
      temperature: 0,
      signal,
    })) {
      if (chunk.type === 'text') text += chunk.text;
      else if (chunk.type === 'usage') {
        onUsage?.({ provider: provider.provider, model: provider.model, usage: chunk.usage });
      }
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
