/**
 * The call machine: one actor per phone call.
 *
 * `greeting -> listening -> thinking (filler + prefetch) -> answering (streamed) -> listening`,
 * with a parallel `prompt` region that upgrades the system prompt from compact to full once the
 * greeting has ended. A hang-up ends the call from any state, and leaving a state stops every
 * actor and timer it started. All I/O lives in child actors that the runtime provides with
 * `callMachine.provide({ actors })`; their contracts are in `src/actors/contracts.ts`.
 *
 * @module
 */
import { callEndTransition, dtmfTransitions, repeatingState } from './call.action-states.js';
import { callSetup, initialCallContext } from './call.setup.js';
import { goodbyeState, greetingState, phraseState } from './call.speech-states.js';
import { transferringState } from './call.transfer-states.js';
import { answeringState, listeningState, thinkingState } from './call.turn-states.js';

export { boundHistory, initialCallContext, promptVariant } from './call.setup.js';

/**
 * The call statechart. Provide real actors before running it.
 *
 * @example
 * ```ts
 * const machine = callMachine.provide({ actors: createCallActors(deps) });
 * const call = createActor(machine, {
 *   input: { callId, direction: 'inbound', language: 'en', format: 'slin16' },
 * });
 * call.start();
 * ```
 */
export const callMachine = callSetup.createMachine({
  id: 'call',
  context: ({ input }) => initialCallContext(input),
  initial: 'active',
  output: ({ context }) => ({
    callId: context.callId,
    endReason: context.endReason ?? 'hangup',
    turns: context.turns,
    bargeIns: context.bargeIns,
    greeting: context.greeting,
  }),
  states: {
    active: {
      type: 'parallel',
      invoke: [
        {
          id: 'media',
          src: 'media',
          input: ({ context }) => ({ callId: context.callId, format: context.format }),
          onError: {
            target: 'ended',
            actions: [
              { type: 'fail', params: { actor: 'media' } },
              { type: 'end', params: { reason: 'error' } },
            ],
          },
        },
        {
          id: 'endpointing',
          src: 'endpointing',
          input: ({ context }) => ({ callId: context.callId, language: context.language }),
          onError: {
            target: 'ended',
            actions: [
              { type: 'fail', params: { actor: 'endpointing' } },
              { type: 'end', params: { reason: 'error' } },
            ],
          },
        },
      ],
      on: {
        'media.hangup': { target: 'ended', actions: { type: 'end', params: { reason: 'hangup' } } },
        'media.dtmf': dtmfTransitions,
        'call.end': callEndTransition,
      },
      states: {
        conversation: {
          initial: 'greeting',
          after: {
            maxCallDuration: {
              guard: 'notSayingGoodbye',
              target: '.goodbye',
              actions: { type: 'end', params: { reason: 'max_duration' } },
            },
          },
          on: {
            'call.transfer': {
              guard: 'mayTransfer',
              target: '.transferring',
              actions: 'keepTransferRequest',
            },
          },
          states: {
            greeting: greetingState,
            listening: listeningState,
            thinking: thinkingState,
            answering: answeringState,
            reprompt: {
              entry: 'countSilencePrompt',
              ...phraseState('reprompt', 'stillThere', 'listening'),
            },
            didNotCatch: {
              entry: 'countNotUnderstood',
              ...phraseState('didNotCatch', 'didNotCatch', 'listening'),
            },
            apology: phraseState('apology', 'apology', 'listening'),
            goodbye: goodbyeState,
            repeating: repeatingState,
            transferring: transferringState,
          },
        },
        prompt: {
          initial: 'compact',
          states: {
            compact: {
              on: { 'greeting.ended': 'upgrading' },
            },
            upgrading: {
              invoke: {
                id: 'upgradePrompt',
                src: 'upgradePrompt',
                input: ({ context }) => ({ callId: context.callId }),
                onDone: 'full',
                onError: {
                  target: 'compactOnly',
                  actions: { type: 'fail', params: { actor: 'upgradePrompt' } },
                },
              },
            },
            full: {},
            compactOnly: {},
          },
        },
      },
    },
    ended: {
      type: 'final',
    },
  },
});

/** The call machine's type, for helpers and tests. */
export type CallMachine = typeof callMachine;
