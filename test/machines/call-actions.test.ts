import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { AnswerOutput } from '../../src/actors/contracts.js';
import { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import {
  type CallActorHarness,
  CountingClock,
  createCallActorHarness,
} from '../fakes/call-actors.js';
import { driveTurn, scriptedInput, settle, spoken } from '../fakes/scripted-call.js';
import { PATH_TRANSFER } from './call-paths.js';

const at = (actor: { getSnapshot(): { value: unknown } }) =>
  JSON.stringify(actor.getSnapshot().value);

const DIGITS: Partial<CallInput> = {
  digitActions: {
    '0': { action: 'transfer' },
    '*': { action: 'repeat' },
    '#': { action: 'submit' },
    '9': { action: 'end_call' },
  },
  transfer: PATH_TRANSFER,
};

function start(answer: () => AnswerOutput, input: Partial<CallInput> = DIGITS) {
  const harness: CallActorHarness = createCallActorHarness({
    autoSettle: {
      transcribe: () => ({ text: 'Can I talk to a person?', engine: 'test' }),
      retrieve: () => ({ passages: [], layer: 'local', similarity: 0, waitedForPrefetchMs: 0 }),
      upgradePrompt: () => ({ variant: 'full', chars: 3200, builtInMs: 1 }),
      streamAnswer: answer,
    },
  });
  const actor = createActor(callMachine.provide({ actors: harness.actors }), {
    input: scriptedInput('a1', input),
    clock: new CountingClock(),
  });
  const raised: unknown[] = [];
  actor.system.inspect((ev) => {
    if (ev.type !== '@xstate.action' || ev.action.type !== 'xstate.raise') return;
    const event = (ev.action.params as { event?: { type: string } } | undefined)?.event;
    if (event?.type.startsWith('call.')) raised.push(event);
  });
  actor.start();
  return { actor, harness, raised };
}

const plain = () => ({ text: 'We open at nine.', model: 'test' });

describe('call machine actions', () => {
  it('end_call: the answer plays, then the goodbye, then the call ends', async () => {
    const { actor, harness, raised } = start(() => ({
      text: 'Thanks for calling!',
      model: 'test',
      action: { type: 'call.end' as const, reason: 'caller_done' },
    }));
    await spoken(harness);
    await driveTurn(actor as never, 0);
    expect(raised).toEqual([{ type: 'call.end', reason: 'caller_done' }]);
    expect(at(actor)).toContain('"goodbye"');
    expect(actor.getSnapshot().context.history.at(-1)).toEqual({
      role: 'assistant',
      content: 'Thanks for calling!',
    });
    await spoken(harness, 'goodbye');
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output?.endReason).toBe('end_call');
    expect(harness.running.size).toBe(0);
  });

  it('transfer_call: the answer raises one call.transfer for the transfer states', async () => {
    const transfer = {
      type: 'call.transfer' as const,
      mode: 'attended' as const,
      target: 'PJSIP/agent',
      summary: 'Asks about a refund.',
    };
    const { actor, harness, raised } = start(() => ({
      text: 'One moment.',
      model: 't',
      action: transfer,
    }));
    await spoken(harness);
    await driveTurn(actor as never, 0);
    expect(raised).toEqual([transfer]);
    actor.send({ type: 'media.hangup' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(harness.running.size).toBe(0);
  });

  it('digit 0 asks for a person with the configured transfer, 9 ends the call', async () => {
    const { actor, harness, raised } = start(plain);
    await spoken(harness);
    actor.send({ type: 'media.dtmf', digit: '0' });
    expect(raised).toEqual([
      { type: 'call.transfer', summary: 'The caller pressed 0 to reach a person.' },
    ]);
    actor.send({ type: 'media.dtmf', digit: '9' });
    expect(at(actor)).toContain('"goodbye"');
    actor.send({ type: 'media.dtmf', digit: '9' });
    expect(raised).toHaveLength(2);
    await spoken(harness, 'goodbye');
    expect(actor.getSnapshot().output?.endReason).toBe('end_call');
  });

  it('* repeats the last answer; speech interrupts the repeat', async () => {
    const { actor, harness } = start(plain);
    await spoken(harness);
    actor.send({ type: 'media.dtmf', digit: '*' });
    expect(at(actor)).not.toContain('"repeating"');
    await driveTurn(actor as never, 0);
    actor.send({ type: 'media.dtmf', digit: '*' });
    expect(at(actor)).toContain('"repeating"');
    expect(harness.inputs.get('repeat')).toMatchObject({ phrase: { text: 'We open at nine.' } });
    actor.send({ type: 'media.speech.start' });
    expect(at(actor)).toContain('"hearing"');
    actor.send({ type: 'media.dtmf', digit: '*' });
    await spoken(harness, 'repeat');
    expect(at(actor)).toContain('"listening"');
  });

  it('# ends a typed number, which becomes the question of the turn', async () => {
    const { actor, harness } = start(plain);
    await spoken(harness);
    for (const digit of ['4', '2', '#']) actor.send({ type: 'media.dtmf', digit });
    await settle();
    expect(harness.inputs.get('answer')).toMatchObject({
      query: 'The caller typed on the keypad: 42',
    });
    expect(actor.getSnapshot().context.keypad).toBe('');
    expect(actor.getSnapshot().context.dtmf).toBe('42#');
  });

  it('without digit actions every digit is only stored', async () => {
    const { actor, harness, raised } = start(plain, {});
    await spoken(harness);
    for (const digit of ['0', '*', '#', '9']) actor.send({ type: 'media.dtmf', digit });
    expect(raised).toEqual([]);
    expect(at(actor)).toContain('"listening"');
    expect(actor.getSnapshot().context.dtmf).toBe('0*#9');
  });
});
