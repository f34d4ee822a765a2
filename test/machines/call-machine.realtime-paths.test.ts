/**
 * Generated paths of the call machine with the realtime brain's actors in place
 * (`realtimeCallActors`), one path per state configuration it ends in (the cascade test replays
 * every path), then a hang-up there: no actor and no timer may be left.
 *
 * Live: the brain behaves like an open session (test/fakes/live-realtime-brain.ts): the greeting
 * is the session's response, the end of a turn starts the answer's response at once (the session
 * transcribes the turn; `retrieve` steps aside, so it is not an event of its own), the answer is
 * that response playing, a barge-in or hang-up cancels and truncates it, the prompt upgrade is a
 * `session.update`; with the session's turn detection, `media.speech.start`/`end` come from the
 * session's speech events through the realtime endpointing actor. Paths with an error of a
 * realtime actor or an empty transcript are left to the fallen-back replay: live, those turn into
 * a fall-back to cascade (test/e2e/realtime.test.ts) or a `(speech)` transcript.
 *
 * Fallen back: every realtime actor hands over to the cascade actor of its state, so every path
 * replays exactly as in cascade mode (same states, same actors started and stopped).
 */
import { describe, expect, it } from 'vitest';
import { type AnyActorLogic, createActor, fromCallback, fromPromise } from 'xstate';
import type { CallActors } from '../../src/actors/contracts.js';
import type { CallSession } from '../../src/calls/session.js';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { realtimeCallActors } from '../../src/runtime/realtime-actors.js';
import type { RealtimeBrain } from '../../src/runtime/realtime-brain.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import { FakeLiveBrain, fakeCallSession } from '../fakes/live-realtime-brain.js';
import { callPaths, delayedEvents, PATH_INPUT, serializeCallState } from './call-paths.js';

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

async function replay(
  input: CallInput,
  steps: Array<{ event: AnyEvent; state: AnyEvent }>,
): Promise<void> {
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
    expect(serializeCallState(snapshot as never)).toBe(serializeCallState(step.state));
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

const PROMISE_ACTORS = ['speak', 'transcribe', 'retrieve', 'streamAnswer', 'upgradePrompt'];
const CALLBACK_ACTORS = ['endpointing', 'playFiller', 'prefetchEmbedding', 'preemptAnswer'];
/** Realtime actors whose failure, live, becomes a fall-back to cascade rather than an error. */
const LIVE_ERRORS = /^xstate\.error\.actor\.(greeting|transcribe|retrieve|answer|upgradePrompt)$/;

/**
 * Records which of `actors` run, by id, beside the harness's own records. A realtime actor runs
 * until its promise settles, except one that handed over to a harness actor: the harness's
 * promises never settle once aborted, so the harness's own record says when it stopped.
 */
function recorded(actors: CallActors, running: Set<string>, harnessLog: string[]): CallActors {
  const out = Object.assign({}, actors) as unknown as Record<string, AnyActorLogic>;
  for (const name of PROMISE_ACTORS) {
    const run = (actors[name as keyof CallActors] as { config: (a: never) => Promise<unknown> })
      .config;
    out[name] = fromPromise(async (args: { self: { id: string }; signal: AbortSignal }) => {
      const id = args.self.id;
      running.add(id);
      const from = harnessLog.length;
      args.signal.addEventListener('abort', () =>
        queueMicrotask(() => {
          if (harnessLog.slice(from).includes(`abort:${id}`)) running.delete(id);
        }),
      );
      try {
        return await run(args as never);
      } finally {
        running.delete(args.self.id);
      }
    });
  }
  for (const name of CALLBACK_ACTORS) {
    const listen = (actors[name as keyof CallActors] as { config: (a: never) => unknown }).config;
    out[name] = fromCallback((args: { self: { id: string } }) => {
      running.add(args.self.id);
      const cleanup = listen(args as never) as (() => void) | undefined;
      return () => {
        cleanup?.();
        running.delete(args.self.id);
      };
    });
  }
  return out as unknown as CallActors;
}

/** A live path: none of its events is one a live session turns into something else. */
function livePath(steps: Array<{ event: AnyEvent }>): boolean {
  return steps.every(
    ({ event }) =>
      !LIVE_ERRORS.test(event.type) &&
      !(event.type === 'xstate.done.actor.transcribe' && !event.output.text.trim()),
  );
}

async function replayLive(
  input: CallInput,
  steps: Array<{ event: AnyEvent; state: AnyEvent }>,
  serverTurns: boolean,
): Promise<string[]> {
  const clock = new CountingClock();
  const harness = createCallActorHarness();
  const brain = new FakeLiveBrain({ serverTurns });
  const live = new Set<string>();
  const actors = recorded(
    realtimeCallActors(harness.actors, fakeCallSession(), brain.asBrain()),
    live,
    harness.log,
  );
  const actor = createActor(callMachine.provide({ actors }), { input, clock });
  actor.start();
  await flush();
  for (const step of steps) {
    const event = step.event;
    if (event.type === 'xstate.init') continue;
    const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type);
    const error = /^xstate\.error\.actor\.(.+)$/.exec(event.type);
    if (event.type === 'xstate.done.actor.greeting' && brain.open('greeting')) {
      brain.open('greeting')!.settle({ text: 'Hello!', heardText: 'Hello!' });
    } else if (event.type === 'xstate.done.actor.transcribe' && brain.open('realtime')) {
      brain.open('realtime')!.hear(event.output.text);
    } else if (event.type === 'xstate.done.actor.retrieve' && !harness.running.has('retrieve')) {
      // Live, retrieval is the model's tool: the machine went on by itself.
    } else if (event.type === 'xstate.done.actor.answer' && brain.open('realtime')) {
      const handle = brain.open('realtime')!;
      if (event.output.action) handle.action = event.output.action;
      handle.settle({ text: event.output.text, heardText: event.output.text });
    } else if (
      event.type === 'xstate.done.actor.upgradePrompt' &&
      !harness.running.has('upgradePrompt')
    ) {
      expect(brain.rt.confirmUpgrade()).toBe(true);
    } else if (serverTurns && event.type === 'media.speech.start') {
      brain.rt.emit('caller.speech.started', { audioStartMs: 0, botSpeaking: false, itemId: 'i1' });
    } else if (serverTurns && event.type === 'media.speech.end') {
      brain.rt.emit('caller.speech.stopped', { audioEndMs: 900, itemId: 'i1' });
    } else if (done) harness.resolve(done[1] as string, event.output);
    else if (error) harness.reject(error[1] as string, event.error);
    else if (DELAYS.has(event.type))
      expect(clock.fire(DELAYS.get(event.type) as number)).toBe(true);
    else actor.send(event);
    await flush();
    // Live, retrieving passes at once: the machine is already a step further (see above).
    if (JSON.stringify(step.state.value).includes('"retrieving"')) continue;
    const snapshot = actor.getSnapshot();
    expect(serializeCallState(snapshot as never)).toBe(serializeCallState(step.state));
    expect([...new Set([...harness.running, ...live])].sort()).toEqual(
      Object.keys(snapshot.children).sort(),
    );
  }
  const before = actor.getSnapshot();
  if (before.status === 'active') {
    actor.send({ type: 'media.hangup', reason: 'caller' });
    await flush();
  }
  const after = actor.getSnapshot();
  expect(after.status).toBe('done');
  expect([...harness.running, ...live]).toEqual([]);
  expect(clock.pending).toBe(0);
  expect(brain.fellBack).toBe(false);
  // Every response the machine started has ended (played, or cancelled and truncated).
  expect(brain.handles.every((h) => h.settled)).toBe(true);
  return brain.rt.requests;
}

const generated = new Map<string, ReturnType<typeof callPaths>>();
/** The generated paths of a scenario, made once for every test of this file. */
function pathsOf(input: CallInput): ReturnType<typeof callPaths> {
  const key = `${input.direction}:${input.bargeInOnGreeting ?? false}`;
  let paths = generated.get(key);
  if (!paths) {
    paths = callPaths(input.direction, input.bargeInOnGreeting ?? false);
    generated.set(key, paths);
  }
  return paths;
}

const SCENARIOS = [
  { name: 'inbound', input: { ...PATH_INPUT, direction: 'inbound' as const } },
  {
    name: 'outbound with barge-in on the greeting',
    input: { ...PATH_INPUT, direction: 'outbound' as const, bargeInOnGreeting: true },
  },
];

describe('call machine paths with live realtime actors', () => {
  for (const serverTurns of [false, true]) {
    for (const scenario of SCENARIOS) {
      it(`replays a path to every live state configuration and hangs up there (${scenario.name}, ${serverTurns ? 'session turns' : 'local turns'})`, async () => {
        const all = pathsOf(scenario.input);
        const byEnd = new Map<string, (typeof all)[number]>();
        for (const p of all) {
          const key = JSON.stringify(p.state.value);
          if (key.includes('"retrieving"')) continue;
          if (!byEnd.has(key) && livePath(p.steps as never)) byEnd.set(key, p);
        }
        const paths = [...byEnd.values()];
        expect(paths.length).toBeGreaterThan(20);
        const ends = paths.map((p) => JSON.stringify(p.state.value));
        // The mode's states are all reached live, the prompt upgrade among them.
        for (const state of [
          '"speaking"',
          '"waiting"',
          '"hearing"',
          '"transcribing"',
          '"answering"',
          '"upgrading"',
          '"full"',
        ]) {
          expect(ends.some((e) => e.includes(state))).toBe(true);
        }
        const requests = new Set<string>();
        for (const path of paths) {
          for (const r of await replayLive(scenario.input, path.steps as never, serverTurns)) {
            requests.add(r);
          }
        }
        expect([...requests].sort()).toEqual([
          'response.cancel + item.truncate',
          'response.create',
          'response.create (turn)',
          'session.update',
        ]);
      }, 180_000);
    }
  }
});

describe('call machine paths with the realtime actors, fallen back to cascade', () => {
  for (const scenario of [
    { name: 'inbound', input: { ...PATH_INPUT, direction: 'inbound' as const } },
    {
      name: 'outbound with barge-in on the greeting',
      input: { ...PATH_INPUT, direction: 'outbound' as const, bargeInOnGreeting: true },
    },
  ]) {
    it(`replays a path to every state configuration and hangs up there (${scenario.name})`, async () => {
      const all = pathsOf(scenario.input);
      const byEnd = new Map(all.map((p) => [JSON.stringify(p.state.value), p]));
      const paths = [...byEnd.values()];
      expect(paths.length).toBeGreaterThan(20);
      for (const path of paths) await replay(scenario.input, path.steps as never);
    }, 180_000);
  }
});
