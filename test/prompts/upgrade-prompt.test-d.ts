/**
 * Type tests: the prompt upgrade actor fits the call machine's actor contract. Checked by the type
 * checker, never run.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { CallActors } from '../../src/actors/contracts.js';
import { createUpgradePromptActor } from '../../src/actors/upgrade-prompt.js';

describe('the prompt upgrade actor fits the call machine contract', () => {
  it('upgradePrompt', () => {
    expectTypeOf(createUpgradePromptActor).returns.toExtend<CallActors['upgradePrompt']>();
  });
});
