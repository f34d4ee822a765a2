/**
 * The call timeline learns a call's transfers from the call machine's snapshots: the real
 * machine with test actors, its inspection feeding `transferWatcher`.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { CallTimeline } from '../../src/calls/timeline.js';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { type TransferSnapshot, transferWatcher } from '../../src/runtime/transfer-watch.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import { PATH_INPUT } from '../machines/call-paths.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function listeningCall(input: Partial<CallInput> = {}) {
  let nowMs = 0;
  const timeline = new CallTimeline({ now: () => nowMs });
  const watch = transferWatcher(timeline);
  const harness = createCallActorHarness();
  let self: unknown;
  const actor = createActor(callMachine.provide({ actors: harness.actors }), {
    input: { ...PATH_INPUT, ...input },
    clock: new CountingClock(),
    inspect: (event) => {
      if (event.type === '@xstate.snapshot' && event.actorRef === self)
        watch(event.snapshot as unknown as TransferSnapshot);
    },
  });
  self = actor;
  actor.start();
  await flush();
  harness.resolve('greeting', undefined);
  await flush();
  const step = async (id: string, error?: Error) => {
    if (error) harness.reject(id, error);
    else harness.resolve(id, undefined);
    await flush();
  };
  const at = (ms: number) => {
    nowMs = ms;
  };
  return { actor, timeline, step, at };
}

describe('transferWatcher', () => {
  it('an attended transfer: requested on entering the state, transferred when the call ends so', async () => {
    const { actor, timeline, step, at } = await listeningCall();
    at(1_000);
    actor.send({ type: 'call.transfer', mode: 'attended', summary: 'Invoice 42.' });
    await flush();
    expect(timeline.transfers()).toEqual([{ kind: 'attended', requestedAtMs: 1_000 }]);
    at(2_000);
    await step('transferAnnouncement');
    await step('dialAgent');
    await step('connectAgent');
    await step('tellAgent');
    at(4_500);
    await step('bridgeTransfer');
    expect(actor.getSnapshot().output?.endReason).toBe('transferred');
    timeline.ended('transferred');
    expect(timeline.transfers()).toEqual([
      {
        kind: 'attended',
        requestedAtMs: 1_000,
        outcome: 'transferred',
        endedAtMs: 4_500,
        requestToBridgedMs: 3_500,
      },
    ]);
  });

  it('a blind transfer that fails returns; a second one can follow', async () => {
    const { actor, timeline, step, at } = await listeningCall();
    at(100);
    actor.send({ type: 'call.transfer', mode: 'blind', summary: 'x' });
    await flush();
    await step('transferAnnouncement');
    at(300);
    await step('transferBlind', new Error('Asterisk refused'));
    await step('resumeCaller');
    await step('transferApology');
    at(900);
    actor.send({ type: 'call.transfer', mode: 'blind', summary: 'x' });
    await flush();
    expect(timeline.transfers()).toEqual([
      { kind: 'blind', requestedAtMs: 100, outcome: 'returned', endedAtMs: 300 },
      { kind: 'blind', requestedAtMs: 900 },
    ]);
    at(1_200);
    actor.send({ type: 'media.hangup', reason: 'hangup' });
    await flush();
    timeline.ended('hangup');
    expect(timeline.transfers()[1]).toMatchObject({ outcome: 'abandoned', endedAtMs: 1_200 });
  });

  it('no transfer configured: requested and unavailable at once', async () => {
    const { actor, timeline } = await listeningCall({ transfer: undefined });
    actor.send({ type: 'call.transfer', mode: 'attended', summary: 'x' });
    await flush();
    expect(timeline.transfers()).toEqual([
      { kind: 'attended', requestedAtMs: 0, outcome: 'unavailable', endedAtMs: 0 },
    ]);
  });
});
