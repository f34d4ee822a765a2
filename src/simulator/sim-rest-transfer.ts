/**
 * The simulated ARI's operations that move calls elsewhere, with Asterisk's answers and errors
 * (from its `channels.json`): `channels.create` (a channel in the app, not yet dialled),
 * `channels.dial` (ring it), `channels.redirect` (send a caller to another endpoint of the same
 * technology) and `channels.continueInDialplan` (leave the app for a dialplan location).
 *
 * @module
 */

import { attachCallee, calleeFor, dialFromDialplan, ringPeer } from './sim-dial.js';
import { channelJson, type SimChannel } from './sim-model.js';
import {
  bad,
  type DialplanLocation,
  NO_CONTENT,
  notFound,
  type RestContext,
  type RestReply,
  variablesOf,
} from './sim-rest-types.js';

/** `POST /channels/create`: a channel in the app (StasisStart, state `Down`), dialled later. */
export function createChannel(
  ctx: RestContext,
  q: URLSearchParams,
  body: Record<string, unknown>,
): RestReply {
  const endpoint = q.get('endpoint');
  const app = q.get('app');
  if (!endpoint || !app) return bad('endpoint and app are required');
  if (!/^[A-Za-z]+\/.+/.test(endpoint)) return bad('Endpoint must be TECH/resource');
  const channelId = q.get('channelId');
  if (channelId && ctx.channels.has(channelId)) {
    return bad('Channel with given unique ID already exists', 409);
  }
  const variables = variablesOf(body);
  const number = endpoint.slice(endpoint.indexOf('/') + 1).replace(/@.*$/, '');
  const ch = ctx.createChannel({
    kind: 'outbound',
    name: `${endpoint.replace(/@.*$/, '')}-${ctx.nextHex()}`,
    state: 'Down',
    connected: { name: '', number },
    exten: number,
    app,
    ...(channelId ? { id: channelId } : {}),
  });
  for (const [k, v] of Object.entries(variables)) ch.variables.set(k, v);
  ch.awaitingDial = { endpoint, variables };
  ch.inStasis = true;
  const args = (q.get('appArgs') ?? '').split(',').filter(Boolean);
  ctx.emitEvent(app, 'StasisStart', { args, channel: channelJson(ch) });
  return { status: 200, body: channelJson(ch) };
}

/**
 * `POST /channels/{id}/dial`: rings a created channel's endpoint (`timeout` seconds, default 30;
 * `caller` names the calling channel in the `Dial` events). Unanswered, it is hung up.
 */
export function dialChannel(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
  const ch = ctx.channels.get(id);
  if (!ch) return notFound('Channel');
  const pending = ch.awaitingDial;
  if (!pending || ch.state !== 'Down') return bad('Channel cannot be dialed', 409);
  ch.awaitingDial = undefined;
  const callerId = q.get('caller');
  const caller = callerId ? ctx.channels.get(callerId) : undefined;
  if (callerId && !caller) return notFound('Caller channel');
  const timeout = Number(q.get('timeout') ?? 0);
  const timeoutMs = (timeout > 0 ? timeout : 30) * 1000;
  const behavior = calleeFor(ctx, pending.endpoint, pending.variables);
  const started = Date.now();
  void (async () => {
    const call = await attachCallee(ctx, ch, behavior);
    if (ch.destroyed) return;
    const status = await ringPeer(ctx, ch, behavior, {
      timeoutMs,
      app: ch.app,
      ...(caller ? { caller } : {}),
      dialstring: pending.endpoint,
    });
    ctx.dialed({
      via: 'dial',
      ...(caller ? { callerChannelId: caller.id } : {}),
      peerChannelId: ch.id,
      endpoint: pending.endpoint,
      status,
      ringMs: Date.now() - started,
      peer: call,
    });
  })().catch(() => ctx.destroyChannel(ch, 38));
  return NO_CONTENT;
}

/**
 * `POST /channels/{id}/redirect`: Asterisk asks the caller's side to call `endpoint` instead
 * (a SIP 302 or REFER); the channel ends for the app (hang-up events, cause 16) and the person
 * on it reaches the endpoint on a new channel outside Stasis.
 */
export function redirectChannel(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
  const ch = ctx.channels.get(id);
  if (!ch) return notFound('Channel');
  if (!ch.inStasis) return bad('Channel not in a Stasis application', 409);
  const endpoint = q.get('endpoint');
  if (!endpoint) return bad("Required parameter 'endpoint' not provided.");
  const slash = endpoint.indexOf('/');
  if (slash <= 0 || slash === endpoint.length - 1) {
    return bad(`Endpoint parameter '${endpoint}' does not contain tech/resource`, 422);
  }
  const tech = endpoint.slice(0, slash);
  const own = ch.name.slice(0, ch.name.indexOf('/'));
  if (tech.toLowerCase() !== own.toLowerCase()) {
    return bad(`Endpoint technology '${tech}' does not match channel technology '${own}'`, 422);
  }
  if (!ch.runner) return bad('Channel in invalid state', 412);
  return {
    ...NO_CONTENT,
    after: () => {
      const leg = newLegFor(ctx, ch);
      void dialFromDialplan(ctx, leg, endpoint, 30, 'redirect').catch(() =>
        ctx.destroyChannel(leg, 38),
      );
    },
  };
}

/**
 * The app's view of `ch` ends (ChannelLeftBridge, ChannelHangupRequest, StasisEnd,
 * ChannelDestroyed, cause 16) while the person on it goes on, on a new channel outside Stasis
 * (the same person object, so their call's `ended` waits for the end of the new leg).
 */
function newLegFor(ctx: RestContext, ch: SimChannel): SimChannel {
  ctx.emitEvent(ch.app, 'ChannelHangupRequest', { cause: 16, channel: channelJson(ch) });
  const bridge = ch.bridgeId ? ctx.bridges.get(ch.bridgeId) : undefined;
  if (bridge) {
    bridge.channels = bridge.channels.filter((c) => c !== ch.id);
    ch.bridgeId = undefined;
    ctx.emitEvent(ch.app, 'ChannelLeftBridge', {
      bridge: ctx.bridgeJsonOf(bridge),
      channel: channelJson(ch),
    });
    ctx.bridgeChanged(bridge.id);
  }
  for (const p of ctx.playbacks.values()) {
    if (p.target_uri === `channel:${ch.id}`) ctx.finishPlayback(p, 'done');
  }
  ctx.emitEvent(ch.app, 'StasisEnd', { channel: channelJson(ch) });
  ctx.emitEvent(ch.app, 'ChannelDestroyed', {
    cause: 16,
    cause_txt: 'Normal Clearing',
    channel: channelJson(ch),
  });
  ctx.channels.delete(ch.id);
  const fresh = ctx.createChannel({
    kind: ch.kind,
    name: `${ch.name.replace(/-[0-9a-f]+$/, '')}-${ctx.nextHex()}`,
    state: 'Up',
    caller: ch.caller,
    app: '',
  });
  ch.id = fresh.id;
  ch.name = fresh.name;
  ch.state = 'Up';
  ch.app = '';
  ch.inStasis = false;
  ch.scriptOffsetMs = undefined;
  ch.scriptSent = undefined;
  ctx.channels.set(ch.id, ch);
  return ch;
}

/**
 * `POST /channels/{id}/continue`: the channel leaves the app (StasisEnd); with a context or an
 * extension it goes to that dialplan location, otherwise to the next priority.
 */
export function continueChannel(ctx: RestContext, id: string, q: URLSearchParams): RestReply {
  const ch = ctx.channels.get(id);
  if (!ch) return notFound('Channel');
  if (!ch.inStasis) return bad('Channel not in a Stasis application', 409);
  const priority = q.get('priority');
  const location: DialplanLocation = {
    ...(q.get('context') ? { context: q.get('context')! } : {}),
    ...(q.get('extension') ? { extension: q.get('extension')! } : {}),
    ...(priority ? { priority: Number(priority) } : {}),
  };
  ctx.continueInDialplan(ch, location);
  return NO_CONTENT;
}
