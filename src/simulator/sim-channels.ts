/**
 * Simulated channels coming and going: a new channel's initial state, and its end the way
 * Asterisk ends one (hang-up request, leaving its bridge, StasisEnd, ChannelDestroyed).
 *
 * @module
 */

import type { SimPlayback } from './sim-model.js';
import {
  bridgeJson,
  causeText,
  channelJson,
  type SimBridge,
  type SimChannel,
} from './sim-model.js';

/** What a channel's end touches in the simulator. */
export interface ChannelHost {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  readonly playbacks: Map<string, SimPlayback>;
  emitEvent(app: string, type: string, fields: Record<string, unknown>): void;
  finishPlayback(p: SimPlayback, state: 'done' | 'stopped'): void;
}

/** What a new channel is made of. */
export interface ChannelInit {
  kind: SimChannel['kind'];
  name: string;
  state: SimChannel['state'];
  caller?: { name: string; number: string };
  connected?: { name: string; number: string };
  exten?: string;
  app: string;
  language?: string;
  id?: string;
}

/** A new channel with id `id`, not yet in Stasis. */
export function newSimChannel(init: ChannelInit, id: string): SimChannel {
  return {
    id,
    name: init.name,
    state: init.state,
    caller: init.caller ?? { name: '', number: '' },
    connected: init.connected ?? { name: '', number: '' },
    dialplan: { context: 'default', exten: init.exten ?? 's', priority: 1 },
    creationtime: new Date().toISOString().replace('Z', '+0000'),
    language: init.language ?? 'en',
    kind: init.kind,
    app: init.app,
    inStasis: false,
    variables: new Map(),
    destroyed: false,
    onDestroyed: [],
  };
}

/**
 * Ends `ch`: with `notify`, its app hears ChannelHangupRequest (not for externalMedia channels),
 * ChannelLeftBridge, StasisEnd (when in Stasis) and ChannelDestroyed. Its media link closes, its
 * person stops, its playbacks finish. False when it had already ended.
 */
export function destroySimChannel(
  host: ChannelHost,
  ch: SimChannel,
  cause: number,
  notify: boolean,
): boolean {
  if (ch.destroyed) return false;
  ch.destroyed = true;
  if (notify && ch.kind !== 'external') {
    host.emitEvent(ch.app, 'ChannelHangupRequest', { cause, channel: channelJson(ch) });
  }
  const bridge = ch.bridgeId ? host.bridges.get(ch.bridgeId) : undefined;
  if (bridge) {
    bridge.channels = bridge.channels.filter((c) => c !== ch.id);
    ch.bridgeId = undefined;
    if (notify)
      host.emitEvent(ch.app, 'ChannelLeftBridge', {
        bridge: bridgeJson(bridge),
        channel: channelJson(ch),
      });
  }
  ch.link?.close();
  ch.moh?.stop();
  ch.runner?.stop();
  for (const p of host.playbacks.values()) {
    if (p.target_uri === `channel:${ch.id}`) host.finishPlayback(p, 'done');
  }
  if (notify && ch.inStasis) host.emitEvent(ch.app, 'StasisEnd', { channel: channelJson(ch) });
  ch.inStasis = false;
  if (notify)
    host.emitEvent(ch.app, 'ChannelDestroyed', {
      cause,
      cause_txt: causeText(cause),
      channel: channelJson(ch),
    });
  host.channels.delete(ch.id);
  return true;
}
