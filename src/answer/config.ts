/**
 * Answer configuration from the environment: LLM providers, cheap and strong models, routing,
 * budgets and timeouts, validated into typed values ({@link ConfigError} on a bad value). API
 * keys are kept in the config object but never appear in {@link describeAnswerConfig}.
 *
 * The variables (`OPENAI_*`, `ANTHROPIC_*`, `VOXSTATE_LLM_*`, `VOXSTATE_ROUTING*`,
 * `VOXSTATE_BUDGET_*`) are described in the schema, src/config/settings/answers.ts.
 *
 * @module
 */
import { type Config, configErrorMessage, type RawEnv, readEnv } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { BudgetLimits } from './budget.js';
import type { ModelTier } from './heuristics.js';

/** The providers voxstate speaks to. */
export type LlmProviderName = 'openai' | 'anthropic';

/** One model on one provider. */
export interface ModelRef {
  provider: LlmProviderName;
  model: string;
}

/** Connection settings of one provider. */
export interface ProviderEndpoint {
  apiKey: string;
  baseURL?: string | undefined;
}

/** The validated answer configuration. */
export interface AnswerConfig {
  /** Configured providers; none = offline answerer. */
  providers: Partial<Record<LlmProviderName, ProviderEndpoint>>;
  /** Cheap-tier models in fail-over order (primary provider first). */
  cheap: ModelRef[];
  /** Strong-tier models in fail-over order. */
  strong: ModelRef[];
  routing: 'on' | 'off';
  classifier: boolean;
  classifierTimeoutMs: number;
  unsureTier: ModelTier;
  budget: BudgetLimits;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  maxAnswerTokens: number;
}

/** Default models per provider. */
export const DEFAULT_MODELS: Record<LlmProviderName, Record<ModelTier, string>> = {
  openai: { cheap: 'gpt-4o-mini', strong: 'gpt-4o' },
  anthropic: { cheap: 'claude-haiku-4-5', strong: 'claude-sonnet-4-5' },
};

function parseModels(
  specs: string[] | undefined,
  name: string,
  providers: LlmProviderName[],
): ModelRef[] | undefined {
  if (specs === undefined) return undefined;
  if (specs.length === 1 && specs[0]!.toLowerCase() === 'none') return [];
  return specs.map((spec) => {
    const m = /^(openai|anthropic):(.+)$/.exec(spec);
    let provider: LlmProviderName;
    let model: string;
    if (m) {
      provider = m[1] as LlmProviderName;
      model = m[2]!.trim();
    } else {
      model = spec;
      provider =
        providers.length === 1 ? providers[0]! : spec.startsWith('claude') ? 'anthropic' : 'openai';
    }
    if (!providers.includes(provider)) {
      throw new ConfigError(
        `${name}: model "${spec}" needs the ${provider} provider, which is not configured`,
      );
    }
    return { provider, model };
  });
}

/**
 * Reads and validates the answer configuration.
 *
 * @example
 * ```ts
 * const config = loadAnswerConfig(process.env);
 * log.info(describeAnswerConfig(config), 'answers configured');
 * ```
 */
export function loadAnswerConfig(env: RawEnv = process.env): AnswerConfig {
  return answerConfig(readEnv(env));
}

/** The answer configuration from the parsed environment ({@link readEnv}). */
export function answerConfig(c: Config): AnswerConfig {
  const providers: AnswerConfig['providers'] = {};
  if (c.OPENAI_API_KEY || c.OPENAI_BASE_URL) {
    providers.openai = { apiKey: c.OPENAI_API_KEY ?? 'not-needed', baseURL: c.OPENAI_BASE_URL };
  }
  if (c.ANTHROPIC_API_KEY) {
    providers.anthropic = { apiKey: c.ANTHROPIC_API_KEY, baseURL: c.ANTHROPIC_BASE_URL };
  }
  const order: LlmProviderName[] =
    c.VOXSTATE_LLM_PRIMARY === 'openai' ? ['openai', 'anthropic'] : ['anthropic', 'openai'];
  const configured = order.filter((p) => providers[p] !== undefined);
  const defaults = (tier: ModelTier) =>
    configured.map((p) => ({ provider: p, model: DEFAULT_MODELS[p][tier] }));
  const problems: string[] = [];
  const models = (name: 'VOXSTATE_LLM_CHEAP_MODEL' | 'VOXSTATE_LLM_STRONG_MODEL'): ModelRef[] => {
    try {
      return (
        parseModels(c[name], name, configured) ??
        defaults(name === 'VOXSTATE_LLM_CHEAP_MODEL' ? 'cheap' : 'strong')
      );
    } catch (err) {
      problems.push((err as Error).message);
      return [];
    }
  };
  const cheap = models('VOXSTATE_LLM_CHEAP_MODEL');
  const strong = models('VOXSTATE_LLM_STRONG_MODEL');
  if (problems.length === 0 && configured.length > 0 && strong.length === 0 && cheap.length === 0) {
    problems.push(
      'VOXSTATE_LLM_CHEAP_MODEL and VOXSTATE_LLM_STRONG_MODEL are both "none": no LLM model configured',
    );
  }
  if (problems.length > 0) throw new ConfigError(configErrorMessage(problems));
  return {
    providers,
    cheap,
    strong,
    routing: c.VOXSTATE_ROUTING ? 'on' : 'off',
    classifier: c.VOXSTATE_ROUTING_CLASSIFIER,
    classifierTimeoutMs: c.VOXSTATE_ROUTING_TIMEOUT_MS,
    unsureTier: c.VOXSTATE_ROUTING_UNSURE,
    budget: { maxLlmCalls: c.VOXSTATE_BUDGET_LLM_CALLS, maxTokens: c.VOXSTATE_BUDGET_TOKENS },
    firstTokenTimeoutMs: c.VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS,
    idleTimeoutMs: c.VOXSTATE_LLM_IDLE_TIMEOUT_MS,
    maxAnswerTokens: c.VOXSTATE_LLM_MAX_TOKENS,
  };
}

/** The configuration without secrets, for logs and `voxstate config`. */
export function describeAnswerConfig(config: AnswerConfig): Record<string, unknown> {
  const { providers, ...rest } = config;
  return {
    ...rest,
    mode: Object.keys(providers).length === 0 ? 'offline' : 'llm',
    providers: Object.fromEntries(
      Object.entries(providers).map(([name, p]) => [
        name,
        { baseURL: p?.baseURL ?? 'default', apiKey: 'set' },
      ]),
    ),
  };
}
