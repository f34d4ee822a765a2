/**
 * The `speak` actor: speaks one fixed phrase or a text through the call's playback queue,
 * cached audio first. It resolves after the phrase's last frame (also when a barge-in or
 * hang-up stopped the queue, which also ends its synthesis) and rejects when synthesis failed
 * or produced no audio, or the call plays another format: one result, one failure path.
 * Stopping the actor aborts the synthesis and drops its audio at once. When the greeting becomes audible is told by the
 * playback queue, through the `media` actor, not by this actor.
 *
 * @module
 */
import { fromPromise } from 'xstate';
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
  const { playback } = deps;
  return fromPromise<void, SpeakInput>(async ({ input, signal }) => {
    if (playback.format !== input.format) {
      throw new Error(`format mismatch: call plays ${playback.format}, asked for ${input.format}`);
    }
    const isPhrase = typeof input.phrase === 'string';
    const text =
      typeof input.phrase === 'string'
        ? phraseText(input.phrase, input.language, deps.phraseVars)
        : input.phrase.text;
    const kind: PlaybackKind = isPhrase ? 'prompt' : 'answer';
    let onEnd: (reason: PlaybackEndReason) => void = () => {};
    const ended = new Promise<PlaybackEndReason>((resolve) => (onEnd = resolve));
    const item = playback.open(kind, {
      interruptible: input.interruptible ?? true,
      label: isPhrase ? String(input.phrase) : 'text',
      onEnd,
    });
    const stop = () => item.cancel();
    signal.addEventListener('abort', stop, { once: true });
    const finished = new AbortController();
    try {
      const played = synthesizeInto(deps.tts, item, text, {
        language: input.language,
        format: input.format,
        signal: AbortSignal.any([signal, finished.signal]),
      }).then(({ bytes }) => {
        if (bytes === 0) throw new Error('synthesis produced no audio');
        return ended;
      });
      await Promise.race([ended, played]);
      signal.throwIfAborted();
    } catch (err) {
      if (!signal.aborted && !isAbortError(err)) {
        item.cancel();
        const message = err instanceof Error ? err.message : String(err);
        deps.logger?.warn({ callId: input.callId, err: message }, 'speak failed');
      }
      throw err;
    } finally {
      finished.abort();
      signal.removeEventListener('abort', stop);
    }
  });
}
