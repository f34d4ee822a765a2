/**
 * The `watchAgent` actor: during an attended transfer, sends `transfer.agent.hangup` when the
 * answered agent hangs up. When it stops (the transfer is over, or the call ended) it lets go of
 * an agent's leg still held, so no leg outlives its call.
 *
 * @module
 */
import { type EventObject, fromCallback } from 'xstate';
import type { TransferProgressEvent } from '../calls/events.js';
import type { CallActorInput } from './contracts.js';
import type { TransferDeps } from './transfer-deps.js';

/** Creates the `watchAgent` actor logic. */
export function createWatchAgentActor(deps: TransferDeps) {
  return fromCallback<EventObject, CallActorInput, TransferProgressEvent>(({ sendBack }) => {
    const line = deps.line;
    if (!line) return () => {};
    const off = line.onAgentHangup(() => sendBack({ type: 'transfer.agent.hangup' }));
    return () => {
      off();
      line.resume().catch(() => undefined);
    };
  });
}
