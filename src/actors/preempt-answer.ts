/**
 * The `preemptAnswer` actor of the listening state: while the caller's turn is open it gives
 * the call's {@link PreemptiveAnswer} the turn's history and language (what an answer started
 * on a finished partial is given), and when the state is left (the end of the turn, a hang-up)
 * it closes the turn to new preemptions. A preemption already started outlives it: the answer
 * actor takes it over or cancels it.
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { PreemptInput } from './contracts.js';
import type { PreemptiveAnswer } from './preemptive-answer.js';

/**
 * Creates the `preemptAnswer` actor logic of one call; without preemptive answers (the call's
 * `preempt` flag is off) it does nothing.
 *
 * @example
 * ```ts
 * const preemptAnswer = createPreemptAnswerActor(preemptive);
 * ```
 */
export function createPreemptAnswerActor(preemptive: PreemptiveAnswer | undefined) {
  return fromCallback<EventObject, PreemptInput>(({ input }) => {
    preemptive?.listen({ history: input.history, language: input.language });
    return () => preemptive?.leave();
  });
}
