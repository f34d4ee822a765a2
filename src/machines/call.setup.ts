/**
 * The call machine's `setup()`: types, the actors it needs (placeholders until the runtime
 * provides them), and its named actions, guards and delays. The states are built on it in
 * `call.machine.ts` and the region files beside it.
 *
 * @module
 */
import { and, assign, not, raise, sendTo, setup, stateIn } from 'xstate';
import type { CallActors } from '../actors/contracts.js';
import { unprovidedCallback, unprovidedPromise } from '../actors/unprovided.js';
import type { DigitAction } from '../answer/tool-config.js';
import {
  TRANSFER_DEFAULTS,
  type TransferTarget,
  transferModeAt,
  transferTargetOf,
} from '../answer/transfer-config.js';
import type { CallActionEvent } from '../calls/events.js';
import {
  type CallContext,
  type CallEvent,
  type CallInput,
  type CallOutput,
  DEFAULT_LIMITS,
  type EndReason,
  type GreetingStatus,
  type Passage,
  type PromptVariant,
} from './call.types.js';

const MAX_DTMF = 32;
/** Passages a turn keeps for its answer. */
const MAX_PASSAGES = 5;

/** Appends messages to a history and keeps only the last `max`. */
export function boundHistory<T>(history: readonly T[], add: readonly T[], max: number): T[] {
  const next = [...history, ...add];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** The initial context for a call's input. */
export function initialCallContext(input: CallInput): CallContext {
  return {
    callId: input.callId,
    direction: input.direction,
    language: input.language,
    format: input.format,
    limits: { ...DEFAULT_LIMITS, ...input.limits },
    bargeInOnGreeting: input.bargeInOnGreeting ?? false,
    maxHistory: input.maxHistory ?? 8,
    greeting: 'pending',
    turns: 0,
    silencePrompts: 0,
    notUnderstood: 0,
    bargeIns: 0,
    utterance: '',
    pendingUtterance: '',
    passages: [],
    retrievalLayer: '',
    history: [],
    dtmf: '',
    digitActions: input.digitActions ?? {},
    keypad: '',
    ...(input.transfer ? { transfer: input.transfer } : {}),
  };
}

const actors = {
  media: unprovidedCallback('media'),
  endpointing: unprovidedCallback('endpointing'),
  preemptAnswer: unprovidedCallback('preemptAnswer'),
  speak: unprovidedPromise('speak'),
  playFiller: unprovidedCallback('playFiller'),
  prefetchEmbedding: unprovidedCallback('prefetchEmbedding'),
  transcribe: unprovidedPromise('transcribe'),
  retrieve: unprovidedPromise('retrieve'),
  streamAnswer: unprovidedPromise('streamAnswer'),
  upgradePrompt: unprovidedPromise('upgradePrompt'),
  transferBlind: unprovidedPromise('transferBlind'),
  dialAgent: unprovidedPromise('dialAgent'),
  connectAgent: unprovidedPromise('connectAgent'),
  watchAgent: unprovidedCallback('watchAgent'),
  bridgeTransfer: unprovidedPromise('bridgeTransfer'),
  resumeCaller: unprovidedPromise('resumeCaller'),
  holdCaller: unprovidedCallback('holdCaller'),
} satisfies CallActors as CallActors;

/** The transfer target the current request names (or the default one); undefined: none. */
export function requestedTarget(context: CallContext): TransferTarget | undefined {
  return transferTargetOf(context.transfer, context.transferRequest?.target);
}

/** What the caller hears before a transfer, when it fails, and while the agent rings. */
export function transferPhrase(
  context: CallContext,
  which: 'announcement' | 'noAnswer' | 'hold',
): string {
  const target = requestedTarget(context);
  if (which === 'hold') return target?.hold && 'prompt' in target.hold ? target.hold.prompt : '';
  return target?.[which] ?? TRANSFER_DEFAULTS[which];
}

/** Reads `output.action` of the answer's done event without trusting its shape. */
function answerAction(event: unknown): CallActionEvent | undefined {
  const action = (event as { output?: { action?: CallActionEvent } }).output?.action;
  return action && (action.type === 'call.end' || action.type === 'call.transfer')
    ? action
    : undefined;
}

/** Reads `output.text` of a done event without trusting its shape. */
function outputText(event: unknown): string {
  const output = (event as { output?: { text?: unknown } }).output;
  return typeof output?.text === 'string' ? output.text.trim() : '';
}

/** The typed `setup()` every part of the call machine is built on. */
export const callSetup = setup({
  types: {
    context: {} as CallContext,
    events: {} as CallEvent,
    input: {} as CallInput,
    output: {} as CallOutput,
  },
  actors: { ...actors },
  actions: {
    end: assign((_, params: { reason: EndReason }) => ({ endReason: params.reason })),
    fail: assign(({ event }, params: { actor: string }) => {
      const err = (event as { error?: unknown }).error;
      const message = err instanceof Error ? err.message : String(err ?? 'failed');
      return { lastError: { actor: params.actor, message } };
    }),
    greetingOutcome: assign((_, params: { status: GreetingStatus }) => ({
      greeting: params.status,
    })),
    greetingEnded: raise({ type: 'greeting.ended' }),
    countSilencePrompt: assign({ silencePrompts: ({ context }) => context.silencePrompts + 1 }),
    resetSilencePrompts: assign({ silencePrompts: 0 }),
    countNotUnderstood: assign({ notUnderstood: ({ context }) => context.notUnderstood + 1 }),
    countBargeIn: assign({ bargeIns: ({ context }) => context.bargeIns + 1 }),
    recordDtmf: assign({
      dtmf: ({ context, event }) =>
        event.type === 'media.dtmf' ? (context.dtmf + event.digit).slice(-MAX_DTMF) : context.dtmf,
    }),
    clearTurn: assign({ utterance: '', passages: [], retrievalLayer: '', pendingUtterance: '' }),
    keepPendingUtterance: assign({
      pendingUtterance: ({ context, event }) =>
        event.type === 'media.speech.end' ? event.utteranceId : context.pendingUtterance,
    }),
    keepTranscript: assign((_, params: { text: string; language: string | undefined }) =>
      params.language
        ? { utterance: params.text, language: params.language, notUnderstood: 0 }
        : { utterance: params.text, notUnderstood: 0 },
    ),
    forwardTranscript: sendTo('prefetch', (_, params: { text: string; language?: string }) => ({
      type: 'stt.final' as const,
      text: params.text,
      ...(params.language ? { language: params.language } : {}),
    })),
    keepPassages: assign((_, params: { passages: Passage[]; layer: string }) => ({
      passages: params.passages.slice(0, MAX_PASSAGES),
      retrievalLayer: params.layer,
    })),
    dropPassages: assign({ passages: [], retrievalLayer: 'failed' }),
    recordTurn: assign(({ context }, params: { answer: string }) => ({
      turns: context.turns + 1,
      history: boundHistory(
        context.history,
        [
          { role: 'user' as const, content: context.utterance },
          { role: 'assistant' as const, content: params.answer },
        ],
        context.maxHistory,
      ),
    })),
    raiseAnswerAction: raise(({ event }) => {
      const action = answerAction(event);
      return action ?? { type: 'call.end' as const, reason: 'missing_action' };
    }),
    raiseCallEnd: raise((_, params: { reason: string }) => ({
      type: 'call.end' as const,
      reason: params.reason,
    })),
    raiseDigitTransfer: raise(({ event, context }) => {
      const digit = event.type === 'media.dtmf' ? event.digit : '';
      const configured = context.digitActions[digit];
      const target = configured?.action === 'transfer' ? configured.target : undefined;
      return {
        type: 'call.transfer' as const,
        ...(target ? { target } : {}),
        summary: `The caller pressed ${digit} to reach a person.`,
      };
    }),
    typeKeypad: assign({
      keypad: ({ context, event }) =>
        event.type === 'media.dtmf'
          ? (context.keypad + event.digit).slice(-MAX_DTMF)
          : context.keypad,
    }),
    submitKeypad: assign(({ context }) => ({
      utterance: `The caller typed on the keypad: ${context.keypad}`,
      keypad: '',
      passages: [],
      retrievalLayer: '',
    })),
    keepTransferRequest: assign({
      transferRequest: ({ context, event }) =>
        event.type === 'call.transfer'
          ? {
              summary: event.summary,
              ...(event.mode !== undefined ? { mode: event.mode } : {}),
              ...(event.target !== undefined ? { target: event.target } : {}),
            }
          : context.transferRequest,
    }),
  },
  guards: {
    isInbound: ({ context }) => context.direction === 'inbound',
    heardDuringGreeting: ({ context }) => context.pendingUtterance !== '',
    bargeInOnGreeting: ({ context }) => context.bargeInOnGreeting,
    mayRepromptSilence: ({ context }) => context.silencePrompts < context.limits.maxSilencePrompts,
    lastTurn: ({ context }) => context.turns + 1 >= context.limits.maxTurns,
    transcriptEmpty: ({ event }) => outputText(event) === '',
    tooManyNotUnderstood: ({ context }) =>
      context.notUnderstood + 1 >= context.limits.maxNotUnderstood,
    notSayingGoodbye: not(stateIn('#call.active.conversation.goodbye')),
    answerHasAction: ({ event }) => answerAction(event) !== undefined,
    digitDoes: ({ context, event }, params: { action: DigitAction['action'] }) =>
      event.type === 'media.dtmf' && context.digitActions[event.digit]?.action === params.action,
    keypadHasDigits: ({ context }) => context.keypad !== '',
    hasLastAnswer: ({ context }) => context.history.some((m) => m.role === 'assistant'),
    mayTransfer: and([
      not(stateIn('#call.active.conversation.goodbye')),
      not(stateIn('#call.active.conversation.transferring')),
    ]),
    attendedTransfer: ({ context }) => {
      const target = requestedTarget(context);
      return (
        target !== undefined && transferModeAt(target, context.transferRequest?.mode) === 'attended'
      );
    },
    blindTransfer: ({ context }) => requestedTarget(context)?.blind !== undefined,
    holdPrompt: ({ context }) => {
      const hold = requestedTarget(context)?.hold;
      return hold !== undefined && 'prompt' in hold;
    },
    handedOff: ({ event }) => event.type === 'media.hangup' && event.reason === 'transferred',
  },
  delays: {
    maxSilence: ({ context }) => context.limits.maxSilenceMs,
    maxCallDuration: ({ context }) => context.limits.maxCallMs,
    holdPromptRepeat: ({ context }) => {
      const hold = requestedTarget(context)?.hold;
      return hold && 'prompt' in hold ? hold.repeatMs : 8000;
    },
  },
});

/**
 * The system prompt a turn that starts now uses, read from the state value (the `prompt`
 * region is in `full` once the upgrade has built the full prompt).
 */
export function promptVariant(snapshot: {
  matches(value: { active: { prompt: 'full' } }): boolean;
}): PromptVariant {
  return snapshot.matches({ active: { prompt: 'full' } }) ? 'full' : 'compact';
}
