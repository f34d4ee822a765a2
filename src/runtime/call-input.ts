/**
 * The call machine's input for one call: its id, direction and language, and what the runtime's
 * configuration and the business's actions say about limits, barge-in, keypad digits and
 * transfers.
 *
 * @module
 */
import type { BusinessActions } from '../answer/tool-config.js';
import type { CallInput } from '../machines/call.types.js';
import type { BusinessData } from '../prompts/business.js';
import { isLanguage, type Language } from '../text/language.js';
import type { RuntimeConfig } from './config.js';

/** Builds the input of a call's machine. */
export function callInput(
  config: RuntimeConfig,
  actions: BusinessActions,
  call: { callId: string; direction: 'inbound' | 'outbound'; language: Language },
): CallInput {
  return {
    ...call,
    format: 'slin16',
    limits: config.limits,
    bargeInOnGreeting: config.bargeInOnGreeting,
    digitActions: actions.digits,
    ...(actions.transfer ? { transfer: actions.transfer } : {}),
  };
}

/** The call's language: the line's, when the business speaks it, else the business's first. */
export function callLanguage(language: string | undefined, business: BusinessData): Language {
  const short = language?.slice(0, 2).toLowerCase();
  if (short && isLanguage(short) && business.languages.includes(short)) return short;
  return business.languages[0] ?? 'en';
}
