/**
 * The `connectAgent` actor: in an attended transfer, once the agent answered, the caller steps
 * out of the bot's bridge and the agent steps in, so that the summary reaches the agent alone.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import type { CallActorInput } from './contracts.js';
import { type TransferDeps, transferLine } from './transfer-deps.js';

/** Creates the `connectAgent` actor logic. */
export function createConnectAgentActor(deps: TransferDeps) {
  return fromPromise<void, CallActorInput>(() => transferLine(deps).agentOnly());
}
