/**
 * The compact system prompt (about 800 characters) used for the greeting and the first turn:
 * role, greeting behaviour, the essential facts and the voice style. It is prebuilt before the
 * call is answered, so a model's first token comes fast (seed 004: 0.4 s instead of 1.5 s for
 * the full prompt).
 *
 * @module
 */
import { type BusinessData, businessAddress, businessName } from './business.js';
import { LANGUAGE_NAMES } from './language-names.js';
import { clip, type PromptOptions } from './prompt-options.js';

/** Greeting behaviour for the direction of the call. */
export function greetingRule(options: PromptOptions): string {
  if (options.direction === 'outbound') {
    const why = options.purpose ? ` about ${clip(options.purpose, 80)}` : '';
    return `This is an outbound call: you speak first. Say who you are and that you are calling${why}, in one sentence, then listen.`;
  }
  return options.greeted === false
    ? 'Greet the caller in one short sentence and ask how you can help.'
    : 'The caller has just been greeted; do not greet again, just help.';
}

/** The first policy, clipped, as one more essential fact. */
function keyPolicy(business: BusinessData): string {
  const p = business.policies[0];
  return p
    ? ` ${clip(`${p.topic.charAt(0).toUpperCase()}${p.topic.slice(1)}: ${p.text}`, 110)}`
    : '';
}

/**
 * Builds the compact system prompt (target about 800 characters).
 *
 * @example
 * ```ts
 * const compact = buildCompactPrompt(business, { language: 'en' });
 * registry.set(callId, { prompt: compact, variant: 'compact' });
 * ```
 */
export function buildCompactPrompt(business: BusinessData, options: PromptOptions = {}): string {
  const language = options.language ?? business.languages[0] ?? 'en';
  const name = businessName(business, language);
  const who = business.botName ? `You are ${business.botName}, the` : 'You are the';
  const langs = business.languages.map((l) => LANGUAGE_NAMES[l]).join(', ');
  return [
    `${who} phone assistant of ${name}, a ${business.kind}. ${greetingRule(options)}`,
    `Facts: ${clip(business.description, 160)} Address: ${clip(businessAddress(business, language), 90)}. Hours: ${clip(business.hours.join('; '), 120)}. Phone: ${business.phone}.${keyPolicy(business)}`,
    'Voice style: you are heard, not read. One or two short spoken sentences, plain words; no lists, markdown, emoji or links. Say numbers and times as people say them.',
    `Answer in the caller's language (${langs}); start in ${LANGUAGE_NAMES[language]}. If you are unsure, say so and give the phone number. Never invent prices or facts.`,
  ].join('\n');
}
