/**
 * Machine benchmark: how many call actors per second can be created, driven through a scripted
 * five-turn call with test actors and stopped on one core, next to a bare XState machine of the
 * same shape with do-nothing callback actors; and the heap retained per call after 10,000 calls.
 * The runtime provides each call's machine with its own actors
 * (`callMachine.provide({ actors: createCallActors(session, shared) })`): `provideMsPerCall` is
 * the cost of building a call's actor set and providing it, and `withProvide` the call rate when
 * every call pays it.
 *
 * `npm run bench -- machine --json`
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createActor, fromCallback, fromPromise, setup } from 'xstate';
import { callMachine } from '../src/machines/call.machine.js';
import { autoHarness, runScriptedCall, settle } from '../test/fakes/scripted-call.js';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const noop = fromCallback(() => () => {});
const bare = setup({
  actors: {
    noop,
    answer: fromPromise(async () => 'ok'),
  },
}).createMachine({
  id: 'bare',
  initial: 'active',
  states: {
    active: {
      type: 'parallel',
      invoke: [
        { id: 'media', src: 'noop' },
        { id: 'vad', src: 'noop' },
      ],
      on: { hangup: 'ended' },
      states: {
        conversation: {
          initial: 'greeting',
          states: {
            greeting: { invoke: { id: 'g', src: 'noop' }, on: { done: 'listening' } },
            listening: { on: { end: 'thinking' } },
            thinking: {
              invoke: [
                { id: 'filler', src: 'noop' },
                { id: 'prefetch', src: 'noop' },
                { id: 'stt', src: 'answer', onDone: 'answering' },
              ],
            },
            answering: { invoke: { id: 'answer', src: 'noop' }, on: { done: 'listening' } },
          },
        },
        prompt: {
          initial: 'compact',
          states: {
            compact: { on: { done: 'upgrading' } },
            upgrading: { invoke: { id: 'up', src: 'answer', onDone: 'full' } },
            full: {},
          },
        },
      },
    },
    ended: { type: 'final' },
  },
});

async function bareCall(): Promise<void> {
  const actor = createActor(bare);
  actor.start();
  actor.send({ type: 'done' });
  await settle();
  for (let i = 0; i < 5; i++) {
    actor.send({ type: 'end' });
    await settle();
    actor.send({ type: 'done' });
  }
  actor.send({ type: 'hangup' });
  actor.stop();
}

const harness = autoHarness(false);
const machine = callMachine.provide({ actors: harness.actors });

async function rate(fn: (i: number) => Promise<unknown>, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return n / ((performance.now() - t0) / 1000);
}

export default async function run(_opts: { json: boolean }) {
  const calls = 2_000;
  await rate(bareCall, 500);
  await rate((i) => runScriptedCall(machine, harness, `w${i}`), 500);
  const bareRates: number[] = [];
  const ourRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    bareRates.push(await rate(bareCall, calls));
    ourRates.push(await rate((i) => runScriptedCall(machine, harness, `c${round}-${i}`), calls));
  }
  const providedRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    providedRates.push(
      await rate((i) => {
        const own = autoHarness(false);
        return runScriptedCall(callMachine.provide({ actors: own.actors }), own, `p${round}-${i}`);
      }, calls),
    );
  }
  const provides = 20_000;
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < provides; i++) {
    sink += callMachine.provide({ actors: autoHarness(false).actors }).id.length;
  }
  const provideMsPerCall = (performance.now() - t0) / provides;
  if (sink === 0) throw new Error('unreachable');
  const median = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const retainedCalls = 10_000;
  for (let i = 0; i < retainedCalls; i++) await runScriptedCall(machine, harness, `r${i}`);
  await new Promise((r) => setTimeout(r, 50));
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;

  const callsPerSecond = Math.round(median(ourRates));
  const bareCallsPerSecond = Math.round(median(bareRates));
  return {
    callsPerSecond,
    bareCallsPerSecond,
    ratioToBare: Number((callsPerSecond / bareCallsPerSecond).toFixed(3)),
    provideMsPerCall: Number(provideMsPerCall.toFixed(4)),
    withProvide: {
      callsPerSecond: Math.round(median(providedRates)),
      ratioToBare: Number((median(providedRates) / bareCallsPerSecond).toFixed(3)),
    },
    turnsPerCall: 5,
    retainedBytesPerCall: Math.round((after - before) / retainedCalls),
    retainedCalls,
    goals: { callsPerSecond: '> 1000', retainedBytesPerCall: '< 1024' },
  };
}
