/**
 * The `playFiller` actor: while the bot thinks, decides whether the caller needs a filler
 * phrase ("One moment...", "Секундочку...") and plays it, through the call's
 * {@link TurnFiller}: only when the answer has no audio ready a short delay after the end of the
 * turn, never the same phrase twice in a row in a call and not again until the others were
 * used. It sends nothing to the machine: it emits progress for the call's timeline,
 * `filler.started` when its first frame has been sent and `filler.done` when it ended (played,
 * overtaken at a phrase boundary by the answer, or stopped by a barge-in); `filler.failed` when
 * it could not be synthesized. When thinking ends, the answer actor takes the turn's filler
 * over; any other way out stops it (a phrase that is playing finishes, never cut mid-word).
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { FillerEvent } from '../calls/events.js';
import type { FillerInput } from './contracts.js';
import { TurnFiller, type TurnFillerDeps } from './turn-filler.js';

/** Dependencies of {@link createPlayFillerActor}. */
export interface PlayFillerDeps extends TurnFillerDeps {
  /** The call's filler, shared with the answer actor (default: one of its own). */
  turn?: TurnFiller;
}

/**
 * Creates the `playFiller` actor logic of one call. The fillers used in the call are remembered
 * by its {@link TurnFiller}, so they are forgotten with the call.
 *
 * @example
 * ```ts
 * const playFiller = createPlayFillerActor({ playback: session.playback, tts, delayMs: 350 });
 * callMachine.provide({ actors: { playFiller } });
 * ```
 */
export function createPlayFillerActor(deps: PlayFillerDeps) {
  const turn = deps.turn ?? new TurnFiller(deps);
  return fromCallback<EventObject, FillerInput, FillerEvent>(({ input, emit }) => {
    turn.start(input, emit);
    return () => turn.release();
  });
}
