/**
 * Dialling simulated endpoints, as Asterisk's dial engine reports it: the peer channel rings
 * (ChannelStateChange `Ringing`, `Dial` events with dialstatus `""` then `RINGING`), then
 * answers (`Up`, `ANSWER`), rings out (`NOANSWER`, hung up with cause 19), is busy (`BUSY`,
 * cause 17), or is cancelled (`CANCEL`) when it or its caller hangs up first. What each
 * endpoint does is its {@link CalleeBehavior} (`endpoints`, else `onOriginate`, else answer
 * after 300 ms and stay silent).
 *
 * Used by `channels.originate`, `channels.create` + `channels.dial`, and by the simulated
 * dialplan's `Dial()` (an extension reached with `continueInDialplan`, or a redirected caller),
 * which bridges caller and peer in a basic bridge once the peer answers.
 *
 * @module
 */

import type { TtsEngine } from '../providers/tts/tts-engine.js';
import type { MediaClock } from './media-clock.js';
import { attachRunner, type CallerHost, scriptRunner } from './sim-callers.js';
import type { ChannelInit } from './sim-channels.js';
import { type BridgeMixer, refreshMixer } from './sim-mixer.js';
import { channelJson, type SimChannel } from './sim-model.js';
import type { CalleeBehavior, SimCall, SimDialReport } from './sim-types.js';

/** The outcome of one dial attempt, as Asterisk's `DIALSTATUS`. */
export type DialStatus = 'ANSWER' | 'NOANSWER' | 'BUSY' | 'CANCEL';

/** What dialling needs from the simulator. */
export interface DialHost extends CallerHost {
  readonly options: {
    tts?: TtsEngine;
    endpoints?: Record<string, CalleeBehavior>;
    onOriginate?: (endpoint: string, variables: Record<string, string>) => CalleeBehavior;
  };
  readonly clock: MediaClock;
  readonly mixers: Map<string, BridgeMixer>;
  createChannel(init: ChannelInit): SimChannel;
  nextHex(): string;
  /** Reports a finished dial attempt to observers. */
  dialed(report: SimDialReport): void;
}

/** How the callee at `endpoint` behaves. */
export function calleeFor(
  host: Pick<DialHost, 'options'>,
  endpoint: string,
  variables: Record<string, string> = {},
): CalleeBehavior {
  return (
    host.options.endpoints?.[endpoint] ?? host.options.onOriginate?.(endpoint, variables) ?? {}
  );
}

/** Where a dial's events go and what it reports. */
export interface RingOptions {
  /** Give up after this long; `NOANSWER`. */
  timeoutMs: number;
  /** The Stasis app subscribed to the peer, which hears its events; none for a dialplan `Dial()`. */
  app?: string;
  /** The calling channel, named in `Dial` events. */
  caller?: SimChannel;
  /**
   * True for the dialplan's `Dial()`: the caller hanging up cancels the ringing leg. An ARI
   * `channels.dial` leaves that to the app.
   */
  cancelWithCaller?: boolean;
  dialstring: string;
}

/**
 * Rings `peer` (its person already attached) per `behavior` and resolves with the dial status;
 * the peer is `Up` on `ANSWER` and destroyed on `NOANSWER` (cause 19) and `BUSY` (cause 17).
 */
export function ringPeer(
  host: DialHost,
  peer: SimChannel,
  behavior: CalleeBehavior,
  options: RingOptions,
): Promise<DialStatus> {
  const dialEvent = (dialstatus: string) => {
    if (options.app === undefined) return;
    host.emitEvent(options.app, 'Dial', {
      peer: channelJson(peer),
      ...(options.caller ? { caller: channelJson(options.caller) } : {}),
      dialstring: options.dialstring,
      dialstatus,
    });
  };
  const stateChange = () => {
    if (options.app !== undefined)
      host.emitEvent(options.app, 'ChannelStateChange', { channel: channelJson(peer) });
  };
  dialEvent('');
  return new Promise<DialStatus>((resolve) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (status: DialStatus, cause?: number) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (status === 'ANSWER') {
        peer.state = 'Up';
        stateChange();
      }
      dialEvent(status);
      if (cause !== undefined) host.destroyChannel(peer, cause);
      resolve(status);
    };
    peer.onDestroyed.push(() => settle('CANCEL'));
    if (options.cancelWithCaller)
      options.caller?.onDestroyed.push(() => {
        if (settled) return;
        settle('CANCEL');
        host.destroyChannel(peer, 16);
      });
    if (behavior.busy) {
      timers.push(setTimeout(() => settle('BUSY', 17), 50).unref());
      return;
    }
    peer.state = 'Ringing';
    stateChange();
    dialEvent('RINGING');
    timers.push(setTimeout(() => settle('NOANSWER', 19), options.timeoutMs).unref());
    if (behavior.answer !== false) {
      const after = behavior.answerAfterMs ?? 300;
      if (after < options.timeoutMs) timers.push(setTimeout(() => settle('ANSWER'), after).unref());
    }
  });
}

/** Puts the scripted person of `behavior` on `peer`; synthesizes its speech first. */
export async function attachCallee(
  host: DialHost,
  peer: SimChannel,
  behavior: CalleeBehavior,
): Promise<SimCall> {
  const runner = await scriptRunner(behavior.script, host.options.tts);
  return attachRunner(host, peer, runner);
}

/**
 * The simulated dialplan's `Dial(<endpoint>,<timeoutSec>)` for `caller` (out of Stasis): rings
 * the endpoint; on answer, caller and peer share a basic bridge until either hangs up, which
 * hangs up the other; otherwise the dialplan ends and the caller is hung up with the dial's cause.
 */
export async function dialFromDialplan(
  host: DialHost,
  caller: SimChannel,
  endpoint: string,
  timeoutSec: number,
  via: SimDialReport['via'],
): Promise<DialStatus> {
  const behavior = calleeFor(host, endpoint);
  const peer = host.createChannel({
    kind: 'outbound',
    name: `${endpoint.replace(/@.*$/, '')}-${host.nextHex()}`,
    state: 'Down',
    caller: caller.caller,
    connected: caller.caller,
    exten: endpoint.slice(endpoint.indexOf('/') + 1),
    app: '',
  });
  const call = await attachCallee(host, peer, behavior);
  if (caller.destroyed) {
    host.destroyChannel(peer, 16);
    return 'CANCEL';
  }
  const started = Date.now();
  const status = await ringPeer(host, peer, behavior, {
    timeoutMs: timeoutSec * 1000,
    caller,
    cancelWithCaller: true,
    dialstring: endpoint,
  });
  host.dialed({
    via,
    callerChannelId: caller.id,
    peerChannelId: peer.id,
    endpoint,
    status,
    ringMs: Date.now() - started,
    peer: call,
  });
  if (status !== 'ANSWER') {
    if (!caller.destroyed) host.destroyChannel(caller, status === 'BUSY' ? 17 : 19);
    return status;
  }
  caller.state = 'Up';
  const bridgeId = `dial-${host.nextHex()}`;
  host.bridges.set(bridgeId, {
    id: bridgeId,
    name: '',
    type: 'mixing',
    channels: [caller.id, peer.id],
    creationtime: new Date().toISOString().replace('Z', '+0000'),
    bridgeClass: 'basic',
  });
  caller.bridgeId = bridgeId;
  peer.bridgeId = bridgeId;
  refreshMixer(host, bridgeId);
  const hangUpBoth = () => {
    for (const ch of [caller, peer]) if (!ch.destroyed) host.destroyChannel(ch, 16);
    host.bridges.delete(bridgeId);
    refreshMixer(host, bridgeId);
  };
  caller.onDestroyed.push(hangUpBoth);
  peer.onDestroyed.push(hangUpBoth);
  return status;
}

/**
 * `channels.originate` into a Stasis app: `ch` rings its endpoint; once answered it enters the
 * app (StasisStart with `appArgs`); otherwise it is destroyed with the dial's cause.
 */
export async function answerOriginated(
  host: DialHost,
  ch: SimChannel,
  behavior: CalleeBehavior,
  appArgs: string[],
  timeoutSec: number,
  endpoint: string,
): Promise<void> {
  const call = await attachCallee(host, ch, behavior);
  const started = Date.now();
  const status = await ringPeer(host, ch, behavior, {
    timeoutMs: timeoutSec * 1000,
    app: ch.app,
    dialstring: endpoint,
  });
  host.dialed({
    via: 'originate',
    peerChannelId: ch.id,
    endpoint,
    status,
    ringMs: Date.now() - started,
    peer: call,
  });
  if (status !== 'ANSWER' || ch.destroyed) return;
  ch.inStasis = true;
  host.emitEvent(ch.app, 'StasisStart', { args: appArgs, channel: channelJson(ch) });
}
