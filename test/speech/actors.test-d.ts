/**
 * Type tests: the speech actors fit the call machine's actor contracts. Checked by the type
 * checker, never run.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { CallActors } from '../../src/actors/contracts.js';
import { createPlayFillerActor } from '../../src/actors/play-filler.js';
import { createSpeakActor } from '../../src/actors/speak.js';

describe('speech actors fit the call machine contracts', () => {
  it('speak', () => {
    expectTypeOf(createSpeakActor).returns.toExtend<CallActors['speak']>();
  });

  it('playFiller', () => {
    expectTypeOf(createPlayFillerActor).returns.toExtend<CallActors['playFiller']>();
  });
});
