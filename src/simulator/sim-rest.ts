/**
 * The REST half of the simulated ARI: one handler per operation the swagger documents list,
 * answering like Asterisk (JSON for typed results, 204 for void, status >= 400 with a
 * `{ message }` body on errors). The operations that create channels or sound are in
 * `sim-rest-media.ts`.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import {
  bridgeJson,
  channelJson,
  playbackJson,
  type SimBridge,
  type SimChannel,
} from './sim-model.js';
import { sendDtmf, startMoh, stopMoh } from './sim-rest-line.js';
import { externalMedia, originate, play } from './sim-rest-media.js';
import {
  continueChannel,
  createChannel,
  dialChannel,
  redirectChannel,
} from './sim-rest-transfer.js';
import {
  bad,
  list,
  NO_CONTENT,
  notFound,
  type RestContext,
  type RestReply,
} from './sim-rest-types.js';

export type { RestContext, RestReply } from './sim-rest-types.js';

/** Routes one request (path under `/ari`) to its handler. */
export async function handleRest(
  ctx: RestContext,
  method: string,
  url: URL,
  body: Record<string, unknown>,
): Promise<RestReply> {
  const q = url.searchParams;
  const parts = url.pathname
    .replace(/^\/ari\/?/, '')
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const [resource, id, action] = parts;
  const fixed = id === 'externalMedia' || id === 'create';
  const route = `${method} ${resource ?? ''}${id === undefined ? '' : fixed ? `/${id}` : '/:id'}${action ? `/${action}` : ''}`;
  switch (route) {
    case 'GET asterisk/:id':
      return {
        status: 200,
        body: {
          system: { version: '22.0.0-voxstate-sim', entity_id: 'sim' },
          build: {},
          config: {},
          status: {},
        },
      };
    case 'GET channels':
      return { status: 200, body: [...ctx.channels.values()].map((c) => channelJson(c)) };
    case 'POST channels':
      return originate(ctx, q, body);
    case 'POST channels/externalMedia':
      return externalMedia(ctx, q, body);
    case 'POST channels/create':
      return createChannel(ctx, q, body);
    case 'POST channels/:id/dial':
      return dialChannel(ctx, id!, q);
    case 'POST channels/:id/redirect':
      return redirectChannel(ctx, id!, q);
    case 'GET channels/:id': {
      const ch = ctx.channels.get(id!);
      return ch ? { status: 200, body: channelJson(ch) } : notFound('Channel');
    }
    case 'DELETE channels/:id': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      ctx.destroyChannel(ch, 16);
      return NO_CONTENT;
    }
    case 'POST channels/:id/answer':
    case 'POST channels/:id/ring': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      if (!ch.inStasis) return bad('Channel not in Stasis application', 409);
      const state = action === 'answer' ? 'Up' : 'Ringing';
      if (ch.state !== state && ch.state !== 'Up') {
        ch.state = state;
        ctx.emitEvent(ch.app, 'ChannelStateChange', { channel: channelJson(ch) });
      }
      return NO_CONTENT;
    }
    case 'POST channels/:id/continue':
      return continueChannel(ctx, id!, q);
    case 'POST channels/:id/dtmf':
      return sendDtmf(ctx, id!, q);
    case 'POST channels/:id/moh':
      return startMoh(ctx, id!, q);
    case 'DELETE channels/:id/moh':
      return stopMoh(ctx, id!);
    case 'POST channels/:id/play':
      return play(ctx, id!, q);
    case 'GET channels/:id/variable': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      const name = q.get('variable');
      if (!name) return bad('Variable name is required');
      const value = ch.variables.get(name) ?? ch.channelvars?.[name];
      return value === undefined
        ? notFound('Provided variable was')
        : { status: 200, body: { value } };
    }
    case 'POST channels/:id/variable': {
      const ch = ctx.channels.get(id!);
      if (!ch) return notFound('Channel');
      const name = q.get('variable');
      if (!name) return bad('Variable name is required');
      ch.variables.set(name, q.get('value') ?? '');
      return NO_CONTENT;
    }
    case 'GET bridges':
      return { status: 200, body: [...ctx.bridges.values()].map(bridgeJson) };
    case 'POST bridges': {
      const bridge: SimBridge = {
        id: q.get('bridgeId') ?? randomUUID(),
        name: q.get('name') ?? '',
        type: q.get('type') ?? 'mixing',
        channels: [],
        creationtime: new Date().toISOString().replace('Z', '+0000'),
      };
      ctx.bridges.set(bridge.id, bridge);
      return { status: 200, body: bridgeJson(bridge) };
    }
    case 'GET bridges/:id': {
      const b = ctx.bridges.get(id!);
      return b ? { status: 200, body: bridgeJson(b) } : notFound('Bridge');
    }
    case 'DELETE bridges/:id': {
      const b = ctx.bridges.get(id!);
      if (!b) return notFound('Bridge');
      for (const cid of b.channels) {
        const ch = ctx.channels.get(cid);
        if (!ch) continue;
        ch.bridgeId = undefined;
        ctx.emitEvent(ch.app, 'ChannelLeftBridge', {
          bridge: { ...bridgeJson(b), channels: [] },
          channel: channelJson(ch),
        });
      }
      ctx.bridges.delete(b.id);
      ctx.bridgeChanged(b.id);
      return NO_CONTENT;
    }
    case 'POST bridges/:id/addChannel':
    case 'POST bridges/:id/removeChannel':
      return bridgeMembers(ctx, id!, action!, q);
    case 'GET playbacks/:id': {
      const p = ctx.playbacks.get(id!);
      return p ? { status: 200, body: playbackJson(p) } : notFound('Playback');
    }
    case 'DELETE playbacks/:id': {
      const p = ctx.playbacks.get(id!);
      if (!p) return notFound('Playback');
      ctx.finishPlayback(p, 'stopped');
      return NO_CONTENT;
    }
    default:
      return { status: 404, body: { message: `no such operation: ${method} ${url.pathname}` } };
  }
}

function bridgeMembers(
  ctx: RestContext,
  id: string,
  action: string,
  q: URLSearchParams,
): RestReply {
  const bridge = ctx.bridges.get(id);
  if (!bridge) return notFound('Bridge');
  const ids = list(q, 'channel');
  if (ids.length === 0) return bad('Missing parameter channel');
  const chans = ids.map((c) => ctx.channels.get(c));
  if (chans.some((c) => c === undefined)) return bad('Channel not found');
  if (action === 'addChannel') {
    if (chans.some((c) => !c!.inStasis)) return bad('Channel not in Stasis application', 422);
    for (const ch of chans as SimChannel[]) {
      if (ch.bridgeId === bridge.id) continue;
      const old = ch.bridgeId ? ctx.bridges.get(ch.bridgeId) : undefined;
      if (old) {
        old.channels = old.channels.filter((c) => c !== ch.id);
        ctx.bridgeChanged(old.id);
      }
      ch.bridgeId = bridge.id;
      bridge.channels.push(ch.id);
      ctx.emitEvent(ch.app, 'ChannelEnteredBridge', {
        bridge: bridgeJson(bridge),
        channel: channelJson(ch),
      });
    }
    ctx.bridgeChanged(bridge.id);
    return NO_CONTENT;
  }
  for (const ch of chans as SimChannel[]) {
    if (ch.bridgeId !== bridge.id) return bad('Channel not in this bridge', 422);
    bridge.channels = bridge.channels.filter((c) => c !== ch.id);
    ch.bridgeId = undefined;
    ctx.emitEvent(ch.app, 'ChannelLeftBridge', {
      bridge: bridgeJson(bridge),
      channel: channelJson(ch),
    });
  }
  ctx.bridgeChanged(bridge.id);
  return NO_CONTENT;
}
