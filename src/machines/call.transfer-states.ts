/**
 * The `transferring` state of the conversation: handing the caller to a person.
 *
 * The request names one of the business's transfer targets (or gets the default one), and the
 * target says which modes it offers and what the caller hears. Blind: `announcing` ("connecting
 * you") -> `handingOff` (continue in the dialplan, or redirect) -> the call ends with reason
 * `transferred`. Attended: `announcing` -> `holding` (the caller's music on hold plays from
 * here until the bridge) { `ringing` (the agent's leg is dialled; a hold prompt, when the
 * target has one, is spoken again and again) -> `connectingAgent` (the caller steps out of the
 * bot's bridge, the agent in) -> `tellingAgent` (a one-sentence summary, spoken to the agent
 * alone) } -> `bridging` (hold stopped, the caller back in, then the bot leaves) -> ended,
 * `transferred`. When the agent
 * does not answer in time, is busy, hangs up before the bridge, or a step fails: `returning`
 * (the agent's leg goes, the caller rejoins) -> `apologizing` -> listening. No transfer
 * configured: `apologizing` at once. A hang-up of the caller ends the call from every
 * sub-state (the `active` state's handler); the telephony side's own hang-up after the hand-off
 * (reason `transferred`) ends it as transferred.
 *
 * @module
 */
import { callSetup, requestedTarget, transferPhrase } from './call.setup.js';

const RETURNING = '#call.active.conversation.transferring.returning';
const BRIDGING = '#call.active.conversation.transferring.attended.bridging';
const transferred = { type: 'end', params: { reason: 'transferred' } } as const;
const failed = (actor: string) => ({ type: 'fail', params: { actor } }) as const;

/** Speaks the transfer announcement (not interruptible), then goes to `next`. */
function announcing(next: string) {
  return callSetup.createStateConfig({
    invoke: {
      id: 'transferAnnouncement',
      src: 'speak',
      input: ({ context }) => ({
        callId: context.callId,
        phrase: { text: transferPhrase(context, 'announcement') },
        language: context.language,
        format: context.format,
        interruptible: false,
      }),
      onDone: next,
      onError: { target: next, actions: failed('transferAnnouncement') },
    },
  });
}

const target = ({
  context,
}: {
  context: { callId: string; transferRequest?: { target?: string } };
}) => ({
  callId: context.callId,
  ...(context.transferRequest?.target !== undefined
    ? { target: context.transferRequest.target }
    : {}),
});

const blindState = callSetup.createStateConfig({
  initial: 'announcing',
  states: {
    announcing: announcing('handingOff'),
    handingOff: {
      invoke: {
        id: 'transferBlind',
        src: 'transferBlind',
        input: target,
        onDone: { target: '#call.ended', actions: transferred },
        onError: { target: RETURNING, actions: failed('transferBlind') },
      },
    },
  },
});

const attendedState = callSetup.createStateConfig({
  initial: 'announcing',
  invoke: {
    id: 'watchAgent',
    src: 'watchAgent',
    input: ({ context }) => ({ callId: context.callId }),
    onError: { target: RETURNING, actions: failed('watchAgent') },
  },
  on: {
    'transfer.agent.hangup': RETURNING,
  },
  states: {
    announcing: announcing('holding'),
    holding: {
      initial: 'ringing',
      invoke: {
        id: 'holdCaller',
        src: 'holdCaller',
        input: ({ context }) => {
          const hold = requestedTarget(context)?.hold;
          return {
            callId: context.callId,
            ...(hold && 'music' in hold ? { music: hold.music } : {}),
          };
        },
        onError: { actions: failed('holdCaller') },
      },
      states: {
        ringing: {
          initial: 'quiet',
          invoke: {
            id: 'dialAgent',
            src: 'dialAgent',
            input: target,
            onDone: 'connectingAgent',
            onError: { target: RETURNING, actions: failed('dialAgent') },
          },
          states: {
            quiet: { always: { guard: 'holdPrompt', target: 'prompting' } },
            prompting: {
              invoke: {
                id: 'holdPrompt',
                src: 'speak',
                input: ({ context }) => ({
                  callId: context.callId,
                  phrase: { text: transferPhrase(context, 'hold') },
                  language: context.language,
                  format: context.format,
                  interruptible: false,
                }),
                onDone: 'pausing',
                onError: { target: 'pausing', actions: failed('holdPrompt') },
              },
            },
            pausing: { after: { holdPromptRepeat: 'prompting' } },
          },
        },
        connectingAgent: {
          invoke: {
            id: 'connectAgent',
            src: 'connectAgent',
            input: ({ context }) => ({ callId: context.callId }),
            onDone: 'tellingAgent',
            onError: { target: RETURNING, actions: failed('connectAgent') },
          },
        },
        tellingAgent: {
          invoke: {
            id: 'tellAgent',
            src: 'speak',
            input: ({ context }) => ({
              callId: context.callId,
              phrase: { text: context.transferRequest?.summary ?? '' },
              language: context.language,
              format: context.format,
              interruptible: false,
            }),
            onDone: BRIDGING,
            onError: { target: BRIDGING, actions: failed('tellAgent') },
          },
        },
      },
    },
    bridging: {
      invoke: {
        id: 'bridgeTransfer',
        src: 'bridgeTransfer',
        input: ({ context }) => ({ callId: context.callId }),
        onDone: { target: '#call.ended', actions: transferred },
        onError: { target: RETURNING, actions: failed('bridgeTransfer') },
      },
    },
  },
});

/** The `transferring` state of the conversation region. */
export const transferringState = callSetup.createStateConfig({
  initial: 'choosing',
  on: {
    'media.hangup': { guard: 'handedOff', target: '#call.ended', actions: transferred },
  },
  states: {
    choosing: {
      always: [
        { guard: 'attendedTransfer', target: 'attended' },
        { guard: 'blindTransfer', target: 'blind' },
        { target: 'apologizing' },
      ],
    },
    blind: blindState,
    attended: attendedState,
    returning: {
      invoke: {
        id: 'resumeCaller',
        src: 'resumeCaller',
        input: ({ context }) => ({ callId: context.callId }),
        onDone: 'apologizing',
        onError: { target: 'apologizing', actions: failed('resumeCaller') },
      },
    },
    apologizing: {
      invoke: {
        id: 'transferApology',
        src: 'speak',
        input: ({ context }) => ({
          callId: context.callId,
          phrase: { text: transferPhrase(context, 'noAnswer') },
          language: context.language,
          format: context.format,
        }),
        onDone: '#call.active.conversation.listening',
        onError: {
          target: '#call.active.conversation.listening',
          actions: failed('transferApology'),
        },
      },
    },
  },
});
