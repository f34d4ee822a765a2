/**
 * Settings of the LLM providers and the answers: keys, models, routing, budgets, deadlines.
 *
 * @module
 */
import { bool, duration, httpUrl, int, list, oneOf, setting, text } from '../kinds.js';

const G = 'answers';

const models = list({
  expected: '[provider:]model names, or none',
  test: (spec) => !/\s/.test(spec),
});

/** Provider and answer variables. */
export const ANSWER_SETTINGS = {
  OPENAI_API_KEY: setting(text, {
    group: G,
    secret: true,
    description: 'OpenAI key (any value for a local OpenAI-compatible server)',
  }),
  OPENAI_BASE_URL: setting(httpUrl, {
    group: G,
    defaultDoc: 'OpenAI API',
    description:
      'OpenAI-compatible base URL (llama.cpp, vLLM, Ollama); also used by speech and embeddings unless overridden',
  }),
  ANTHROPIC_API_KEY: setting(text, {
    group: G,
    secret: true,
    description: 'Anthropic key',
  }),
  ANTHROPIC_BASE_URL: setting(httpUrl, {
    group: G,
    defaultDoc: 'Anthropic API',
    description: 'Anthropic base URL (needs `ANTHROPIC_API_KEY`)',
  }),
  VOXSTATE_LLM_PRIMARY: setting(oneOf(['openai', 'anthropic']), {
    group: G,
    default: 'openai',
    description: 'provider tried first when both are configured',
  }),
  VOXSTATE_LLM_CHEAP_MODEL: setting(models, {
    group: G,
    defaultDoc: 'per provider',
    description:
      'comma list of `[provider:]model` in fail-over order; `none` = one (strong) model only',
  }),
  VOXSTATE_LLM_STRONG_MODEL: setting(models, {
    group: G,
    defaultDoc: 'per provider',
    description: 'same for the strong tier',
  }),
  VOXSTATE_ROUTING: setting(bool, {
    group: G,
    default: true,
    description: 'route simple questions to the cheap model (off: always strong)',
  }),
  VOXSTATE_ROUTING_CLASSIFIER: setting(bool, {
    group: G,
    default: true,
    description: 'ask an LLM classifier about phrases the heuristics cannot place',
  }),
  VOXSTATE_ROUTING_TIMEOUT_MS: setting(duration('ms', 1), {
    group: G,
    default: 800,
    description: 'classifier deadline',
  }),
  VOXSTATE_ROUTING_UNSURE: setting(oneOf(['cheap', 'strong']), {
    group: G,
    default: 'strong',
    description: 'tier for undecided phrases',
  }),
  VOXSTATE_BUDGET_LLM_CALLS: setting(int(1), {
    group: G,
    default: 3,
    description: 'LLM calls per turn',
  }),
  VOXSTATE_BUDGET_TOKENS: setting(int(1), {
    group: G,
    default: 8000,
    description: 'tokens per turn',
  }),
  VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS: setting(duration('ms', 1), {
    group: G,
    default: 2000,
    description:
      "deadline for the first streamed token (keeps a hung model's silence under 3 s, see docs/faults.md)",
  }),
  VOXSTATE_LLM_IDLE_TIMEOUT_MS: setting(duration('ms', 1), {
    group: G,
    default: 2000,
    description: 'longest gap between streamed tokens',
  }),
  VOXSTATE_LLM_MAX_TOKENS: setting(int(1), {
    group: G,
    default: 300,
    description: 'answer length cap',
  }),
};
