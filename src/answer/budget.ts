/**
 * Per-turn budgets (seed 003): at most a number of LLM calls and tokens for one caller turn.
 * Exceeding one throws {@link BudgetExceededError}; the answerer then speaks a fallback phrase.
 *
 * @module
 */
import type { Counter, Registry } from 'prom-client';
import { BudgetExceededError } from '../errors.js';
import type { LlmUsage } from '../providers/llm/llm-provider.js';
import { counter } from '../telemetry/metrics.js';

/** Limits of one turn. */
export interface BudgetLimits {
  /** Most LLM calls (classifier included), default 3. */
  maxLlmCalls: number;
  /** Most tokens, input plus output, default 8000. */
  maxTokens: number;
  /** Most tool rounds (the model calls tools, gets results, answers on), default 2. */
  maxToolRounds?: number;
}

/** The defaults from seed 003. */
export const DEFAULT_BUDGET: BudgetLimits = { maxLlmCalls: 3, maxTokens: 8000, maxToolRounds: 2 };

/** The budget-exceeded counter, `voxstate_budget_exceeded_total{budget}`. */
export function budgetExceededCounter(registry: Registry): Counter<'budget'> {
  return counter(registry, {
    name: 'voxstate_budget_exceeded_total',
    help: 'Turns that hit a per-turn budget, by budget (llm_calls, tokens, tool_rounds)',
    labelNames: ['budget'] as const,
  });
}

/**
 * The budget of one turn.
 *
 * @example
 * ```ts
 * const budget = new TurnBudget(DEFAULT_BUDGET, registry);
 * budget.beginCall(estimatedInputTokens); // throws BudgetExceededError past the limits
 * budget.addUsage(usage);
 * ```
 */
export class TurnBudget {
  readonly limits: BudgetLimits;
  #calls = 0;
  #tokens = 0;
  #toolRounds = 0;
  readonly #exceeded: Counter<'budget'> | undefined;

  constructor(limits: BudgetLimits = DEFAULT_BUDGET, registry?: Registry) {
    this.limits = limits;
    this.#exceeded = registry ? budgetExceededCounter(registry) : undefined;
  }

  /** LLM calls made so far. */
  get calls(): number {
    return this.#calls;
  }

  /** Tokens used so far. */
  get tokens(): number {
    return this.#tokens;
  }

  /** LLM calls still allowed. */
  get callsLeft(): number {
    return Math.max(0, this.limits.maxLlmCalls - this.#calls);
  }

  /**
   * Accounts for one more LLM call whose prompt is about `inputTokens` long.
   *
   * @throws BudgetExceededError (`llm_calls` or `tokens`), counted once.
   */
  beginCall(inputTokens = 0): void {
    if (this.#calls >= this.limits.maxLlmCalls) {
      throw this.#exceed('llm_calls', this.limits.maxLlmCalls);
    }
    if (this.#tokens + inputTokens > this.limits.maxTokens) {
      throw this.#exceed('tokens', this.limits.maxTokens);
    }
    this.#calls++;
  }

  /** Tool rounds so far. */
  get toolRounds(): number {
    return this.#toolRounds;
  }

  /**
   * Accounts for one more tool round.
   *
   * @throws BudgetExceededError (`tool_rounds`) past `maxToolRounds`.
   */
  beginToolRound(): void {
    const limit = this.limits.maxToolRounds ?? DEFAULT_BUDGET.maxToolRounds ?? 2;
    if (this.#toolRounds >= limit) throw this.#exceed('tool_rounds', limit);
    this.#toolRounds++;
  }

  /** Adds the reported usage of a finished call. */
  addUsage(usage: LlmUsage): void {
    this.#tokens += usage.inputTokens + usage.outputTokens;
  }

  /**
   * Checks a running call: `pendingTokens` are the tokens of the call in flight that are not
   * yet in {@link addUsage}.
   *
   * @throws BudgetExceededError (`tokens`) when the total would pass the limit.
   */
  checkTokens(pendingTokens: number): void {
    if (this.#tokens + pendingTokens > this.limits.maxTokens) {
      throw this.#exceed('tokens', this.limits.maxTokens);
    }
  }

  #exceed(budget: 'llm_calls' | 'tokens' | 'tool_rounds', limit: number): BudgetExceededError {
    this.#exceeded?.inc({ budget });
    return new BudgetExceededError(budget, limit);
  }
}
