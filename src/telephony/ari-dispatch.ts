/**
 * Hands one events-WebSocket message to an ari-client `Client` the way ari-client's own socket
 * handler does (promote Channel/Bridge/Playback properties to resource objects, emit `*`, the
 * type, and `<Type>-<id>` for instance listeners), but refuses what would crash it: a message that
 * is not JSON, or whose `type` has no model in `events.json` (ari-client would throw an uncaught
 * TypeError there).
 *
 * @module
 */

import { createRequire } from 'node:module';
import { ParseError } from '../errors.js';
import type { AriEventBase, Client } from './ari-types.js';

type ResourceFactory = (client: unknown, values: unknown) => { _id(): unknown };
interface AriResources {
  knownTypes: string[];
  [type: string]: unknown;
}
interface ModelProperty {
  name: string;
  dataType?: string;
}
interface ClientInternals {
  _swagger?: { apis?: { events?: { models?: Record<string, { properties?: ModelProperty[] }> } } };
  _instanceListeners: Record<string, Array<{ id: string; once: boolean }> | undefined>;
  emit(event: string, ...args: unknown[]): boolean;
}

const require = createRequire(import.meta.url);
const ariResources = require('ari-client/lib/resources.js') as AriResources;

/** What became of one message. */
export type DispatchResult =
  | { kind: 'dispatched'; event: AriEventBase }
  | { kind: 'unknown'; type: string }
  | { kind: 'invalid'; error: ParseError };

/** The event types `client` has models for (from its `events.json`). */
export function knownEventTypes(client: Client): Set<string> {
  const models = (client as unknown as ClientInternals)._swagger?.apis?.events?.models ?? {};
  return new Set(Object.keys(models));
}

/**
 * Parses `raw` and emits it on `client` like ari-client would. Listener exceptions propagate to
 * the caller (the connection reports them).
 */
export function dispatchAriMessage(client: Client, raw: string): DispatchResult {
  let event: AriEventBase;
  try {
    event = JSON.parse(raw) as AriEventBase;
  } catch (err) {
    return {
      kind: 'invalid',
      error: new ParseError('ari-events', 'message is not JSON', { cause: err }),
    };
  }
  if (typeof event !== 'object' || event === null || typeof event.type !== 'string') {
    return { kind: 'invalid', error: new ParseError('ari-events', 'message has no type') };
  }
  const internals = client as unknown as ClientInternals;
  const models = internals._swagger?.apis?.events?.models;
  // Own keys only: a `type` of "constructor" or "__proto__" must not find Object's members.
  const model = models && Object.hasOwn(models, event.type) ? models[event.type] : undefined;
  if (!model) return { kind: 'unknown', type: event.type };

  const promoted: Record<string, unknown> = {};
  const instanceIds: string[] = [];
  for (const prop of model.properties ?? []) {
    const value = event[prop.name];
    const factory = prop.dataType ? ariResources[prop.dataType] : undefined;
    if (value === undefined || value === null || typeof value !== 'object') continue;
    if (
      !prop.dataType ||
      !ariResources.knownTypes.includes(prop.dataType) ||
      typeof factory !== 'function'
    )
      continue;
    let instance: { _id(): unknown };
    let instanceId: string;
    try {
      // ari-client copies every key onto the resource: `__proto__`, `_id` or `_client` in the
      // message would break it (a TypeError here, before any listener runs).
      instance = (factory as ResourceFactory)(client, value);
      instanceId = String(instance._id());
    } catch (err) {
      const what = `${event.type}.${prop.name} is not a valid ${prop.dataType}`;
      return { kind: 'invalid', error: new ParseError('ari-events', what, { cause: err }) };
    }
    promoted[prop.name] = instance;
    const listeners = internals._instanceListeners[event.type];
    if (listeners) {
      const kept = listeners.filter((l) => !(l.id === instanceId && l.once));
      if (listeners.some((l) => l.id === instanceId) && !instanceIds.includes(instanceId))
        instanceIds.push(instanceId);
      internals._instanceListeners[event.type] = kept;
    }
  }
  const keys = Object.keys(promoted);
  const resources =
    keys.length === 0 ? undefined : keys.length === 1 ? promoted[keys[0]!] : promoted;
  internals.emit('*', event, resources);
  internals.emit(event.type, event, resources);
  for (const id of instanceIds) internals.emit(`${event.type}-${id}`, event, resources);
  return { kind: 'dispatched', event };
}
