/**
 * The prompt upgrade actor (seed 004): after the greeting, it builds the full system prompt
 * (about 3,200 characters) and stores it in place of the compact one. It runs in the background
 * and never blocks a turn: the call machine invokes it after the greeting and does not wait for
 * it; a turn that starts before it is done simply uses the compact prompt. The build time is
 * recorded in `voxstate_prompt_upgrade_seconds`.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { fromPromise } from 'xstate';
import { AbortedError } from '../errors.js';
import { histogram, seconds } from '../telemetry/metrics.js';

/** Dependencies of {@link createUpgradePromptActor}. */
export interface UpgradePromptDeps {
  /**
   * Builds the call's full prompt and keeps it for the turns that start from then on (the call's
   * `CallPrompts.buildFull`).
   */
  buildFullPrompt: () => Promise<string> | string;
  registry?: Registry;
  /** Clock, ms (default `performance.now`). */
  now?: () => number;
}

/** Input of the upgrade actor. */
export interface UpgradePromptInput {
  callId: string;
}

/** Output of the upgrade actor. */
export interface UpgradePromptOutput {
  variant: 'full';
  chars: number;
  builtInMs: number;
}

/**
 * Creates the upgrade actor logic, to register in the call machine's `setup({ actors })`.
 *
 * @example
 * ```ts
 * const upgradePrompt = createUpgradePromptActor({
 *   buildFullPrompt: () => session.prompts.buildFull(),
 *   registry,
 * });
 * // in the machine, after the greeting: invoke: { id: 'upgradePrompt', src: 'upgradePrompt', input: ({ context }) => ({ callId: context.callId }), onError: ... }
 * ```
 */
export function createUpgradePromptActor(deps: UpgradePromptDeps) {
  const now = deps.now ?? performance.now.bind(performance);
  const upgradeSeconds = deps.registry
    ? histogram(deps.registry, {
        name: 'voxstate_prompt_upgrade_seconds',
        help: 'Time to build and swap in the full prompt after the greeting',
      })
    : undefined;
  return fromPromise<UpgradePromptOutput, UpgradePromptInput>(async ({ signal }) => {
    if (signal.aborted) throw new AbortedError('prompt upgrade');
    const started = now();
    const prompt = await deps.buildFullPrompt();
    if (signal.aborted) throw new AbortedError('prompt upgrade');
    const builtInMs = now() - started;
    upgradeSeconds?.observe(seconds(builtInMs));
    return { variant: 'full', chars: prompt.length, builtInMs };
  });
}
