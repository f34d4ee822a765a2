import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createUpgradePromptActor } from '../../src/actors/upgrade-prompt.js';
import { budgetExceededCounter } from '../../src/answer/budget.js';
import { createOfflineAnswerer } from '../../src/answer/offline-answerer.js';
import { routingDecisionsCounter } from '../../src/answer/router.js';
import { llmMetrics } from '../../src/providers/llm/llm-metrics.js';
import { catalogEntry, registerCatalog } from '../../src/telemetry/catalog.js';

describe('answer metrics match the metric catalogue', () => {
  it('uses catalogued names, types and labels, before and after registerCatalog', async () => {
    for (const catalogFirst of [true, false]) {
      const registry = new Registry();
      if (catalogFirst) registerCatalog(registry);
      const llm = llmMetrics(registry);
      llm.firstToken.observe({ provider: 'openai', model: 'm' }, 0.1);
      llm.tokens.inc({ provider: 'openai', model: 'm', direction: 'input' }, 3);
      llm.errors.inc({ provider: 'openai', model: 'm', kind: 'timeout' });
      routingDecisionsCounter(registry).inc({ model: 'm', reason: 'info' });
      budgetExceededCounter(registry).inc({ budget: 'tokens' });
      createUpgradePromptActor({ buildFullPrompt: () => '', registry });
      const offline = createOfflineAnswerer({ phone: '1', registry });
      for await (const _ of offline.answer({
        query: 'x',
        passages: [],
        history: [],
        system: '',
        language: 'en',
        signal: new AbortController().signal,
      })) {
        // drain
      }
      for (const name of [
        'voxstate_llm_first_token_seconds',
        'voxstate_llm_tokens_total',
        'voxstate_llm_errors_total',
        'voxstate_llm_routing_decisions_total',
        'voxstate_budget_exceeded_total',
        'voxstate_offline_answers_total',
        'voxstate_prompt_upgrade_seconds',
      ]) {
        const entry = catalogEntry(name);
        const metric = registry.getSingleMetric(name);
        expect(metric, name).toBeDefined();
        const json = await metric!.get();
        expect(json.type, name).toBe(entry.type);
        for (const v of json.values) {
          for (const label of Object.keys(v.labels)) {
            if (label !== 'le') expect(entry.labelNames, name).toContain(label);
          }
        }
      }
    }
  });
});
