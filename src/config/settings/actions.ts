/**
 * Settings of the call's actions: transfer to a person (blind and attended) and
 * answering-machine detection on outbound calls.
 *
 * @module
 */
import { bool, duration, int, oneOf, setting, text } from '../kinds.js';

const TRANSFER = 'transfer';
const AMD = 'amd';

/** Transfer and answering-machine detection variables. */
export const ACTION_SETTINGS = {
  VOXSTATE_TRANSFER_CONTEXT: setting(text, {
    group: TRANSFER,
    default: 'default',
    description: 'blind transfer into the dialplan: the context the caller continues in',
  }),
  VOXSTATE_TRANSFER_EXTENSION: setting(text, {
    group: TRANSFER,
    description:
      'blind transfer into the dialplan: the extension (e.g. a queue or a ring group); unset and no redirect endpoint: blind transfer is off',
  }),
  VOXSTATE_TRANSFER_PRIORITY: setting(int(1), {
    group: TRANSFER,
    default: 1,
    description: 'blind transfer into the dialplan: the priority',
  }),
  VOXSTATE_TRANSFER_REDIRECT_ENDPOINT: setting(text, {
    group: TRANSFER,
    description:
      'blind transfer by redirect (SIP 302/REFER) to this endpoint, e.g. `PJSIP/200`; wins over the dialplan target',
  }),
  VOXSTATE_TRANSFER_AGENT_ENDPOINT: setting(text, {
    group: TRANSFER,
    description:
      "attended transfer: the agent's endpoint the bot dials, e.g. `PJSIP/agent-100`; unset: attended transfer is off",
  }),
  VOXSTATE_TRANSFER_RING_TIMEOUT_MS: setting(duration('ms', 1_000), {
    group: TRANSFER,
    default: 20_000,
    description: 'attended transfer: how long the agent may ring before the bot comes back',
  }),
  VOXSTATE_TRANSFER_ANNOUNCEMENT: setting(text, {
    group: TRANSFER,
    default: 'Please hold, I am connecting you with a colleague.',
    description: 'what the caller hears before a transfer',
  }),
  VOXSTATE_TRANSFER_NO_ANSWER: setting(text, {
    group: TRANSFER,
    default: 'I am sorry, nobody could take your call right now. How else can I help?',
    description: 'what the caller hears when the agent does not answer (or the transfer fails)',
  }),
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
