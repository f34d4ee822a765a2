/**
 * Generated paths of the call machine with the realtime brain's actors in place
 * (`realtimeCallActors`): once a call has fallen back to cascade, every realtime actor hands over
 * to the cascade actor of its state, so every generated path replays exactly as in cascade mode
 * (same states, same actors started and stopped), and a hang-up in each path's last state leaves
 * no actor and no timer. The cascade test replays every path of its traversals; here one path per state configuration
 * it ends in is enough to reach every state with the realtime actors provided. The live realtime actors are covered end to end in
 * test/e2e/realtime.test.ts (greeting, upgrade, answer, barge-in, a hang-up in greeting, listening
 * and answering, fall-back).
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { CallSession } from '../../src/calls/session.js';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { realtimeCallActors } from '../../src/runtime/realtime-actors.js';
import type { RealtimeBrain } from '../../src/runtime/realtime-brain.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import { delayedEvents, PATH_INPUT, type RegionPath, regionPaths } from './call-paths.js';

const DELAYS = new Map(delayedEvents().map((d) => [d.type, d.delayMs]));
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

// biome-ignore lint/suspicious/noExplicitAny: path events carry arbitrary payloads
type AnyEvent = any;

/** A brain whose session could not be opened: the call answers in cascade mode. */
function fallenBackBrain(): RealtimeBrain {
  const brain = {
    live: undefined,
    fellBack: true,
    ready: async () => undefined,
    take: () => undefined,
    once: () => brain,
    off: () => brain,
  };
  return brain as unknown as RealtimeBrain;
}

async function replay(input: CallInput, path: RegionPath): Promise<void> {
  const steps = path.steps as Array<{ event: AnyEvent; state: AnyEvent }>;
  const clock = new CountingClock();
  const harness = createCallActorHarness();
  const actors = realtimeCallActors(harness.actors, {} as CallSession, fallenBackBrain());
  const actor = createActor(callMachine.provide({ actors }), { input, clock });
  actor.start();
  await flush();
  for (const step of steps) {
    const event = step.event;
    if (event.type === 'xstate.init') continue;
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
    expect([...harness.running].sort()).toEqual(Object.keys(snapshot.children).sort());
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

describe('call machine paths with the realtime actors, fallen back to cascade', () => {
  for (const scenario of [
    { name: 'inbound', input: { ...PATH_INPUT, direction: 'inbound' as const } },
    {
      name: 'outbound with barge-in on the greeting',
      input: { ...PATH_INPUT, direction: 'outbound' as const, bargeInOnGreeting: true },
    },
  ]) {
    it(`replays a path to every state configuration and hangs up there (${scenario.name})`, async () => {
      const all = regionPaths(scenario.input.direction, scenario.input.bargeInOnGreeting ?? false);
      const byEnd = new Map(all.map((p) => [JSON.stringify(p.state.value), p]));
      const paths = [...byEnd.values()];
      expect(paths.length).toBeGreaterThan(20);
      for (const path of paths) await replay(scenario.input, path);
    }, 180_000);
  }
});
