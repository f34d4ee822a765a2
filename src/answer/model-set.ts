/**
 * The models an LLM answerer may use, per tier and in fail-over order, and the health of each
 * provider: a provider that failed with an outage (connection error, 5xx, 529, 429, first-token
 * timeout) is skipped for a cool-down, so the next attempts and the next turns go to the other
 * provider at once.
 *
 * @module
 */
import { isProviderDown } from '../providers/llm/llm-errors.js';
import type { LlmProvider } from '../providers/llm/llm-provider.js';
import type { ModelTier } from './heuristics.js';

/** Providers per tier, in fail-over order (primary provider first). */
export interface ModelSet {
  cheap: LlmProvider[];
  strong: LlmProvider[];
}

/** Which providers are down, for how long. */
export class ProviderHealth {
  readonly #downUntil = new Map<string, number>();
  readonly #cooldownMs: number;
  readonly #now: () => number;

  constructor(options: { cooldownMs?: number; now?: () => number } = {}) {
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** Notes a failure of `provider`; outages mark it down for the cool-down. */
  report(provider: string, err: unknown): void {
    if (isProviderDown(err)) this.#downUntil.set(provider, this.#now() + this.#cooldownMs);
  }

  /** Notes a success: the provider is up. */
  ok(provider: string): void {
    this.#downUntil.delete(provider);
  }

  /** True while `provider` is in its cool-down. */
  isDown(provider: string): boolean {
    const until = this.#downUntil.get(provider);
    return until !== undefined && until > this.#now();
  }
}

/** The models of `tier`, falling back to the other tier when it has none (a single model). */
export function tierModels(set: ModelSet, tier: ModelTier): LlmProvider[] {
  const own = set[tier];
  if (own.length > 0) return own;
  return tier === 'cheap' ? set.strong : set.cheap;
}

/** Healthy providers first, keeping the configured order otherwise. */
function healthyFirst(list: LlmProvider[], health: ProviderHealth): LlmProvider[] {
  return [
    ...list.filter((p) => !health.isDown(p.provider)),
    ...list.filter((p) => health.isDown(p.provider)),
  ];
}

/** The first model to try for `tier`. */
export function firstAttempt(set: ModelSet, tier: ModelTier, health: ProviderHealth): LlmProvider {
  const list = healthyFirst(tierModels(set, tier), health);
  const first = list[0];
  if (!first) throw new RangeError('the model set is empty');
  return first;
}

/**
 * The model to try after `tried` failed: the strong tier (a retry on the strong model after the
 * cheap one), on a healthy provider first, never a model already tried; undefined when none is
 * left.
 */
export function nextAttempt(
  set: ModelSet,
  tried: readonly LlmProvider[],
  health: ProviderHealth,
): LlmProvider | undefined {
  const candidates = healthyFirst(
    [...tierModels(set, 'strong'), ...tierModels(set, 'cheap')],
    health,
  ).filter((p) => !tried.includes(p));
  const last = tried.at(-1);
  // After an outage, prefer another provider; after a bad answer, the strong model anywhere.
  if (last && health.isDown(last.provider)) {
    const other = candidates.find((p) => p.provider !== last.provider);
    if (other) return other;
  }
  return candidates[0];
}
