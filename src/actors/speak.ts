/**
 * The `speak` actor: speaks one fixed phrase or a text through the call's playback queue,
 * cached audio first. Sends `speak.started` when its first frame has been sent, `speak.done`
 * after its last frame (also when a barge-in or hang-up stopped the queue), `speak.failed` when
 * synthesis failed. Stopping the actor stops its audio at once and drops what is queued.
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { SpeakEvent } from '../calls/events.js';
import { isAbortError } from '../errors.js';
import type { PlaybackEndReason, PlaybackKind, PlaybackQueue } from '../media/playback-queue.js';
import { type PhraseVars, phraseText } from '../prompts/phrases.js';
import type { TtsService } from '../speech/tts-service.js';
import type { Logger } from '../telemetry/logger.js';
import type { SpeakInput } from './contracts.js';
import { synthesizeInto } from './synthesize-into.js';

/** Dependencies of {@link createSpeakActor}. */
export interface SpeakDeps {
  /** The call's playback queue. */
  playback: PlaybackQueue;
  tts: TtsService;
  /** Values for the call's phrases, such as the business name in the greeting. */
  phraseVars?: PhraseVars;
  logger?: Logger;
}

/**
 * Creates the `speak` actor logic.
 *
 * @example
 * ```ts
 * const speak = createSpeakActor({ playback: session.playback, tts });
 * callMachine.provide({ actors: { speak } });
 * // invoked with { callId, phrase: 'greeting', language: 'ru', format: 'ulaw' }
 * ```
 */
export function createSpeakActor(deps: SpeakDeps) {
  return fromCallback<EventObject, SpeakInput, SpeakEvent>(({ input, sendBack }) => {
    let stopped = false;
    const send = (event: SpeakEvent) => {
      if (!stopped) sendBack(event);
    };
    const { playback } = deps;
    if (playback.format !== input.format) {
      const error = `format mismatch: call plays ${playback.format}, asked for ${input.format}`;
      queueMicrotask(() => send({ type: 'speak.failed', error }));
      return () => {
        stopped = true;
      };
    }
    const isPhrase = typeof input.phrase === 'string';
    const text =
      typeof input.phrase === 'string'
        ? phraseText(input.phrase, input.language, deps.phraseVars)
        : input.phrase.text;
    const kind: PlaybackKind = isPhrase ? 'prompt' : 'answer';
    const controller = new AbortController();
    let audible = false;
    const item = playback.open(kind, {
      interruptible: input.interruptible ?? true,
      label: isPhrase ? String(input.phrase) : 'text',
      onStart: () => send({ type: 'speak.started' }),
      onEnd: (reason: PlaybackEndReason) => {
        if (reason === 'cancelled') return;
        if (!audible && reason === 'played') return;
        send({ type: 'speak.done' });
      },
    });
    void (async () => {
      try {
        const { bytes } = await synthesizeInto(deps.tts, item, text, {
          language: input.language,
          format: input.format,
          signal: controller.signal,
          onFirstAudio: () => {
            audible = true;
          },
        });
        if (bytes === 0) throw new Error('synthesis produced no audio');
      } catch (err) {
        if (stopped || isAbortError(err)) return;
        item.cancel();
        const error = err instanceof Error ? err.message : String(err);
        deps.logger?.warn({ callId: input.callId, err: error }, 'speak failed');
        send({ type: 'speak.failed', error });
      }
    })();
    return () => {
      stopped = true;
      controller.abort();
      item.cancel();
    };
  });
}
