/**
 * The full system prompt (about 3,200 characters): everything in the compact prompt plus all
 * business facts, the policies, and the knowledge-base, order, hand-off and style rules. The
 * upgrade actor builds it after the greeting and swaps it in without blocking a turn.
 *
 * @module
 */
import { type BusinessData, businessAddress, businessName } from './business.js';
import { greetingRule } from './compact-prompt.js';
import { LANGUAGE_NAMES } from './language-names.js';
import { clip, type PromptOptions } from './prompt-options.js';

/** Longest the full prompt may grow; policies beyond it are left out (they are in the KB). */
export const FULL_PROMPT_MAX_CHARS = 3800;

const KB_RULES = `Knowledge base rules:
- A turn may carry passages from the knowledge base, numbered [1], [2]... Answer only from those passages and the facts above.
- If they do not contain the answer, say you are not sure and offer the phone number or a callback. A short honest "I don't know" is better than a guess.
- Never invent prices, stock, ingredients, allergens, delivery times or opening hours. Quote prices exactly as written.
- If a passage and the facts above disagree, the facts above win. Do not mention passages, numbers in brackets, documents or the knowledge base to the caller.`;

const ORDER_RULES = `Orders and bookings:
- Collect what, how many, when (pickup or delivery time) and the caller's name, one question at a time.
- Repeat the order back in one sentence and ask the caller to confirm. Say that staff will confirm it; never promise what the facts do not allow.
- Do not take card numbers or payments on the phone.`;

const STYLE_RULES = `Voice style:
- You are heard, not read: one or two short sentences, at most about 30 words, then stop and let the caller talk.
- Plain spoken words. No lists, markdown, emoji, links or special characters. Say numbers, prices, dates and times the way people say them aloud.
- Ask at most one question per turn. Do not repeat the greeting. Do not say you are an AI unless asked.
- If the caller interrupts, drop what you were saying and answer the new question.`;

/**
 * Builds the full system prompt (target about 3,200 characters).
 *
 * @example
 * ```ts
 * const full = buildFullPrompt(business, { language: 'ru' });
 * ```
 */
export function buildFullPrompt(business: BusinessData, options: PromptOptions = {}): string {
  const language = options.language ?? business.languages[0] ?? 'en';
  const name = businessName(business, language);
  const who = business.botName ? `You are ${business.botName}, the` : 'You are the';
  const langs = business.languages.map((l) => LANGUAGE_NAMES[l]).join(', ');
  const facts = [
    `About ${name}: ${clip(business.description, 400)}`,
    `Address: ${businessAddress(business, language)}.`,
    `Opening hours: ${business.hours.join('; ')}.`,
    `Phone: ${business.phone}.`,
    business.website ? `Website: ${business.website}.` : '',
    business.email ? `Email: ${business.email}.` : '',
    `Languages: ${langs}.`,
  ]
    .filter(Boolean)
    .join('\n');
  const handoff = `Hand-off to a person:
- Offer a person ${business.handoff.rule}. Give the number ${business.handoff.phone} or offer a callback.
- Complaints: apologise once, listen, collect the details and a callback number, and promise a callback from the manager. Do not argue and do not promise refunds yourself.
- Emergencies, allergies with a serious reaction or legal questions: do not advise; give the phone number at once.`;
  const language_rules = `Language: answer in the caller's language (${langs}); start in ${LANGUAGE_NAMES[language]}. If the caller switches language, switch with them. In Hebrew use plural or neutral forms when you do not know the caller's gender.`;
  const head = `${who} phone assistant of ${name}, a ${business.kind}. You help callers with questions, orders and bookings. ${greetingRule(options)}`;
  const sections = [head, `Business facts:\n${facts}`];
  const tail = [KB_RULES, ORDER_RULES, handoff, STYLE_RULES, language_rules];
  const fixed = [...sections, ...tail].join('\n\n').length + '\n\nPolicies:\n'.length;
  const policyLines: string[] = [];
  let room = FULL_PROMPT_MAX_CHARS - fixed;
  for (const p of business.policies) {
    const line = `- ${p.topic}: ${clip(p.text, 240)}`;
    if (line.length + 1 > room) break;
    policyLines.push(line);
    room -= line.length + 1;
  }
  if (policyLines.length > 0) sections.push(`Policies:\n${policyLines.join('\n')}`);
  return [...sections, ...tail].join('\n\n');
}
