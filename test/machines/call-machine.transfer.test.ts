/**
 * The call machine's `transferring` region with test actors: the order of an attended
 * transfer's steps, the agent hanging up before the bridge, and a request with no transfer
 * configured.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { conversationState } from '../e2e/helpers.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import { PATH_INPUT } from './call-paths.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function listening(input: Partial<CallInput>) {
  const harness = createCallActorHarness();
  const actor = createActor(callMachine.provide({ actors: harness.actors }), {
    input: { ...PATH_INPUT, ...input },
    clock: new CountingClock(),
  });
  actor.start();
  await flush();
  harness.resolve('greeting', undefined);
  await flush();
  expect(conversationState(actor.getSnapshot().value)).toMatch(/^listening/);
  const at = () => conversationState(actor.getSnapshot().value);
  const step = async (id: string, error?: Error) => {
    if (error) harness.reject(id, error);
    else harness.resolve(id, undefined);
    await flush();
  };
  return { actor, harness, at, step };
}

const request = { type: 'call.transfer', mode: 'attended', summary: 'Invoice 42.' } as const;

describe('call machine: transferring', () => {
  it('attended: announce, ring, connect, tell the agent the summary, bridge, end as transferred', async () => {
    const { actor, harness, at, step } = await listening({});
    actor.send(request);
    await flush();
    expect(at()).toBe('transferring.attended.announcing');
    expect(harness.running.has('watchAgent')).toBe(true);
    await step('transferAnnouncement');
    expect(at()).toBe('transferring.attended.ringing');
    await step('dialAgent');
    await step('connectAgent');
    expect(at()).toBe('transferring.attended.tellingAgent');
    expect(harness.inputs.get('tellAgent')).toMatchObject({ phrase: { text: 'Invoice 42.' } });
    await step('tellAgent');
    await step('bridgeTransfer');
    expect(actor.getSnapshot().output?.endReason).toBe('transferred');
    expect(harness.running.size).toBe(0);
  });

  it('the agent hangs up while hearing the summary: back to the caller, an apology, listening', async () => {
    const { actor, at, step } = await listening({});
    actor.send(request);
    await flush();
    await step('transferAnnouncement');
    await step('dialAgent');
    await step('connectAgent');
    actor.send({ type: 'transfer.agent.hangup' });
    await flush();
    expect(at()).toBe('transferring.returning');
    await step('resumeCaller');
    expect(at()).toBe('transferring.apologizing');
    await step('transferApology');
    expect(at()).toMatch(/^listening/);
  });

  it('the agent does not answer: the failure is recorded and the caller hears the apology', async () => {
    const { actor, at, step } = await listening({});
    actor.send(request);
    await flush();
    await step('transferAnnouncement');
    await step('dialAgent', new Error('agent PJSIP/agent-100 did not answer'));
    expect(at()).toBe('transferring.returning');
    expect(actor.getSnapshot().context.lastError?.actor).toBe('dialAgent');
  });

  it('no transfer configured: an apology and listening, nothing dialled', async () => {
    const { actor, harness, at, step } = await listening({
      transfer: { blind: false, attended: false },
    });
    actor.send(request);
    await flush();
    expect(at()).toBe('transferring.apologizing');
    await step('transferApology');
    expect(at()).toMatch(/^listening/);
    expect(harness.log.some((e) => /dialAgent|transferBlind/.test(e))).toBe(false);
  });

  it('blind requested with only attended configured: attended is used', async () => {
    const { actor, at } = await listening({ transfer: { blind: false, attended: true } });
    actor.send({ ...request, mode: 'blind' });
    await flush();
    expect(at()).toBe('transferring.attended.announcing');
  });
});
