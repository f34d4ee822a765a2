/**
 * The simulator's model of the dialplan that sends inbound calls into Stasis applications:
 * a rule names the applications a call tries, in order, like consecutive priorities
 *
 * ```
 * exten => 100,1,Stasis(voxstate-1)
 *  same => n,Stasis(voxstate-2)
 * ```
 *
 * A call enters the first application that is registered (an unregistered one fails at once,
 * as `Stasis()` does with STASISSTATUS=FAILED), and moves on to the next one when the
 * application sends it back with `continueInDialplan` (an instance that is draining). When no
 * application is left the dialplan ends and the channel is hung up.
 *
 * @module
 */

import { TelephonyError } from '../errors.js';
import { channelJson, type SimChannel } from './sim-model.js';

/** What a dialplan rule may look at. */
export interface InboundCall {
  /** 0 for the first inbound call the simulator places, 1 for the next... */
  seq: number;
  exten: string;
  callerNumber: string;
}

/** The Stasis applications an inbound call tries, in order. */
export type DialplanRule = (call: InboundCall) => string[];

/**
 * Spreads calls over `apps` in turn (call n starts at `apps[n % apps.length]`), each call
 * falling back to the others in order.
 *
 * @example
 * ```ts
 * const sim = new SimulatedAsterisk({ dialplan: roundRobin(['voxstate-1', 'voxstate-2']) });
 * ```
 */
export function roundRobin(apps: readonly string[]): DialplanRule {
  return ({ seq }) => apps.map((_, i) => apps[(seq + i) % apps.length] as string);
}

/** Splits `candidates` into the first registered application and the ones after it. */
export function firstRegistered(
  candidates: readonly string[],
  registered: readonly string[],
): { app: string | undefined; next: string[] } {
  const at = candidates.findIndex((a) => registered.includes(a));
  return at < 0
    ? { app: undefined, next: [] }
    : { app: candidates[at], next: candidates.slice(at + 1) };
}

/**
 * The application an inbound call enters and the ones after it; like Asterisk's `Stasis()`,
 * fails with "Stasis app '<app>' doesn't exist" when none of `candidates` is registered.
 */
export function enterStasis(
  candidates: readonly string[],
  registered: readonly string[],
): { app: string; next: string[] } {
  const { app, next } = firstRegistered(candidates, registered);
  if (app === undefined) {
    throw new TelephonyError(`Stasis app '${candidates.join("', '")}' doesn't exist`, {
      retryable: true,
    });
  }
  return { app, next };
}

/** What sending a channel back to the dialplan touches in the simulator. */
export interface DialplanHost {
  readonly connectedApps: string[];
  emitEvent(app: string, type: string, fields: Record<string, unknown>): void;
  destroyChannel(ch: SimChannel, cause?: number): void;
}

/**
 * The app sent `ch` back to the dialplan (`continueInDialplan`): it leaves the app (StasisEnd)
 * and enters the next registered application of its dialplan, or is hung up when none is left.
 */
export function continueInDialplan(host: DialplanHost, ch: SimChannel): void {
  host.emitEvent(ch.app, 'StasisEnd', { channel: channelJson(ch) });
  ch.inStasis = false;
  setImmediate(() => {
    if (ch.destroyed) return;
    const { app, next } = firstRegistered(ch.nextApps ?? [], host.connectedApps);
    ch.nextApps = next;
    if (app === undefined) return host.destroyChannel(ch, 16);
    ch.app = app;
    ch.dialplan.priority += 1;
    ch.inStasis = true;
    host.emitEvent(app, 'StasisStart', { args: [], channel: channelJson(ch) });
  });
}
