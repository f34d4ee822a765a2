/**
 * Answer configuration from the environment: LLM providers, cheap and strong models, routing,
 * budgets and timeouts, validated into typed values ({@link ConfigError} on a bad value). API
 * keys are kept in the config object but never appear in {@link describeAnswerConfig}.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `OPENAI_API_KEY` | OpenAI key (any value for a local OpenAI-compatible server) | - |
 * | `OPENAI_BASE_URL` | OpenAI-compatible base URL (llama.cpp, vLLM, Ollama) | OpenAI API |
 * | `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL` | Anthropic key and base URL | - / Anthropic API |
 * | `VOXSTATE_LLM_PRIMARY` | `openai` or `anthropic` when both are configured | `openai` |
 * | `VOXSTATE_LLM_CHEAP_MODEL` | comma list of `[provider:]model`, in fail-over order; `none` = a single (strong) model | per provider |
 * | `VOXSTATE_LLM_STRONG_MODEL` | same, for the strong tier | per provider |
 * | `VOXSTATE_ROUTING` | `on` or `off` (off: always the strong model) | `on` |
 * | `VOXSTATE_ROUTING_CLASSIFIER` | `on` or `off`: LLM classifier for unsure phrases | `on` |
 * | `VOXSTATE_ROUTING_TIMEOUT_MS` | classifier deadline | 800 |
 * | `VOXSTATE_ROUTING_UNSURE` | tier for undecided phrases, `cheap` or `strong` | `strong` |
 * | `VOXSTATE_BUDGET_LLM_CALLS` / `VOXSTATE_BUDGET_TOKENS` | per-turn budgets | 3 / 8000 |
 * | `VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS` / `VOXSTATE_LLM_IDLE_TIMEOUT_MS` | stream deadlines | 2000 / 2000 |
 * | `VOXSTATE_LLM_MAX_TOKENS` | answer length cap | 300 |
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { type BudgetLimits, DEFAULT_BUDGET } from './budget.js';
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

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const v = value(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive integer, got "${v}"`);
  return n;
}

function onOff(env: Env, name: string, fallback: 'on' | 'off'): 'on' | 'off' {
  const v = value(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['on', 'true', '1', 'yes'].includes(v)) return 'on';
  if (['off', 'false', '0', 'no'].includes(v)) return 'off';
  throw new ConfigError(`${name} must be on or off, got "${v}"`);
}

function url(env: Env, name: string): string | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch (err) {
    throw new ConfigError(`${name} must be an http(s) URL, got "${v}"`, { cause: err });
  }
  return v;
}

function parseModels(env: Env, name: string, providers: LlmProviderName[]): ModelRef[] | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  if (v.toLowerCase() === 'none') return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((spec) => {
      const m = /^(openai|anthropic):(.+)$/.exec(spec);
      let provider: LlmProviderName;
      let model: string;
      if (m) {
        provider = m[1] as LlmProviderName;
        model = m[2]!.trim();
      } else {
        model = spec;
        provider =
          providers.length === 1
            ? providers[0]!
            : spec.startsWith('claude')
              ? 'anthropic'
              : 'openai';
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
export function loadAnswerConfig(env: Env = process.env): AnswerConfig {
  const providers: AnswerConfig['providers'] = {};
  const openaiKey = value(env, 'OPENAI_API_KEY');
  const openaiUrl = url(env, 'OPENAI_BASE_URL');
  if (openaiKey || openaiUrl) {
    providers.openai = { apiKey: openaiKey ?? 'not-needed', baseURL: openaiUrl };
  }
  const anthropicKey = value(env, 'ANTHROPIC_API_KEY');
  const anthropicUrl = url(env, 'ANTHROPIC_BASE_URL');
  if (anthropicKey) providers.anthropic = { apiKey: anthropicKey, baseURL: anthropicUrl };
  else if (anthropicUrl)
    throw new ConfigError('ANTHROPIC_BASE_URL is set but ANTHROPIC_API_KEY is not');

  const primary = value(env, 'VOXSTATE_LLM_PRIMARY') ?? 'openai';
  if (primary !== 'openai' && primary !== 'anthropic') {
    throw new ConfigError(`VOXSTATE_LLM_PRIMARY must be openai or anthropic, got "${primary}"`);
  }
  const order = (
    primary === 'openai' ? ['openai', 'anthropic'] : ['anthropic', 'openai']
  ) as LlmProviderName[];
  const configured = order.filter((p) => providers[p] !== undefined);
  const defaults = (tier: ModelTier) =>
    configured.map((p) => ({ provider: p, model: DEFAULT_MODELS[p][tier] }));
  const cheap = parseModels(env, 'VOXSTATE_LLM_CHEAP_MODEL', configured) ?? defaults('cheap');
  const strong = parseModels(env, 'VOXSTATE_LLM_STRONG_MODEL', configured) ?? defaults('strong');
  if (configured.length > 0 && strong.length === 0 && cheap.length === 0) {
    throw new ConfigError(
      'VOXSTATE_LLM_CHEAP_MODEL and VOXSTATE_LLM_STRONG_MODEL are both "none": no LLM model configured',
    );
  }
  const unsure = value(env, 'VOXSTATE_ROUTING_UNSURE') ?? 'strong';
  if (unsure !== 'cheap' && unsure !== 'strong') {
    throw new ConfigError(`VOXSTATE_ROUTING_UNSURE must be cheap or strong, got "${unsure}"`);
  }
  return {
    providers,
    cheap,
    strong,
    routing: onOff(env, 'VOXSTATE_ROUTING', 'on'),
    classifier: onOff(env, 'VOXSTATE_ROUTING_CLASSIFIER', 'on') === 'on',
    classifierTimeoutMs: positiveInt(env, 'VOXSTATE_ROUTING_TIMEOUT_MS', 800),
    unsureTier: unsure,
    budget: {
      maxLlmCalls: positiveInt(env, 'VOXSTATE_BUDGET_LLM_CALLS', DEFAULT_BUDGET.maxLlmCalls),
      maxTokens: positiveInt(env, 'VOXSTATE_BUDGET_TOKENS', DEFAULT_BUDGET.maxTokens),
    },
    firstTokenTimeoutMs: positiveInt(env, 'VOXSTATE_LLM_FIRST_TOKEN_TIMEOUT_MS', 2000),
    idleTimeoutMs: positiveInt(env, 'VOXSTATE_LLM_IDLE_TIMEOUT_MS', 2000),
    maxAnswerTokens: positiveInt(env, 'VOXSTATE_LLM_MAX_TOKENS', 300),
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
