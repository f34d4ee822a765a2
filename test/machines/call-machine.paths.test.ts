/**
 * Generated-path tests: shortest paths from `xstate/graph` through the real call machine are
 * replayed against a live actor with test actors, checking invariants after every step, and then
 * the caller hangs up in the path's last state. The paths come from one traversal per concern
 * (`PATH_KEYS`: the conversation region with its counters, the greeting's outcomes, the prompt
 * region), so every state of every region is reached and hung up in without walking their cross
 * product; the test checks that against the machine's own list of states.
 */

import { afterAll, describe, expect, it } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { createActor } from 'xstate';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import {
  type CallSnapshotLike,
  delayedEvents,
  PATH_INPUT,
  type RegionPath,
  regionPaths,
} from './call-paths.js';

const DELAYS = new Map(delayedEvents().map((d) => [d.type, d.delayMs]));
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

// biome-ignore lint/suspicious/noExplicitAny: path events carry arbitrary payloads
type AnyEvent = any;

/**
 * Ids of every atomic state a call can rest in, from the machine itself (a transient state, left
 * at once by an `always` transition, is passed through, not rested in).
 */
function atomicStates(node: AnyStateNode = callMachine.root): string[] {
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length === 0) return node.always && node.always.length > 0 ? [] : [node.id];
  return children.flatMap((child) => atomicStates(child));
}

/** Ids of the atomic states active in a snapshot's value. */
function activeStates(value: unknown, prefix = 'call'): string[] {
  if (typeof value === 'string') return [`${prefix}.${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    activeStates(child, `${prefix}.${key}`),
  );
}

function firstIndex(log: string[], entry: string): number {
  return log.indexOf(entry);
}

/** Invariants that must hold after every step of every path. */
function checkInvariants(
  log: string[],
  running: Set<string>,
  children: Record<string, unknown>,
  step: { event: AnyEvent; fromAnswering: boolean },
): void {
  // Test actors running are exactly the machine's children: nothing leaks, nothing is missing.
  expect([...running].sort()).toEqual(Object.keys(children).sort());
  // The prompt upgrade never starts before the greeting ends.
  const upgrade = firstIndex(log, 'start:upgradePrompt');
  if (upgrade >= 0) {
    const greetingEnd = log.findIndex((e) => e === 'stop:greeting' || e === 'abort:greeting');
    expect(greetingEnd).toBeGreaterThanOrEqual(0);
    expect(greetingEnd).toBeLessThan(upgrade);
  }
  // Every answer is preceded by a filler started in the same turn.
  let fillerSinceAnswer = false;
  for (const entry of log) {
    if (entry === 'start:filler') fillerSinceAnswer = true;
    if (entry === 'start:answer') {
      expect(fillerSinceAnswer).toBe(true);
      fillerSinceAnswer = false;
    }
  }
  // Barge-in cancels the answer stream.
  if (step.fromAnswering && step.event.type === 'media.speech.start') {
    expect(log.at(-2) === 'stop:answer' || log.includes('stop:answer')).toBe(true);
    expect(running.has('answer')).toBe(false);
  }
}

/**
 * Replays `path` on a live actor, matching each step's snapshot by the path's traversal key,
 * hangs up, and returns the snapshot the path ended in (before the hang-up).
 */
async function replay(input: CallInput, path: RegionPath): Promise<CallSnapshotLike> {
  const steps = path.steps as Array<{ event: AnyEvent; state: AnyEvent }>;
  const clock = new CountingClock();
  const harness = createCallActorHarness();
  const actor = createActor(callMachine.provide({ actors: harness.actors }), { input, clock });
  actor.start();
  await flush();
  for (const step of steps) {
    const event = step.event;
    if (event.type === 'xstate.init') continue;
    const fromAnswering = actor.getSnapshot().matches({ active: { conversation: 'answering' } });
    const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type);
    const error = /^xstate\.error\.actor\.(.+)$/.exec(event.type);
    if (done) harness.resolve(done[1] as string, event.output);
    else if (error) harness.reject(error[1] as string, event.error);
    else if (DELAYS.has(event.type))
      expect(clock.fire(DELAYS.get(event.type) as number)).toBe(true);
    else actor.send(event);
    await flush();
    const snapshot = actor.getSnapshot();
    expect(path.key(snapshot as never)).toBe(path.key(step.state));
    checkInvariants(harness.log, harness.running, snapshot.children, { event, fromAnswering });
  }
  const before = actor.getSnapshot();
  if (before.status === 'active') {
    actor.send({ type: 'media.hangup', reason: 'caller' });
    await flush();
  }
  const after = actor.getSnapshot();
  expect(after.status).toBe('done');
  expect(after.output?.endReason).toBe(
    before.status === 'active' ? 'hangup' : before.context.endReason,
  );
  expect(harness.running.size).toBe(0);
  expect(clock.pending).toBe(0);
  return before as never;
}

const scenarios = [
  { name: 'inbound', input: { ...PATH_INPUT, direction: 'inbound' as const } },
  {
    name: 'outbound with barge-in on the greeting',
    input: { ...PATH_INPUT, direction: 'outbound' as const, bargeInOnGreeting: true },
  },
];

let walked = 0;

for (const scenario of scenarios) {
  describe(`call machine paths: ${scenario.name}`, () => {
    it('replays every path, hangs up in its last state leaving no actor or timer, and so reaches every state of every region', async () => {
      const paths = regionPaths(
        scenario.input.direction,
        scenario.input.bargeInOnGreeting ?? false,
      );
      const ended: CallSnapshotLike[] = [];
      for (const path of paths) {
        ended.push(await replay(scenario.input, path));
        walked++;
      }
      // What the replays reached, against the machine's own states.
      const reached = new Set(ended.flatMap((s) => activeStates(s.value)));
      expect(atomicStates().length).toBeGreaterThan(20);
      expect(atomicStates().filter((id) => !reached.has(id))).toEqual([]);
      const ends = new Set(ended.map((s) => s.context.endReason ?? 'active'));
      expect([...ends].sort()).toEqual([
        'active',
        'end_call',
        'hangup',
        'max_duration',
        'max_silence',
        'max_turns',
        'not_understood',
        'transferred',
      ]);
      const greetings = new Set(ended.map((s) => s.context.greeting));
      expect([...greetings].sort()).toEqual(
        scenario.input.direction === 'inbound'
          ? ['failed', 'pending', 'skipped', 'spoken']
          : ['failed', 'pending', 'spoken'],
      );
      // Every counter a guard reads reaches its limit on some path.
      const limits = PATH_INPUT.limits ?? {};
      const most = (count: (c: CallSnapshotLike['context']) => number) =>
        Math.max(...ended.map((s) => count(s.context)));
      expect(most((c) => c.turns)).toBe(limits.maxTurns);
      expect(most((c) => c.silencePrompts)).toBe(limits.maxSilencePrompts);
      expect(most((c) => c.notUnderstood)).toBe(limits.maxNotUnderstood);
      // Hundreds of paths (the cross product of the regions was thousands).
      expect(paths.length).toBeGreaterThan(200);
    }, 120_000);
  });
}

afterAll(() => {
  console.log(`call machine: walked ${walked} distinct generated paths, each ending in a hang-up`);
});
