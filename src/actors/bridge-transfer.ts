/**
 * The `bridgeTransfer` actor: the last step of an attended transfer. The caller's music on hold
 * stops (awaited, so it never plays into the bridge), then the caller rejoins the
 * bridge where the agent is, then the bot leaves (its media channel goes; caller and agent stay
 * bridged). The call then ends with reason `transferred`.
 *
 * @module
 */
import { fromPromise } from 'xstate';
import type { CallActorInput } from './contracts.js';
import { type TransferDeps, transferLine } from './transfer-deps.js';

/** Creates the `bridgeTransfer` actor logic. */
export function createBridgeTransferActor(deps: TransferDeps) {
  return fromPromise<void, CallActorInput>(async ({ input }) => {
    const line = transferLine(deps);
    await line.stopHold();
    await line.joinCaller();
    await line.leave();
    deps.logger?.info({ callId: input.callId }, 'attended transfer: caller and agent bridged');
  });
}
