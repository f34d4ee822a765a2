/**
 * The `holdCaller` actor: while an attended transfer rings the agent and tells them the
 * summary, the caller hears music on hold of the target's class (Asterisk's `channels/{id}/moh`
 * on the caller's channel). Stopping it (the bridge is next, the transfer failed, or the caller
 * hung up) stops the music; `bridgeTransfer` and `resumeCaller` also wait for that stop before
 * they move the caller, so the music never plays into the bridge with the agent.
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { HoldInput } from './contracts.js';
import type { TransferDeps } from './transfer-deps.js';

/** Creates the `holdCaller` actor logic (no music class in the input: nothing to do). */
export function createHoldCallerActor(deps: TransferDeps) {
  return fromCallback<EventObject, HoldInput, EventObject>(({ input }) => {
    const line = deps.line;
    const music = input.music;
    if (!line || music === undefined) return () => {};
    line.startHold(music).catch((err: Error) => {
      deps.logger?.warn({ callId: input.callId, err: err.message }, 'music on hold failed');
    });
    deps.logger?.info({ callId: input.callId, music }, 'attended transfer: caller on hold');
    return () => {
      line.stopHold().catch(() => undefined);
    };
  });
}
