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
 * `continueInDialplan` with a context or extension goes to that location instead, which the
 * simulator's `extensions` map to an action, e.g. a transfer to a person:
 *
 * ```
 * [agents]
 * exten => 100,1,Dial(PJSIP/agent-100,20)   ; '100@agents': { dial: 'PJSIP/agent-100', timeoutSec: 20 }
 * ```
 *
 * @module
 */

import { TelephonyError } from '../errors.js';
import { type DialHost, dialFromDialplan } from './sim-dial.js';
import { channelJson, type SimChannel } from './sim-model.js';
import type { DialplanLocation } from './sim-rest-types.js';

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

/** What a dialplan location does, keyed `<exten>@<context>` in the simulator's `extensions`. */
export type DialplanAction =
  /** `Dial(<dial>,<timeoutSec>)`: ring an endpoint and bridge the caller with it once answered. */
  | { dial: string; timeoutSec?: number }
  /** `Stasis(<stasis>)`: enter another application. */
  | { stasis: string }
  /** `Hangup(<cause>)`. */
  | { hangup: true; cause?: number };

/** What sending a channel back to the dialplan touches in the simulator. */
export interface DialplanHost extends DialHost {
  readonly connectedApps: string[];
  readonly options: DialHost['options'] & { extensions?: Record<string, DialplanAction> };
}

/**
 * The app sent `ch` back to the dialplan (`continueInDialplan`): it leaves the app (StasisEnd)
 * and, given a context or an extension, runs that location's action (none there: hung up with
 * cause 1, as Asterisk does for an invalid extension); otherwise it enters the next registered
 * application of its dialplan, or is hung up when none is left.
 */
export function continueInDialplan(
  host: DialplanHost,
  ch: SimChannel,
  location: DialplanLocation = {},
): void {
  host.emitEvent(ch.app, 'StasisEnd', { channel: channelJson(ch) });
  ch.inStasis = false;
  const jump = location.context !== undefined || location.extension !== undefined;
  setImmediate(() => {
    if (ch.destroyed) return;
    if (jump) {
      const context = location.context ?? ch.dialplan.context;
      const exten = location.extension ?? ch.dialplan.exten;
      ch.dialplan = { context, exten, priority: location.priority ?? 1 };
      // The app that sent it away is no longer subscribed: it hears nothing more of it.
      ch.app = '';
      const action = host.options.extensions?.[`${exten}@${context}`];
      if (action === undefined) return host.destroyChannel(ch, 1);
      return runAction(host, ch, action);
    }
    const { app, next } = firstRegistered(ch.nextApps ?? [], host.connectedApps);
    ch.nextApps = next;
    if (app === undefined) return host.destroyChannel(ch, 16);
    ch.dialplan.priority += 1;
    enterApp(host, ch, app);
  });
}

function enterApp(host: DialplanHost, ch: SimChannel, app: string): void {
  ch.app = app;
  ch.inStasis = true;
  host.emitEvent(app, 'StasisStart', { args: [], channel: channelJson(ch) });
}

function runAction(host: DialplanHost, ch: SimChannel, action: DialplanAction): void {
  if ('hangup' in action) host.destroyChannel(ch, action.cause ?? 16);
  else if ('stasis' in action) {
    if (host.connectedApps.includes(action.stasis)) enterApp(host, ch, action.stasis);
    else host.destroyChannel(ch, 16);
  } else
    void dialFromDialplan(host, ch, action.dial, action.timeoutSec ?? 30, 'dialplan').catch(() =>
      host.destroyChannel(ch, 38),
    );
}
