import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { assign, createActor, setup, toPromise, waitFor } from 'xstate';
import { createUpgradePromptActor } from '../../src/actors/upgrade-prompt.js';
import { parseBusinessData } from '../../src/prompts/business.js';
import { CallPrompts } from '../../src/prompts/call-prompts.js';
import { buildCompactPrompt } from '../../src/prompts/compact-prompt.js';
import { buildFullPrompt } from '../../src/prompts/full-prompt.js';
import { metricValue } from '../helpers/metrics.js';
import { SAMPLE_BUSINESS_RAW } from './sample-business.js';

const business = parseBusinessData(SAMPLE_BUSINESS_RAW);

describe('upgrade prompt actor', () => {
  it("builds the call's full prompt and reports size and time", async () => {
    const registry = new Registry();
    const prompts = new CallPrompts(
      () => buildCompactPrompt(business),
      () => buildFullPrompt(business),
    );
    const logic = createUpgradePromptActor({
      buildFullPrompt: () => prompts.buildFull(),
      registry,
    });
    const actor = createActor(logic, { input: { callId: 'c1' } });
    actor.start();
    const out = await toPromise(actor);
    expect(out.variant).toBe('full');
    expect(out.chars).toBe(buildFullPrompt(business).length);
    expect(out.builtInMs).toBeGreaterThanOrEqual(0);
    expect(prompts.systemPrompt()).toBe(buildFullPrompt(business));
    expect(await metricValue(registry, 'voxstate_prompt_upgrade_seconds')).toBe(1);
  });

  it('records no upgrade when stopped before the build finishes', async () => {
    let release: (p: string) => void = () => {};
    const registry = new Registry();
    const logic = createUpgradePromptActor({
      buildFullPrompt: () => new Promise<string>((r) => (release = r)),
      registry,
    });
    const actor = createActor(logic, { input: { callId: 'c1' } });
    actor.start();
    actor.stop();
    release('full');
    await new Promise((r) => setTimeout(r, 10));
    expect(actor.getSnapshot().output).toBeUndefined();
    const metric = await registry.getSingleMetric('voxstate_prompt_upgrade_seconds')!.get();
    expect(
      metric.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_count'))
        ?.value,
    ).toBe(0);
  });

  it('upgrades exactly once, after the greeting, and a turn meanwhile uses the compact prompt', async () => {
    let builds = 0;
    let finishBuild: () => void = () => {};
    const prompts = new CallPrompts(
      () => buildCompactPrompt(business),
      () => buildFullPrompt(business),
    );
    const logic = createUpgradePromptActor({
      buildFullPrompt: async () => {
        builds++;
        await new Promise<void>((r) => (finishBuild = r));
        return prompts.buildFull();
      },
    });
    const machine = setup({
      types: {} as {
        context: { used: string[]; upgraded: boolean };
        events: { type: 'greeting.done' } | { type: 'turn' };
      },
      actors: { upgradePrompt: logic },
    }).createMachine({
      id: 'call',
      type: 'parallel',
      context: { used: [], upgraded: false },
      states: {
        conversation: {
          initial: 'greeting',
          states: {
            greeting: { on: { 'greeting.done': 'listening' } },
            listening: {
              on: {
                turn: {
                  actions: assign({
                    used: ({ context }) => [...context.used, prompts.systemPrompt()],
                  }),
                },
              },
            },
          },
        },
        prompt: {
          initial: 'compact',
          states: {
            compact: { on: { 'greeting.done': 'upgrading' } },
            upgrading: {
              invoke: {
                id: 'upgradePrompt',
                src: 'upgradePrompt',
                input: { callId: 'c1' },
                onDone: { target: 'full', actions: assign({ upgraded: true }) },
                onError: 'compact',
              },
            },
            full: {},
          },
        },
      },
    });
    const actor = createActor(machine).start();
    actor.send({ type: 'turn' });
    expect(builds).toBe(0);
    actor.send({ type: 'greeting.done' });
    expect(builds).toBe(1);
    actor.send({ type: 'turn' });
    expect(actor.getSnapshot().context.used).toEqual([buildCompactPrompt(business)]);
    finishBuild();
    await waitFor(actor, (s) => s.context.upgraded);
    actor.send({ type: 'turn' });
    actor.send({ type: 'greeting.done' });
    expect(builds).toBe(1);
    expect(actor.getSnapshot().context.used).toEqual([
      buildCompactPrompt(business),
      buildFullPrompt(business),
    ]);
    actor.stop();
  });
});
