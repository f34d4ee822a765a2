/**
 * Picks and builds the answerer from the configuration: the LLM answerer (providers, model set,
 * router with classifier, budgets) when at least one provider is configured, otherwise the
 * offline extractive answerer.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { phraseText } from '../prompts/phrases.js';
import { createAnthropicProvider } from '../providers/llm/anthropic.js';
import type { LlmProvider } from '../providers/llm/llm-provider.js';
import { createOpenAiProvider } from '../providers/llm/openai.js';
import { silentLogger } from '../telemetry/logger.js';
import type { Answerer } from './answerer.js';
import { type AnswerConfig, describeAnswerConfig, type ModelRef } from './config.js';
import { createLlmAnswerer } from './llm-answerer.js';
import { createLlmClassifier } from './llm-classifier.js';
import type { ModelSet } from './model-set.js';
import { ProviderHealth } from './model-set.js';
import { createOfflineAnswerer } from './offline-answerer.js';
import { ModelRouter } from './router.js';

/** Dependencies of {@link createAnswerer}. */
export interface CreateAnswererDeps {
  /** Phone number spoken in fallbacks ("I don't know, call us at ..."). */
  phone: string;
  registry?: Registry;
  logger?: Logger;
}

/** Builds the providers of a configuration's model lists. */
export function buildModelSet(config: AnswerConfig, registry?: Registry): ModelSet {
  const cache = new Map<string, LlmProvider>();
  const make = (ref: ModelRef): LlmProvider => {
    const key = `${ref.provider}:${ref.model}`;
    const existing = cache.get(key);
    if (existing) return existing;
    const endpoint = config.providers[ref.provider];
    if (!endpoint) throw new RangeError(`provider ${ref.provider} is not configured`);
    const common = {
      model: ref.model,
      apiKey: endpoint.apiKey,
      baseURL: endpoint.baseURL,
      firstTokenTimeoutMs: config.firstTokenTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      maxTokens: config.maxAnswerTokens,
      ...(registry ? { registry } : {}),
    };
    const provider =
      ref.provider === 'openai' ? createOpenAiProvider(common) : createAnthropicProvider(common);
    cache.set(key, provider);
    return provider;
  };
  return { cheap: config.cheap.map(make), strong: config.strong.map(make) };
}

/**
 * Creates the answerer for `config`: LLM when a provider is configured, else offline.
 *
 * @example
 * ```ts
 * const answerer = createAnswerer(loadAnswerConfig(), { phone: business.phone, registry, logger });
 * answerer.kind; // 'llm' or 'offline'
 * ```
 */
export function createAnswerer(config: AnswerConfig, deps: CreateAnswererDeps): Answerer {
  const log = deps.logger ?? silentLogger();
  if (
    Object.keys(config.providers).length === 0 ||
    config.strong.length + config.cheap.length === 0
  ) {
    log.warn('no LLM provider configured: answering offline from the knowledge base (extractive)');
    return createOfflineAnswerer({
      phone: deps.phone,
      ...(deps.registry ? { registry: deps.registry } : {}),
      logger: log,
    });
  }
  const models = buildModelSet(config, deps.registry);
  const single = models.cheap.length === 0 || models.strong.length === 0;
  const classifierModel = models.cheap[0];
  const router = new ModelRouter({
    mode: single ? 'off' : config.routing,
    classifier:
      config.classifier && classifierModel ? createLlmClassifier(classifierModel) : undefined,
    classifierTimeoutMs: config.classifierTimeoutMs,
    unsureTier: config.unsureTier,
  });
  log.info(describeAnswerConfig(config), 'LLM answerer configured');
  return createLlmAnswerer({
    models,
    router,
    budget: config.budget,
    fallbackPhone: deps.phone,
    // The cached phrases (pre-warmed in the TTS cache), so the fallback plays at once.
    fallbackPhrase: (reason, language) =>
      phraseText(reason === 'budget' ? 'budgetExceeded' : 'apology', language),
    health: new ProviderHealth(),
    maxAnswerTokens: config.maxAnswerTokens,
    ...(deps.registry ? { registry: deps.registry } : {}),
    logger: log,
  });
}
