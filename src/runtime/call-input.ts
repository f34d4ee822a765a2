/**
 * What one call starts with, assembled from the runtime's configuration and the call's endpoint:
 * its language (one the business speaks), its prompts (the compact one for the greeting, the
 * full one built later) and the call machine's input (limits, barge-in, keypad digits,
 * the business's transfer targets). Pure functions: the runtime starts the call with what they return.
 *
 * @module
 */
import type { BusinessActions } from '../answer/tool-config.js';
import type { CallEndpoint } from '../calls/session.js';
import type { CallInput } from '../machines/call.types.js';
import type { BusinessData } from '../prompts/business.js';
import { CallPrompts } from '../prompts/call-prompts.js';
import { buildCompactPrompt } from '../prompts/compact-prompt.js';
import { buildFullPrompt } from '../prompts/full-prompt.js';
import { isLanguage, type Language } from '../text/language.js';
import type { RuntimeConfig } from './config.js';

/** The call's language: the endpoint's when the business speaks it, else the business's first. */
export function callLanguage(language: string | undefined, business: BusinessData): Language {
  const short = language?.slice(0, 2).toLowerCase();
  if (short && isLanguage(short) && business.languages.includes(short)) return short;
  return business.languages[0] ?? 'en';
}

/** The call's prompts, built for its language, direction and (outbound) purpose. */
export function callPrompts(
  business: BusinessData,
  call: { language: Language; direction: CallEndpoint['direction']; purpose?: string | undefined },
): CallPrompts {
  const options = {
    language: call.language,
    direction: call.direction,
    ...(call.purpose ? { purpose: call.purpose } : {}),
  };
  return new CallPrompts(
    () => buildCompactPrompt(business, options),
    () => buildFullPrompt(business, options),
  );
}

/** The call machine's input for one call. */
export function callMachineInput(
  call: { callId: string; direction: CallEndpoint['direction']; language: Language },
  config: RuntimeConfig,
  actions: BusinessActions,
): CallInput {
  return {
    callId: call.callId,
    direction: call.direction,
    language: call.language,
    format: 'slin16',
    limits: config.limits,
    bargeInOnGreeting: config.bargeInOnGreeting,
    digitActions: actions.digits,
    ...(actions.transfer ? { transfer: actions.transfer } : {}),
  };
}
