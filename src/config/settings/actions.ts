/**
 * Settings of the call's actions: answering-machine detection on outbound calls. (Transfer
 * targets are business configuration, in the business data's `transfer`: docs/actions.md.)
 *
 * @module
 */
import { bool, oneOf, setting, text } from '../kinds.js';

const AMD = 'amd';

/** Answering-machine detection variables. */
export const ACTION_SETTINGS = {
  VOXSTATE_AMD: setting(bool, {
    group: AMD,
    default: false,
    description:
      '`voxstate call`: classify the callee as a person or an answering machine from the first seconds before the greeting',
  }),
  VOXSTATE_AMD_PARAMS: setting(text, {
    group: AMD,
    defaultDoc: "Asterisk's defaults (`2500,1500,800,5000,100,50,3,256,5000`)",
    description:
      "AMD()'s parameters in its argument order: initialSilence, greeting, afterGreetingSilence, totalAnalysisTime, minimumWordLength, betweenWordsSilence, maximumNumberOfWords, silenceThreshold, maximumWordLength (ms)",
  }),
  VOXSTATE_AMD_NOISE_FLOOR: setting(bool, {
    group: AMD,
    default: true,
    description: 'also count frames near the line noise floor as silence (measured: +9% accuracy)',
  }),
  VOXSTATE_AMD_BEEP: setting(bool, {
    group: AMD,
    default: true,
    description: 'a beep heard before the decision means MACHINE',
  }),
  VOXSTATE_AMD_ON_MACHINE: setting(oneOf(['message', 'hangup']), {
    group: AMD,
    default: 'hangup',
    description:
      '`message`: wait for the beep (or the silence after the greeting) and leave `VOXSTATE_AMD_MESSAGE`, then hang up; `hangup`: hang up at once',
  }),
  VOXSTATE_AMD_MESSAGE: setting(text, {
    group: AMD,
    description: 'the message left on an answering machine (required with `message`)',
  }),
};
