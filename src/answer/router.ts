/**
 * Model routing on the caller's phrase (seeds 002 and 003): heuristics first; the LLM
 * classifier only when they are unsure, with a deadline (800 ms by default) and an LRU cache of
 * its decisions. When the classifier is missing, late, failing, or the turn has no LLM call to
 * spare, an unsure phrase goes to `unsureTier` (the strong model by default: when in doubt,
 * quality wins over cost).
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import type { Counter, Registry } from 'prom-client';
import { AbortedError, isAbortError } from '../errors.js';
import { counter } from '../telemetry/metrics.js';
import type { Language } from '../text/language.js';
import { classifyPhrase, type HeuristicOptions, type ModelTier } from './heuristics.js';
import type { ClassifierUsage, PhraseClassifier } from './llm-classifier.js';

/** A routing decision. */
export interface RouteDecision {
  tier: ModelTier;
  /** Why: a heuristic reason, `classifier`, `classifier_timeout`, `classifier_error`, `unsure`, `routing_off`. */
  reason: string;
  /** Where it came from. */
  source: 'heuristic' | 'classifier' | 'cache' | 'fixed';
  language: Language;
  /**
   * The token usage of the classifier request this decision made (to be charged to the call);
   * absent when no request was made (heuristics, cache hit) or none reported usage.
   */
  classifierUsage?: ClassifierUsage;
}

/** Options of {@link ModelRouter}. */
export interface RouterOptions {
  /** `off`: every phrase goes to the strong model. Default `on`. */
  mode?: 'on' | 'off';
  /** The LLM classifier for unsure phrases; none = unsure phrases go to `unsureTier`. */
  classifier?: PhraseClassifier | undefined;
  /** Classifier deadline, ms (default 800). */
  classifierTimeoutMs?: number;
  /** Tier for unsure phrases the classifier did not decide (default `strong`). */
  unsureTier?: ModelTier;
  /** Cache of classifier decisions (default 10,000 entries, 1 h). */
  cache?: LRUCache<string, ModelTier>;
  heuristics?: HeuristicOptions;
}

/** The routing decisions counter, `voxstate_llm_routing_decisions_total{model,reason}`. */
export function routingDecisionsCounter(registry: Registry): Counter<'model' | 'reason'> {
  return counter(registry, {
    name: 'voxstate_llm_routing_decisions_total',
    help: 'LLM routing decisions by chosen model and reason',
    labelNames: ['model', 'reason'] as const,
  });
}

/** Normalizes a phrase into a cache key. */
export function routeCacheKey(phrase: string): string {
  return phrase
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Routes phrases to a model tier.
 *
 * @example
 * ```ts
 * const router = new ModelRouter({ classifier: createLlmClassifier(cheap) });
 * const d = await router.route('Can you compare your rye and sourdough?', { signal });
 * // { tier: 'strong', reason: 'comparison', source: 'heuristic', language: 'en' }
 * ```
 */
export class ModelRouter {
  readonly #opts: RouterOptions;
  readonly #cache: LRUCache<string, ModelTier>;
  readonly #timeoutMs: number;

  constructor(options: RouterOptions = {}) {
    this.#opts = options;
    this.#cache = options.cache ?? new LRUCache({ max: 10_000, ttl: 3_600_000 });
    this.#timeoutMs = options.classifierTimeoutMs ?? 800;
  }

  /**
   * Decides the tier for `phrase`. `canCallLlm` says whether the turn can spare an LLM call for
   * the classifier (it returns false when the budget is tight). Never throws except on abort.
   */
  async route(
    phrase: string,
    context: {
      signal?: AbortSignal;
      canCallLlm?: () => boolean;
      onClassifierCall?: () => void;
    } = {},
  ): Promise<RouteDecision> {
    const h = classifyPhrase(phrase, this.#opts.heuristics);
    const language = h.language;
    if (this.#opts.mode === 'off') {
      return { tier: 'strong', reason: 'routing_off', source: 'fixed', language };
    }
    if (h.tier !== 'unsure')
      return { tier: h.tier, reason: h.reason, source: 'heuristic', language };
    const unsure = this.#opts.unsureTier ?? 'strong';
    const classifier = this.#opts.classifier;
    if (!classifier) return { tier: unsure, reason: 'unsure', source: 'fixed', language };
    const key = routeCacheKey(phrase);
    const cached = this.#cache.get(key);
    if (cached) return { tier: cached, reason: 'classifier', source: 'cache', language };
    if (context.canCallLlm && !context.canCallLlm()) {
      return { tier: unsure, reason: 'unsure', source: 'fixed', language };
    }
    context.onClassifierCall?.();
    const ac = new AbortController();
    const outer = context.signal;
    const onAbort = () => ac.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
    });
    let usage: ClassifierUsage | undefined;
    const onUsage = (u: ClassifierUsage) => {
      usage = u;
    };
    const charged = () => (usage ? { classifierUsage: usage } : {});
    try {
      const result = await Promise.race([classifier(phrase, ac.signal, onUsage), timeout]);
      if (result === 'timeout') {
        return {
          tier: unsure,
          reason: 'classifier_timeout',
          source: 'fixed',
          language,
          ...charged(),
        };
      }
      this.#cache.set(key, result);
      return { tier: result, reason: 'classifier', source: 'classifier', language, ...charged() };
    } catch (err) {
      if (outer?.aborted) {
        throw isAbortError(err) ? err : new AbortedError('routing classifier', { cause: err });
      }
      return { tier: unsure, reason: 'classifier_error', source: 'fixed', language, ...charged() };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
      ac.abort();
    }
  }
}
