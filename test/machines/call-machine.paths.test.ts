/**
 * Generated-path tests: every shortest path from `xstate/graph` through the real call machine
 * is replayed against a live actor with test actors, checking invariants after every step,
 * and then the caller hangs up in the path's last state.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import { callPaths, delayedEvents, PATH_INPUT, serializeCallState } from './call-paths.js';

const DELAYS = new Map(delayedEvents().map((d) => [d.type, d.delayMs]));
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

// biome-ignore lint/suspicious/noExplicitAny: path events carry arbitrary payloads
type AnyEvent = any;

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

async function replay(
  input: CallInput,
  steps: Array<{ event: AnyEvent; state: AnyEvent }>,
): Promise<void> {
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
    expect(serializeCallState(snapshot as never)).toBe(serializeCallState(step.state));
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
  const paths = callPaths(scenario.input.direction, scenario.input.bargeInOnGreeting ?? false);
  describe(`call machine paths: ${scenario.name}`, () => {
    it(`generates more than 20 distinct paths (${paths.length})`, () => {
      expect(paths.length).toBeGreaterThan(20);
      const values = new Set(paths.map((p) => JSON.stringify(p.state.value)));
      for (const state of [
        'greeting',
        'listening',
        'thinking',
        'answering',
        'reprompt',
        'apology',
        'didNotCatch',
        'goodbye',
        'repeating',
        'transferring',
        'handingOff',
        'ringing',
        'connectingAgent',
        'tellingAgent',
        'bridging',
        'returning',
        'apologizing',
      ]) {
        expect([...values].some((v) => v.includes(`"${state}"`))).toBe(true);
      }
      expect(paths.some((p) => p.state.status === 'done')).toBe(true);
      expect(paths.some((p) => p.state.context.endReason === 'transferred')).toBe(true);
    });

    it('replays every path, then hangs up in its last state, leaving no actor or timer', async () => {
      for (const path of paths) {
        await replay(scenario.input, path.steps as never);
        walked++;
      }
      // Thousands of paths since the transfer and keypad states: about 40 s of CPU on one core.
    }, 240_000);
  });
}

afterAll(() => {
  console.log(`call machine: walked ${walked} distinct generated paths, each ending in a hang-up`);
});
