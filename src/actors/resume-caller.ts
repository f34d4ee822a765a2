/**
 * The `resumeCaller` actor: after a transfer that did not happen, hangs up the agent's leg (if
 * any) and brings the caller back into the bot's bridge, so the bot can say so and listen.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import type { CallActorInput } from './contracts.js';
import type { TransferDeps } from './transfer-deps.js';

/** Creates the `resumeCaller` actor logic. */
export function createResumeCallerActor(deps: TransferDeps) {
  return fromPromise<void, CallActorInput>(async () => {
    await deps.line?.resume();
  });
}
