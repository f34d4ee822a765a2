import { describe, expect, it } from 'vitest';
import { createActor, fromCallback } from 'xstate';
import {
  boundHistory,
  callMachine,
  initialCallContext,
  promptVariant,
} from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { CountingClock, createCallActorHarness } from '../fakes/call-actors.js';
import {
  autoHarness,
  driveTurn,
  runScriptedCall,
  scriptedInput,
  settle,
  spoken,
} from '../fakes/scripted-call.js';

const at = (actor: { getSnapshot(): { value: unknown } }) =>
  JSON.stringify(actor.getSnapshot().value);

function start(input: Partial<CallInput> = {}, harness = autoHarness()) {
  const clock = new CountingClock();
  const actor = createActor(callMachine.provide({ actors: harness.actors }), {
    input: scriptedInput('t1', input),
    clock,
  });
  actor.start();
  return { actor, harness, clock };
}

describe('call machine', () => {
  it('runs a scripted five-turn call and ends on hang-up with every actor stopped', async () => {
    const harness = autoHarness();
    const actor = await runScriptedCall(
      callMachine.provide({ actors: harness.actors }),
      harness,
      'c5',
      5,
    );
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toMatchObject({
      endReason: 'hangup',
      turns: 5,
    });
    expect(harness.running.size).toBe(0);
    expect(harness.log.filter((e) => e === 'start:answer')).toHaveLength(5);
  });

  it('starts filler, prefetch and transcription together at the end of speech', async () => {
    const { actor, harness } = start({}, createCallActorHarness());
    await spoken(harness);
    actor.send({ type: 'media.speech.start' });
    const before = harness.log.length;
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 500 });
    // Leaving listening stops its preemptive-answer child (the turn is closed to new ones).
    expect(harness.log.slice(before)).toEqual([
      'stop:preempt',
      'start:filler',
      'start:prefetch',
      'start:transcribe',
    ]);
    expect(harness.inputs.get('transcribe')).toMatchObject({ utteranceId: 'u1' });
  });

  it('answers while the prompt upgrade runs; the prompt region says which prompt is in force', async () => {
    const { actor, harness } = start({}, createCallActorHarness());
    await spoken(harness);
    expect(harness.running.has('upgradePrompt')).toBe(true);
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 500 });
    harness.resolve('transcribe', { text: 'hours?', engine: 't' });
    await settle();
    harness.resolve('retrieve', {
      passages: [],
      layer: 'keyword',
      similarity: 0,
      waitedForPrefetchMs: 0,
    });
    await settle();
    expect(harness.inputs.get('answer')).toMatchObject({ query: 'hours?' });
    expect(promptVariant(actor.getSnapshot())).toBe('compact');
    harness.resolve('upgradePrompt', { variant: 'full', chars: 3000, builtInMs: 2 });
    await settle();
    expect(promptVariant(actor.getSnapshot())).toBe('full');
    expect(at(actor)).toContain('"answering"');
    harness.resolve('answer', { text: 'We open at 9.', model: 'm' });
    await settle();
    actor.send({ type: 'media.speech.end', utteranceId: 'u2', durationMs: 500 });
    harness.resolve('transcribe', { text: 'and Sunday?', engine: 't' });
    await settle();
    harness.resolve('retrieve', {
      passages: [],
      layer: 'keyword',
      similarity: 0,
      waitedForPrefetchMs: 0,
    });
    await settle();
    expect(harness.inputs.get('answer')).toMatchObject({
      history: [
        { role: 'user', content: 'hours?' },
        { role: 'assistant', content: 'We open at 9.' },
      ],
    });
  });

  it('forwards the final transcript to the prefetch actor', async () => {
    const received: unknown[] = [];
    const harness = autoHarness();
    const actors = {
      ...harness.actors,
      prefetchEmbedding: fromCallback(({ receive }) => {
        receive((e) => received.push(e));
      }),
    };
    const actor = createActor(callMachine.provide({ actors: actors as never }), {
      input: scriptedInput('p'),
    });
    actor.start();
    await spoken(harness);
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 500 });
    await settle();
    expect(received).toEqual([{ type: 'stt.final', text: 'When do you open on Sunday?' }]);
    actor.stop();
  });

  it('inbound: a caller who speaks before the greeting is listened to first', () => {
    const { actor, harness } = start({ direction: 'inbound' }, createCallActorHarness());
    actor.send({ type: 'media.speech.start' });
    expect(at(actor)).toContain('"hearing"');
    expect(actor.getSnapshot().context.greeting).toBe('skipped');
    expect(harness.running.has('greeting')).toBe(false);
    expect(harness.running.has('upgradePrompt')).toBe(true);
  });

  it('inbound: once the greeting is audible, caller speech does not skip it', () => {
    const { actor, harness } = start({ direction: 'inbound' }, createCallActorHarness());
    actor.send({ type: 'media.greeting.audible' });
    expect(at(actor)).toContain('"speaking"');
    actor.send({ type: 'media.speech.start' });
    expect(at(actor)).toContain('"greeting"');
    expect(harness.running.has('greeting')).toBe(true);
  });

  it('outbound: the bot speaks first; caller speech does not stop the greeting unless configured', () => {
    const { actor } = start({ direction: 'outbound' });
    actor.send({ type: 'media.speech.start' });
    actor.send({ type: 'media.greeting.audible' });
    actor.send({ type: 'media.speech.start' });
    expect(at(actor)).toContain('"greeting"');
    const configured = start({ direction: 'outbound', bargeInOnGreeting: true });
    configured.actor.send({ type: 'media.greeting.audible' });
    configured.actor.send({ type: 'media.speech.start' });
    expect(at(configured.actor)).toContain('"hearing"');
    expect(configured.actor.getSnapshot().context.bargeIns).toBe(1);
  });

  it('a question asked over a greeting that may not be interrupted is answered after it', async () => {
    const { actor, harness } = start({ direction: 'outbound' }, createCallActorHarness());
    actor.send({ type: 'media.greeting.audible' });
    actor.send({ type: 'media.speech.start' });
    actor.send({ type: 'media.speech.end', utteranceId: 'early', durationMs: 900 });
    expect(at(actor)).toContain('"greeting"');
    await spoken(harness);
    expect(at(actor)).toContain('"transcribing"');
    expect(harness.inputs.get('transcribe')).toMatchObject({ utteranceId: 'early' });
    harness.resolve('transcribe', { text: 'Do you deliver?', engine: 't' });
    await settle();
    expect(actor.getSnapshot().context.utterance).toBe('Do you deliver?');
  });

  it('barge-in during the answer stops the answer actor and listens again', async () => {
    const { actor, harness } = start(
      {},
      createCallActorHarness({
        autoSettle: {
          transcribe: () => ({ text: 'When do you open?', engine: 'test' }),
          retrieve: () => ({
            passages: [],
            layer: 'keyword',
            similarity: 0,
            waitedForPrefetchMs: 0,
          }),
        },
      }),
    );
    await spoken(harness);
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 500 });
    await settle();
    expect(harness.running.has('answer')).toBe(true);
    actor.send({ type: 'media.speech.start' });
    expect(harness.running.has('answer')).toBe(false);
    expect(harness.log.slice(-2)).toEqual(['abort:answer', 'start:preempt']);
    expect(harness.inputs.get('preempt')).toMatchObject({ history: [], language: 'en' });
    expect(at(actor)).toContain('"hearing"');
    expect(actor.getSnapshot().context.bargeIns).toBe(1);
  });

  it('max turns: the last answer is followed by a goodbye', async () => {
    const { actor, harness } = start({ limits: { maxTurns: 2 } });
    await spoken(harness);
    await driveTurn(actor as never, 0);
    expect(at(actor)).toContain('"listening"');
    await driveTurn(actor as never, 1);
    expect(at(actor)).toContain('"goodbye"');
    await spoken(harness, 'goodbye');
    expect(actor.getSnapshot().output).toMatchObject({ endReason: 'max_turns', turns: 2 });
  });

  it('max silence: reprompts, then says goodbye', async () => {
    const { actor, clock, harness } = start({
      limits: { maxSilenceMs: 7000, maxSilencePrompts: 1 },
    });
    await spoken(harness);
    clock.advance(6999);
    expect(at(actor)).toContain('"listening"');
    clock.advance(1);
    expect(at(actor)).toContain('"reprompt"');
    expect(harness.inputs.get('reprompt')).toMatchObject({ phrase: 'stillThere' });
    await spoken(harness, 'reprompt');
    clock.advance(7000);
    expect(at(actor)).toContain('"goodbye"');
    await spoken(harness, 'goodbye');
    expect(actor.getSnapshot().output?.endReason).toBe('max_silence');
    expect(clock.pending).toBe(0);
  });

  it('max call duration: says the time-up goodbye from any state', async () => {
    const { actor, clock, harness } = start({
      limits: { maxCallMs: 60_000, maxSilenceMs: 100_000 },
    });
    await spoken(harness);
    clock.advance(60_000);
    expect(at(actor)).toContain('"goodbye"');
    expect(harness.inputs.get('goodbye')).toMatchObject({ phrase: 'timeUp', interruptible: false });
    actor.send({ type: 'media.speech.start' });
    expect(at(actor)).toContain('"goodbye"');
  });

  it("empty transcripts: says it didn't catch that, then gives up politely", async () => {
    const harness = createCallActorHarness();
    const { actor } = start({ limits: { maxNotUnderstood: 2 } }, harness);
    await spoken(harness);
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 300 });
    harness.resolve('transcribe', { text: '', engine: 't' });
    await settle();
    expect(at(actor)).toContain('"didNotCatch"');
    await spoken(harness, 'didNotCatch');
    actor.send({ type: 'media.speech.end', utteranceId: 'u2', durationMs: 300 });
    harness.resolve('transcribe', { text: ' ', engine: 't' });
    await settle();
    expect(at(actor)).toContain('"goodbye"');
    await spoken(harness, 'goodbye');
    expect(actor.getSnapshot().output?.endReason).toBe('not_understood');
  });

  it('a failed transcription or answer is met with an apology, and the call goes on', async () => {
    const harness = createCallActorHarness();
    const { actor } = start({}, harness);
    await spoken(harness);
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 300 });
    harness.reject('transcribe', new Error('whisper crashed'));
    await settle();
    expect(at(actor)).toContain('"apology"');
    expect(actor.getSnapshot().context.lastError).toEqual({
      actor: 'transcribe',
      message: 'whisper crashed',
    });
    await spoken(harness, 'apology');
    expect(at(actor)).toContain('"listening"');
  });

  it('a greeting or phrase that fails is recorded once, and the call goes on', async () => {
    const harness = createCallActorHarness();
    const { actor } = start({ limits: { maxSilenceMs: 7000 } }, harness);
    harness.reject('greeting', new Error('tts down'));
    await settle();
    expect(at(actor)).toContain('"listening"');
    expect(actor.getSnapshot().context.greeting).toBe('failed');
    expect(actor.getSnapshot().context.lastError).toEqual({
      actor: 'greeting',
      message: 'tts down',
    });
    actor.send({ type: 'media.speech.start' });
    actor.send({ type: 'media.speech.end', utteranceId: 'u1', durationMs: 300 });
    harness.reject('transcribe', new Error('whisper crashed'));
    await settle();
    harness.reject('apology', new Error('format mismatch'));
    await settle();
    expect(at(actor)).toContain('"listening"');
    expect(actor.getSnapshot().context.lastError).toEqual({
      actor: 'apology',
      message: 'format mismatch',
    });
  });

  it('a media actor that fails ends the call with reason error', () => {
    const harness = autoHarness();
    const actors = {
      ...harness.actors,
      media: fromCallback(() => {
        throw new Error('socket gone');
      }),
    };
    const actor = createActor(callMachine.provide({ actors: actors as never }), {
      input: scriptedInput('m'),
    });
    actor.start();
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output?.endReason).toBe('error');
  });

  it('an actor that was not provided fails with a clear error', () => {
    const actor = createActor(callMachine, { input: scriptedInput('x') });
    actor.start();
    expect(actor.getSnapshot().context.lastError?.message).toMatch(
      /"media" actor was not provided/,
    );
  });

  it('keeps a small, serializable context that survives a persisted-snapshot round trip', async () => {
    const { actor, harness } = start();
    await spoken(harness);
    await driveTurn(actor as never, 0);
    actor.send({ type: 'media.dtmf', digit: '5' });
    const persisted = actor.getPersistedSnapshot();
    const json = JSON.stringify(persisted);
    expect(json.length).toBeLessThan(4096);
    const restored = createActor(callMachine.provide({ actors: harness.actors }), {
      snapshot: JSON.parse(json),
      input: scriptedInput('t1'),
    });
    restored.start();
    expect(restored.getSnapshot().context).toEqual(actor.getSnapshot().context);
    expect(restored.getSnapshot().value).toEqual(actor.getSnapshot().value);
    restored.stop();
  });
});

describe('call machine helpers', () => {
  it('bounds the history to the last messages', () => {
    expect(boundHistory([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(boundHistory([], [1], 4)).toEqual([1]);
  });

  it('fills limits from defaults', () => {
    const ctx = initialCallContext(scriptedInput('c', { limits: { maxTurns: 3 } }));
    expect(ctx.limits.maxTurns).toBe(3);
    expect(ctx.limits.maxSilenceMs).toBe(8000);
  });
});

describe('call machine regions', () => {
  it('the call-duration limit leaves the prompt region as it is', async () => {
    const harness = createCallActorHarness();
    const clock = new CountingClock();
    const actor = createActor(callMachine.provide({ actors: harness.actors }), {
      input: scriptedInput('r', { limits: { maxCallMs: 60_000, maxSilenceMs: 100_000 } }),
      clock,
    });
    actor.start();
    await spoken(harness);
    harness.resolve('upgradePrompt', { variant: 'full', chars: 3000, builtInMs: 1 });
    await settle();
    expect(actor.getSnapshot().value).toMatchObject({ active: { prompt: 'full' } });
    clock.advance(60_000);
    expect(actor.getSnapshot().value).toEqual({
      active: { conversation: 'goodbye', prompt: 'full' },
    });
  });
});
