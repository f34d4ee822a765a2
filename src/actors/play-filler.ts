/**
 * The `playFiller` actor: while the bot thinks, plays one short filler phrase from the cache
 * ("One moment...", "Секундочку..."), never the same one twice in a row in a call and not again
 * until the others were used. It sends nothing to the machine: it emits progress for the call's
 * timeline, `filler.started` when its first frame has been sent and `filler.done` when it ended
 * (played, overtaken at a phrase boundary by the answer, or stopped by a barge-in);
 * `filler.failed` when it could not be synthesized. Stopping the actor lets a
 * phrase that is playing finish (never cut mid-word) and drops it if it has not started, unless
 * it is next in line and starts within a short grace period (transcription and retrieval can
 * end before a cached phrase's first frame; the answer then joins at its boundary).
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { FillerEvent } from '../calls/events.js';
import { ConfigError, isAbortError } from '../errors.js';
import type { PlaybackQueue } from '../media/playback-queue.js';
import { FillerPicker } from '../speech/fillers.js';
import type { TtsService } from '../speech/tts-service.js';
import type { Logger } from '../telemetry/logger.js';
import type { FillerInput } from './contracts.js';
import { synthesizeInto } from './synthesize-into.js';

/**
 * How long a filler that is next in line but has not started yet may still start after the
 * actor was stopped (thinking ended before its first frame), ms.
 */
const FILLER_GRACE_MS = 60;

/** Dependencies of {@link createPlayFillerActor}. */
export interface PlayFillerDeps {
  /** The call's playback queue. */
  playback: PlaybackQueue;
  tts: TtsService;
  /** [0, 1) source for the filler choice; injectable for tests. */
  random?: () => number;
  logger?: Logger;
}

/**
 * Creates the `playFiller` actor logic of one call. The fillers used in the call are remembered
 * here, so they are forgotten with the call.
 *
 * @example
 * ```ts
 * const playFiller = createPlayFillerActor({ playback: session.playback, tts });
 * callMachine.provide({ actors: { playFiller } });
 * ```
 */
export function createPlayFillerActor(deps: PlayFillerDeps) {
  const byLanguage = new Map<string, FillerPicker>();
  const pick = (language: string): string => {
    let picker = byLanguage.get(language);
    if (!picker) {
      picker = new FillerPicker(language, deps.random);
      byLanguage.set(language, picker);
    }
    return picker.next();
  };

  return fromCallback<EventObject, FillerInput, FillerEvent>(({ input, emit }) => {
    let stopped = false;
    const send = (event: FillerEvent) => {
      if (!stopped) emit(event);
    };
    const { playback } = deps;
    if (playback.format !== input.format) {
      throw new ConfigError(
        `filler format mismatch: call plays ${playback.format}, asked for ${input.format}`,
      );
    }
    const text = pick(input.language);
    const controller = new AbortController();
    let onEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => (onEnded = resolve));
    const item = playback.open('filler', {
      label: 'filler',
      onStart: () => {
        onEnded();
        send({ type: 'filler.started' });
      },
      onEnd: (reason) => {
        onEnded();
        if (reason !== 'cancelled') send({ type: 'filler.done' });
      },
    });
    void (async () => {
      try {
        await synthesizeInto(deps.tts, item, text, {
          language: input.language,
          format: input.format,
          signal: controller.signal,
        });
      } catch (err) {
        item.cancel();
        if (stopped || isAbortError(err)) return;
        const error = err instanceof Error ? err.message : String(err);
        deps.logger?.warn({ callId: input.callId, err: error }, 'filler failed');
        send({ type: 'filler.failed', error });
      }
    })();
    return () => {
      stopped = true;
      if (item.state === 'playing') {
        // Let the phrase finish: its synthesis keeps feeding it and the queue plays it out.
        item.cancel({ finishCurrent: true });
        return;
      }
      if (
        item.state === 'queued' &&
        playback.current === undefined &&
        playback.pending[0] === item
      ) {
        // Thinking ended before the (cached) phrase's first frame: it is next in line, so it
        // still plays unless answer audio is ready first (the queue's boundary join skips it),
        // but only if it starts within the grace period.
        const timer = setTimeout(() => {
          if (item.state === 'queued') {
            controller.abort();
            item.cancel();
          }
        }, FILLER_GRACE_MS);
        void ended.then(() => clearTimeout(timer));
        return;
      }
      controller.abort();
      item.cancel();
    };
  });
}
