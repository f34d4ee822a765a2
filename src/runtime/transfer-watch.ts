/**
 * Reads a call's transfers off its machine's snapshots for the call timeline: the machine's
 * state value is the truth of where a transfer is, so nothing in the machine reports it. The
 * transfer starts when the machine enters `transferring.blind` or `transferring.attended`, is
 * `returned` when it enters `transferring.returning`, `unavailable` when it apologizes without
 * trying (no transfer configured), and `transferred` or `abandoned` when the call ends (the
 * timeline's `ended`).
 *
 * @module
 */
import type { StateValue } from 'xstate';
import type { CallTimeline } from '../calls/timeline.js';

/** What a snapshot of the call machine shows of a transfer. */
export interface TransferSnapshot {
  value: StateValue;
  context: { transferRequest?: { mode: 'blind' | 'attended' } };
}

type Step = 'blind' | 'attended' | 'returning' | 'apologizing' | 'choosing';

function transferStep(value: StateValue): Step | undefined {
  if (typeof value === 'string') return undefined;
  const active = value.active;
  if (active === undefined || typeof active === 'string') return undefined;
  const conversation = active.conversation;
  if (conversation === undefined || typeof conversation === 'string') return undefined;
  const transferring = conversation.transferring;
  if (transferring === undefined) return undefined;
  return (typeof transferring === 'string' ? transferring : Object.keys(transferring)[0]) as Step;
}

/**
 * A watcher of one call's machine snapshots that tells `timeline` about its transfers; hand it
 * every snapshot of the call's own actor (in order).
 *
 * @example
 * ```ts
 * const watchTransfers = transferWatcher(session.timeline);
 * // in the actor's inspection: if (event.type === '@xstate.snapshot') watchTransfers(event.snapshot)
 * ```
 */
export function transferWatcher(timeline: CallTimeline): (snapshot: TransferSnapshot) => void {
  let previous: Step | undefined;
  return (snapshot) => {
    const step = transferStep(snapshot.value);
    if (step === previous) return;
    const entered = previous === undefined;
    previous = step;
    if (step === 'blind' || step === 'attended') {
      if (entered) timeline.transferRequested(step);
    } else if (step === 'returning') {
      timeline.transferEnded('returned');
    } else if (step === 'apologizing' && entered) {
      timeline.transferRequested(snapshot.context.transferRequest?.mode ?? 'blind');
      timeline.transferEnded('unavailable');
    }
  };
}
