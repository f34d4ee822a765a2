/**
 * What `/calls` shows of the calls in progress: id, machine state, direction, start, turns and
 * flag variants. Built field by field from the call handles, so no phone number or transcript
 * can slip in.
 *
 * @module
 */
import type { StateValue } from 'xstate';
import type { ConsoleCall, WebConsole } from '../console/console.js';
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

/**
 * What the web console shows of a call: its state, turns (the timeline's, words inside: the
 * console shows them only when transcripts may be kept), cost so far and recording.
 */
export function consoleCallOf(
  h: CallHandle,
  ended?: { reason: string; atMs: number },
): ConsoleCall {
  const snapshot = h.actor.getSnapshot();
  const recording = h.session.recordingPath || undefined;
  return {
    id: h.id,
    state: stateValueString(snapshot.value),
    direction: h.session.endpoint.direction,
    language: snapshot.context.language,
    startedAt: h.session.startedAt,
    ...(ended ? { endedAt: ended.atMs, endReason: ended.reason } : {}),
    turns: h.session.timeline
      .turns()
      .map((t) => ({ ...t, ...(t.marks ? { marks: { ...t.marks } } : {}) })),
    cost: h.session.ledger.breakdown(),
    ...(recording ? { recordingPath: recording } : {}),
  };
}

/** Keeps `handle`'s call in the console's ring of recent calls once it ends. */
export function keepWhenEnded(web: Pick<WebConsole, 'ended'>, handle: CallHandle): void {
  handle.session.timeline.watch((note) => {
    if (note.type === 'ended')
      web.ended(consoleCallOf(handle, { reason: note.reason, atMs: Date.now() }));
  });
}
