/**
 * The call machine's actions region: what a built-in tool's `call.end` does (goodbye, then the
 * call ends), what keypad digits do (a person, the last answer again, the end of a typed number,
 * the end of the call) and the `repeating` state that speaks the last answer again. A
 * `call.transfer` (from `transfer_call` or a digit) is raised for the transfer states.
 *
 * @module
 */
import { and } from 'xstate';
import { callSetup } from './call.setup.js';

const CONVERSATION = '#call.active.conversation';

const digitDoes = (action: 'transfer' | 'repeat' | 'end_call' | 'submit') =>
  and([{ type: 'digitDoes', params: { action } }, 'notSayingGoodbye']);

/** `media.dtmf` on the active call: the configured digit action, else the digit is typed. */
export const dtmfTransitions = [
  { guard: digitDoes('transfer'), actions: ['recordDtmf', 'raiseDigitTransfer'] },
  {
    guard: digitDoes('end_call'),
    actions: ['recordDtmf', { type: 'raiseCallEnd', params: { reason: 'dtmf' } }],
  },
  {
    guard: and([digitDoes('repeat'), 'hasLastAnswer']),
    target: `${CONVERSATION}.repeating`,
    actions: 'recordDtmf',
  },
  {
    guard: and([digitDoes('submit'), 'keypadHasDigits']),
    target: `${CONVERSATION}.thinking.retrieving`,
    actions: ['recordDtmf', 'submitKeypad'],
  },
  { actions: ['recordDtmf', 'typeKeypad'] },
] as const;

/** `call.end` (the `end_call` tool, a digit, the offline answerer): goodbye, then the end. */
export const callEndTransition = {
  guard: 'notSayingGoodbye',
  target: `${CONVERSATION}.goodbye`,
  actions: { type: 'end', params: { reason: 'end_call' } },
} as const;

/** The answer asked for an action (a built-in tool): record the turn, then raise it. */
export const answerActionTransition = {
  guard: 'answerHasAction',
  actions: [
    {
      type: 'recordTurn',
      params: ({ event }: { event: { output: { text: string } } }) => ({
        answer: event.output.text,
      }),
    },
    'raiseAnswerAction',
  ],
} as const;

/** Speaks the last answer again (a `repeat` digit); caller speech interrupts it. */
export const repeatingState = callSetup.createStateConfig({
  invoke: {
    id: 'repeat',
    src: 'speak',
    input: ({ context }) => ({
      callId: context.callId,
      phrase: { text: context.history.findLast((m) => m.role === 'assistant')?.content ?? '' },
      language: context.language,
      format: context.format,
    }),
    onDone: `${CONVERSATION}.listening`,
    onError: {
      target: `${CONVERSATION}.listening`,
      actions: { type: 'fail', params: { actor: 'repeat' } },
    },
  },
  on: {
    'media.speech.start': `${CONVERSATION}.listening.hearing`,
  },
});
