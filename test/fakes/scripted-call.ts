/**
 * Drives a call machine actor through a scripted call with auto-settling test actors:
 * the greeting, then N question/answer turns, then a hang-up. Shared by the machine tests and
 * the machine benchmark.
 */
import { type Actor, createActor } from 'xstate';
import type { callMachine } from '../../src/machines/call.machine.js';
import type { CallInput } from '../../src/machines/call.types.js';
import { type CallActorHarness, createCallActorHarness } from './call-actors.js';

/** Lets settled promise actors deliver their done events. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}

/** A harness whose transcription, retrieval and prompt upgrade settle by themselves. */
export function autoHarness(record = true): CallActorHarness {
  return createCallActorHarness({
    record,
    autoSettle: {
      transcribe: () => ({ text: 'When do you open on Sunday?', engine: 'test' }),
      retrieve: () => ({
        passages: [{ id: 'hours', text: 'Sunday 9:00-15:00.', score: 0.91 }],
        layer: 'local',
        similarity: 0.91,
        waitedForPrefetchMs: 0,
      }),
      upgradePrompt: () => ({ variant: 'full', chars: 3200, builtInMs: 1 }),
      streamAnswer: () => ({ text: 'On Sunday we open at nine.', model: 'test' }),
    },
  });
}

/** Input of a scripted call. */
export function scriptedInput(callId: string, overrides: Partial<CallInput> = {}): CallInput {
  return { callId, direction: 'inbound', language: 'en', format: 'slin16', ...overrides };
}

/**
 * One question and answer, driven by events as the real actors would send them (the harness's
 * transcription, retrieval and answer settle by themselves).
 */
export async function driveTurn(actor: Actor<typeof callMachine>, n: number): Promise<void> {
  actor.send({ type: 'media.speech.start' });
  actor.send({ type: 'media.speech.end', utteranceId: `u${n}`, durationMs: 1200 });
  await settle();
}

/** The phrase the `speak` actor `id` (`greeting`, `goodbye`, `reprompt`...) plays has ended. */
export async function spoken(harness: CallActorHarness, id = 'greeting'): Promise<void> {
  harness.resolve(id, undefined);
  await settle();
}

/**
 * Runs a whole scripted call on `machine` (provided with `harness`'s actors) and returns the
 * stopped actor.
 */
export async function runScriptedCall(
  machine: typeof callMachine,
  harness: CallActorHarness,
  callId: string,
  turns = 5,
): Promise<Actor<typeof callMachine>> {
  const actor = createActor(machine, { input: scriptedInput(callId) });
  actor.start();
  actor.send({ type: 'media.greeting.audible' });
  await spoken(harness);
  for (let i = 0; i < turns; i++) await driveTurn(actor, i);
  actor.send({ type: 'media.hangup', reason: 'caller' });
  actor.stop();
  return actor;
}
