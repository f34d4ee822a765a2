/**
 * The call machine's actors for a call whose brain is `realtime`: the same states, other actors.
 * The greeting is the model's first response (the bot speaks first), the end of the caller's
 * speech commits the session's audio and starts the answer at once (`transcribe` waits for the
 * session's transcript of the turn), `retrieve` and the filler step aside (the model searches the
 * knowledge base with its tool and speaks itself), `streamAnswer` plays the response and, when it
 * is stopped (barge-in), tells the session how much of it the caller heard, and the prompt upgrade
 * becomes `session.update` with the full instructions. Each actor hands over to the cascade actor
 * of the same state once the session is gone ({@link RealtimeBrain.fallBack}); an answer the
 * session fails in the middle of is answered again by the cascade.
 *
 * @module
 */

import type { Registry } from 'prom-client';
import {
  type AnyEventObject,
  type CallbackActorLogic,
  type CallbackLogicFunction,
  type EventObject,
  fromCallback,
  fromPromise,
  type PromiseActorLogic,
} from 'xstate';
import type { CallActors } from '../actors/contracts.js';
import type { CallSession } from '../calls/session.js';
import { AbortedError, isAbortError } from '../errors.js';
import type { PlaybackItem } from '../media/playback-queue.js';
import type { Logger } from '../telemetry/logger.js';
import type { RealtimeBrain, ResponseHandle } from './realtime-brain.js';
import { sessionTurnsActor } from './realtime-turns.js';

/** Longest wait for the session's transcript of a caller turn, ms. */
const TRANSCRIPT_WAIT_MS = 1_500;
/** What a turn's transcript says when the session sends none (its transcription is off). */
export const UNTRANSCRIBED = '(speech)';

type Creator<O, I, E extends EventObject> = Parameters<typeof fromPromise<O, I, E>>[0];
type Callback<R extends EventObject, I, E extends EventObject> = CallbackLogicFunction<
  R,
  AnyEventObject,
  I,
  E
>;

/** The function a promise actor logic runs (to hand over to it from another actor). */
function run<O, I, E extends EventObject>(logic: PromiseActorLogic<O, I, E>): Creator<O, I, E> {
  return logic.config as Creator<O, I, E>;
}

/** The function a callback actor logic runs. */
function listen<R extends EventObject, I, E extends EventObject>(
  logic: CallbackActorLogic<R, I, E>,
): Callback<R, I, E> {
  return logic.config as Callback<R, I, E>;
}

/** Resolves with `value` after `ms` or when `signal` aborts, or earlier with the promise's value. */
function within<T>(promise: Promise<T>, ms: number, value: T, signal: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  return Promise.race([
    promise,
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(value), ms);
      onAbort = () => resolve(value);
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]).finally(() => {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  });
}

/** The promise's value, or an {@link AbortedError} as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedError(what));
  let onAbort = () => {};
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      onAbort = () => reject(new AbortedError(what));
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]).finally(() => signal.removeEventListener('abort', onAbort));
}

/**
 * Wraps a call's cascade actors with the realtime ones.
 *
 * @example
 * ```ts
 * const brain = new RealtimeBrain({ session, config: realtimeConfig, retrieve, logger });
 * const actors = realtimeCallActors(createCascadeActors(session, shared), session, brain);
 * ```
 */
export function realtimeCallActors(
  cascade: CallActors,
  session: CallSession,
  brain: RealtimeBrain,
  logger?: Logger,
  registry?: Registry,
): CallActors {
  const model = () => brain.live?.model ?? 'realtime';
  return {
    ...cascade,
    endpointing: sessionTurnsActor(cascade.endpointing, session, brain, registry),
    speak: fromPromise(async (args) => {
      const { input, signal } = args;
      if (input.phrase !== 'greeting') return run(cascade.speak)(args);
      const rt = await brain.ready();
      if (!rt || signal.aborted || brain.fellBack) return run(cascade.speak)(args);
      const handle = brain.respond(rt, {
        kind: 'prompt',
        label: 'greeting',
        interruptible: input.interruptible ?? true,
      });
      const stop = () => void brain.interrupt(handle);
      signal.addEventListener('abort', stop, { once: true });
      try {
        const result = await handle.done;
        session.log.add('greeting', {
          brain: 'realtime',
          text: result.heardText,
          ...(result.ended === 'played' ? {} : { interrupted: true }),
        });
      } catch (err) {
        if (signal.aborted || isAbortError(err)) throw err;
        return run(cascade.speak)(args);
      } finally {
        signal.removeEventListener('abort', stop);
      }
    }),
    preemptAnswer: fromCallback((args) =>
      brain.live ? undefined : listen(cascade.preemptAnswer)(args),
    ),
    playFiller: fromCallback((args) => (brain.live ? undefined : listen(cascade.playFiller)(args))),
    prefetchEmbedding: fromCallback((args) =>
      brain.live ? undefined : listen(cascade.prefetchEmbedding)(args),
    ),
    transcribe: fromPromise(async (args) => {
      const { input, signal } = args;
      const rt = brain.live;
      if (!rt) return run(cascade.transcribe)(args);
      const handle = brain.respond(rt, {
        kind: 'answer',
        label: 'realtime',
        commit: true,
        turnItem: brain.transcripts.turnItem(input.utteranceId),
      });
      const stop = () => void brain.interrupt(handle);
      signal.addEventListener('abort', stop, { once: true });
      let text: string | undefined;
      try {
        text = (await within(handle.callerText, TRANSCRIPT_WAIT_MS, undefined, signal))?.trim();
      } finally {
        signal.removeEventListener('abort', stop);
      }
      // The session failed before it heard the turn: the cascade transcribes the kept audio.
      if (!text && brain.fellBack) return run(cascade.transcribe)(args);
      session.takeUtterance(input.utteranceId);
      session.timeline.mark('transcript');
      const heard = text || UNTRANSCRIBED;
      if (!signal.aborted) session.turns.heard(heard, input.language);
      return {
        text: heard,
        engine: 'realtime',
        ...(input.language ? { language: input.language } : {}),
      };
    }),
    retrieve: fromPromise(async (args) =>
      brain.live
        ? { passages: [], layer: 'realtime', similarity: 0, waitedForPrefetchMs: 0 }
        : run(cascade.retrieve)(args),
    ),
    streamAnswer: fromPromise(async (args) => {
      const { signal, emit } = args;
      const handle: ResponseHandle | undefined = brain.take();
      if (!handle || !brain.live) return run(cascade.streamAnswer)(args);
      const stop = () => {
        void brain.interrupt(handle);
        // The turn log keeps the words the caller heard, as in cascade mode.
        handle.done.then(
          (r) => session.turns.stopped(r.heardText, model()),
          () => {},
        );
      };
      signal.addEventListener('abort', stop, { once: true });
      const unfollow = handle.onProgress((event) => emit(event));
      const onStart = (item: PlaybackItem) => {
        if (item === handle.item) emit({ type: 'answer.audio.started' });
      };
      if (handle.item.framesPlayed > 0) onStart(handle.item);
      else session.playback.on('item.started', onStart);
      try {
        const result = await handle.done;
        signal.throwIfAborted();
        if (result.ended !== 'played' && brain.fellBack) throw new Error('realtime session failed');
        session.turns.answered({ text: result.text, model: model(), pieces: 1 });
        const { action } = handle;
        return action
          ? { text: result.text, model: model(), action }
          : { text: result.text, model: model() };
      } catch (err) {
        if (signal.aborted || isAbortError(err)) throw err;
        logger?.warn(
          { callId: session.id, err: (err as Error).message },
          'realtime answer failed; answering the turn in cascade mode',
        );
        brain.fallBack('call', err);
        return run(cascade.streamAnswer)(args);
      } finally {
        unfollow();
        signal.removeEventListener('abort', stop);
        session.playback.off('item.started', onStart);
      }
    }),
    upgradePrompt: fromPromise(async (args) => {
      const rt = brain.live;
      if (!rt) return run(cascade.upgradePrompt)(args);
      const started = performance.now();
      const full = session.prompts.buildFull();
      // Stopped (hang-up): the actor ends now; the session's own close ends the request.
      const upgraded = rt.upgrade(full);
      upgraded.catch(() => {});
      await untilAborted(upgraded, args.signal, 'prompt upgrade');
      return { variant: 'full', chars: full.length, builtInMs: performance.now() - started };
    }),
  };
}
