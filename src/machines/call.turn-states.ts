/**
 * The turn states of the call machine's conversation region: `listening`, `thinking` (filler,
 * embedding prefetch and transcription start together at the end of speech, then retrieval)
 * and `answering` (streamed sentence by sentence; caller speech barges in).
 *
 * @module
 */
import { and } from 'xstate';
import { answerActionTransition } from './call.action-states.js';
import { callSetup } from './call.setup.js';

const CONVERSATION = '#call.active.conversation';
const HEARING = `${CONVERSATION}.listening.hearing`;

/**
 * Waiting for the caller; silence is reprompted, then ends the call. The `preempt` child hands
 * the turn's context to the call's preemptive answers (an answer may start on a finished
 * partial; nothing plays before the machine reaches `answering`).
 */
export const listeningState = callSetup.createStateConfig({
  initial: 'waiting',
  entry: 'clearTurn',
  invoke: {
    id: 'preempt',
    src: 'preemptAnswer',
    input: ({ context }) => ({
      callId: context.callId,
      history: context.history,
      language: context.language,
    }),
    onError: { actions: { type: 'fail', params: { actor: 'preempt' } } },
  },
  states: {
    waiting: {
      after: {
        maxSilence: [
          { guard: 'mayRepromptSilence', target: `${CONVERSATION}.reprompt` },
          {
            target: `${CONVERSATION}.goodbye`,
            actions: { type: 'end', params: { reason: 'max_silence' } },
          },
        ],
      },
      on: { 'media.speech.start': 'hearing' },
    },
    hearing: {
      entry: 'resetSilencePrompts',
    },
  },
  on: { 'media.speech.end': `${CONVERSATION}.thinking` },
});

/** From the end of speech to retrieved passages, with a filler playing. */
export const thinkingState = callSetup.createStateConfig({
  initial: 'transcribing',
  invoke: [
    {
      id: 'filler',
      src: 'playFiller',
      input: ({ context }) => ({
        callId: context.callId,
        language: context.language,
        format: context.format,
      }),
      onError: { actions: { type: 'fail', params: { actor: 'filler' } } },
    },
    {
      id: 'prefetch',
      src: 'prefetchEmbedding',
      input: ({ context }) => ({ callId: context.callId, language: context.language }),
      onError: { actions: { type: 'fail', params: { actor: 'prefetch' } } },
    },
  ],
  on: {
    'media.speech.start': { target: HEARING, actions: 'countBargeIn' },
  },
  states: {
    transcribing: {
      invoke: {
        id: 'transcribe',
        src: 'transcribe',
        input: ({ context, event }) => ({
          callId: context.callId,
          utteranceId:
            event.type === 'media.speech.end' ? event.utteranceId : context.pendingUtterance,
          language: context.language,
        }),
        onDone: [
          {
            guard: and(['transcriptEmpty', 'tooManyNotUnderstood']),
            target: `${CONVERSATION}.goodbye`,
            actions: ['countNotUnderstood', { type: 'end', params: { reason: 'not_understood' } }],
          },
          { guard: 'transcriptEmpty', target: `${CONVERSATION}.didNotCatch` },
          {
            target: 'retrieving',
            actions: [
              {
                type: 'keepTranscript',
                params: ({ event }) => ({
                  text: event.output.text.trim(),
                  language: event.output.language,
                }),
              },
              {
                type: 'forwardTranscript',
                params: ({ event }) => ({
                  text: event.output.text.trim(),
                  language: event.output.language,
                }),
              },
            ],
          },
        ],
        onError: {
          target: `${CONVERSATION}.apology`,
          actions: { type: 'fail', params: { actor: 'transcribe' } },
        },
      },
    },
    retrieving: {
      invoke: {
        id: 'retrieve',
        src: 'retrieve',
        input: ({ context }) => ({
          callId: context.callId,
          query: context.utterance,
          language: context.language,
        }),
        onDone: {
          target: `${CONVERSATION}.answering`,
          actions: {
            type: 'keepPassages',
            params: ({ event }) => ({ passages: event.output.passages, layer: event.output.layer }),
          },
        },
        onError: {
          target: `${CONVERSATION}.answering`,
          actions: ['dropPassages', { type: 'fail', params: { actor: 'retrieve' } }],
        },
      },
    },
  },
});

/** The answer streams into speech; caller speech stops it (barge-in). */
export const answeringState = callSetup.createStateConfig({
  invoke: {
    id: 'answer',
    src: 'streamAnswer',
    input: ({ context }) => ({
      callId: context.callId,
      query: context.utterance,
      passages: context.passages,
      history: context.history,
      language: context.language,
      format: context.format,
    }),
    onDone: [
      answerActionTransition,
      {
        guard: 'lastTurn',
        target: `${CONVERSATION}.goodbye`,
        actions: [
          { type: 'recordTurn', params: ({ event }) => ({ answer: event.output.text }) },
          { type: 'end', params: { reason: 'max_turns' } },
        ],
      },
      {
        target: `${CONVERSATION}.listening`,
        actions: { type: 'recordTurn', params: ({ event }) => ({ answer: event.output.text }) },
      },
    ],
    onError: {
      target: `${CONVERSATION}.apology`,
      actions: { type: 'fail', params: { actor: 'answer' } },
    },
  },
  on: {
    'media.speech.start': { target: HEARING, actions: 'countBargeIn' },
  },
});
