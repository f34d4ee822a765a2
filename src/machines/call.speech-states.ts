/**
 * States of the call machine's conversation region that speak one fixed phrase (reprompt,
 * apology, "didn't catch that", goodbye) and the greeting.
 *
 * @module
 */
import type { PhraseKey } from '../prompts/phrases.js';
import { callSetup } from './call.setup.js';

const LISTEN_AGAIN = '#call.active.conversation.listening.hearing';

/**
 * A state that speaks `phrase` and then goes to `next`; caller speech interrupts it and is
 * listened to at once.
 */
export function phraseState(id: string, phrase: PhraseKey, next: string) {
  return callSetup.createStateConfig({
    invoke: {
      id,
      src: 'speak',
      input: ({ context }) => ({
        callId: context.callId,
        phrase,
        language: context.language,
        format: context.format,
      }),
      onDone: next,
      onError: { target: next, actions: { type: 'fail', params: { actor: id } } },
    },
    on: {
      'media.speech.start': LISTEN_AGAIN,
    },
  });
}

/** The goodbye: not interruptible, then the call ends. */
export const goodbyeState = callSetup.createStateConfig({
  invoke: {
    id: 'goodbye',
    src: 'speak',
    input: ({ context }) => ({
      callId: context.callId,
      phrase: context.endReason === 'max_duration' ? ('timeUp' as const) : ('goodbye' as const),
      language: context.language,
      format: context.format,
      interruptible: false,
    }),
    onDone: '#call.ended',
    onError: { target: '#call.ended', actions: { type: 'fail', params: { actor: 'goodbye' } } },
  },
});

const spoken = { type: 'greetingOutcome', params: { status: 'spoken' } } as const;
const failed = [
  { type: 'greetingOutcome', params: { status: 'failed' } },
  { type: 'fail', params: { actor: 'greeting' } },
] as const;

/**
 * The greeting. Outbound calls: the bot speaks first and is not interrupted (unless
 * configured). Inbound: if the caller speaks before the greeting is audible (`pending`, until
 * the media actor reports `media.greeting.audible`), listen first. Leaving it, any way, raises
 * `greeting.ended`, which lets the prompt upgrade start.
 */
export const greetingState = callSetup.createStateConfig({
  initial: 'pending',
  exit: 'greetingEnded',
  invoke: {
    id: 'greeting',
    src: 'speak',
    input: ({ context }) => ({
      callId: context.callId,
      phrase: 'greeting' as const,
      language: context.language,
      format: context.format,
      interruptible: context.bargeInOnGreeting,
    }),
    onDone: [
      { guard: 'heardDuringGreeting', target: 'thinking', actions: spoken },
      { target: 'listening', actions: spoken },
    ],
    onError: [
      { guard: 'heardDuringGreeting', target: 'thinking', actions: failed },
      { target: 'listening', actions: failed },
    ],
  },
  on: {
    'media.speech.end': { actions: 'keepPendingUtterance' },
  },
  states: {
    pending: {
      on: {
        'media.greeting.audible': 'speaking',
        'media.speech.start': {
          guard: 'isInbound',
          target: LISTEN_AGAIN,
          actions: { type: 'greetingOutcome', params: { status: 'skipped' } },
        },
      },
    },
    speaking: {
      on: {
        'media.speech.start': {
          guard: 'bargeInOnGreeting',
          target: LISTEN_AGAIN,
          actions: [spoken, 'countBargeIn'],
        },
      },
    },
  },
});
