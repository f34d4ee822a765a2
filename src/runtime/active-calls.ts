/**
 * What `/calls` shows of the calls in progress: id, machine state, direction, start, turns and
 * flag variants. Built field by field from the call handles, so no phone number or transcript
 * can slip in.
 *
 * @module
 */
import type { StateValue } from 'xstate';
import type { ActiveCallInfo } from '../ops/server.js';
import type { CallHandle } from './runtime.js';

/**
 * A state value as one string of leaf paths, e.g.
 * `active.conversation.listening,active.prompt.full`.
 */
export function stateValueString(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .flatMap(([key, child]) =>
      child === undefined
        ? [key]
        : stateValueString(child)
            .split(',')
            .map((leaf) => `${key}.${leaf}`),
    )
    .join(',');
}

/**
 * The ops server's view of the calls in progress.
 *
 * @example
 * ```ts
 * createOpsServer({ registry, calls: () => activeCallInfo(runtime.handles()) });
 * ```
 */
export function activeCallInfo(handles: readonly CallHandle[]): ActiveCallInfo[] {
  return handles.map((h) => {
    const snapshot = h.actor.getSnapshot();
    return {
      id: h.id,
      state: stateValueString(snapshot.value),
      direction: h.session.endpoint.direction,
      startedAt: h.session.startedAt,
      turns: snapshot.context.turns,
      flags: { ...h.session.flags },
    };
  });
}
