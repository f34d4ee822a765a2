/**
 * The call machine's `transferring` region with test actors: the order of an attended
 * transfer's steps, the caller's hold audio (music held from ringing to the bridge, a hold
 * prompt repeated while the agent rings), the agent hanging up before the bridge, the target a
 * request names choosing the mode, and a request with no transfer configured.
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
  const clock = new CountingClock();
  const actor = createActor(callMachine.provide({ actors: harness.actors }), {
    input: { ...PATH_INPUT, ...input },
    clock,
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
  return { actor, harness, at, step, clock };
}

const request = { type: 'call.transfer', mode: 'attended', summary: 'Invoice 42.' } as const;

describe('call machine: transferring', () => {
  it('attended: announce, ring with the hold prompt repeated, connect, tell the agent the summary, bridge, end as transferred', async () => {
    const { actor, harness, at, step, clock } = await listening({});
    actor.send(request);
    await flush();
    expect(at()).toBe('transferring.attended.announcing');
    expect(harness.running.has('watchAgent')).toBe(true);
    await step('transferAnnouncement');
    expect(at()).toBe('transferring.attended.holding.ringing.prompting');
    expect(harness.running.has('holdCaller')).toBe(true);
    expect(harness.inputs.get('holdCaller')).toEqual({ callId: PATH_INPUT.callId });
    expect(harness.inputs.get('holdPrompt')).toMatchObject({
      phrase: { text: 'Still connecting you.' },
    });
    await step('holdPrompt');
    expect(at()).toBe('transferring.attended.holding.ringing.pausing');
    expect(clock.fire(4000)).toBe(true);
    await flush();
    expect(at()).toBe('transferring.attended.holding.ringing.prompting');
    await step('dialAgent');
    expect(at()).toBe('transferring.attended.holding.connectingAgent');
    expect(harness.running.has('holdPrompt')).toBe(false);
    expect(harness.running.has('holdCaller')).toBe(true);
    await step('connectAgent');
    expect(at()).toBe('transferring.attended.holding.tellingAgent');
    expect(harness.inputs.get('tellAgent')).toMatchObject({ phrase: { text: 'Invoice 42.' } });
    await step('tellAgent');
    expect(at()).toBe('transferring.attended.bridging');
    expect(harness.running.has('holdCaller')).toBe(false);
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

  it('a target with music on hold: the hold actor gets its class, no prompt is spoken', async () => {
    const { actor, harness, at, step } = await listening({});
    actor.send({ ...request, target: 'agent' });
    await flush();
    await step('transferAnnouncement');
    expect(at()).toBe('transferring.attended.holding.ringing.quiet');
    expect(harness.inputs.get('holdCaller')).toEqual({
      callId: PATH_INPUT.callId,
      music: 'default',
    });
    expect(harness.inputs.get('dialAgent')).toMatchObject({ target: 'agent' });
    expect(harness.running.has('holdPrompt')).toBe(false);
  });

  it('the caller hangs up during the hold prompt: the call ends and every actor stops', async () => {
    const { actor, harness, step } = await listening({});
    actor.send(request);
    await flush();
    await step('transferAnnouncement');
    actor.send({ type: 'media.hangup', reason: 'caller' });
    await flush();
    expect(actor.getSnapshot().output?.endReason).toBe('hangup');
    expect(harness.running.size).toBe(0);
  });

  it('attended asked at a blind-only target: blind; a target not configured: the apology', async () => {
    const blind = await listening({});
    blind.actor.send({ ...request, target: 'queue' });
    await flush();
    expect(blind.at()).toBe('transferring.blind.announcing');
    const unknown = await listening({});
    unknown.actor.send({ ...request, target: 'nobody' });
    await flush();
    expect(unknown.at()).toBe('transferring.apologizing');
    expect(unknown.harness.log.some((e) => /dialAgent|transferBlind/.test(e))).toBe(false);
  });

  it('no transfer configured: an apology and listening, nothing dialled', async () => {
    const { actor, harness, at, step } = await listening({ transfer: undefined });
    actor.send(request);
    await flush();
    expect(at()).toBe('transferring.apologizing');
    await step('transferApology');
    expect(at()).toMatch(/^listening/);
    expect(harness.log.some((e) => /dialAgent|transferBlind/.test(e))).toBe(false);
  });

  it('blind requested at an attended-only target: attended is used', async () => {
    const { actor, at } = await listening({});
    actor.send({ ...request, target: 'agent', mode: 'blind' });
    await flush();
    expect(at()).toBe('transferring.attended.announcing');
  });
});
