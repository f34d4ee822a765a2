/**
 * Capped exponential backoff with jitter, for reconnecting to ARI.
 *
 * @module
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** First delay; default 250 ms. */
  initialMs?: number;
  /** Largest delay; default 10000 ms. */
  maxMs?: number;
  /** Growth per attempt; default 2. */
  factor?: number;
  /** Random spread, as a fraction of the delay (0.2 = +-20%); default 0.2. */
  jitter?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0-based).
 *
 * @example
 * ```ts
 * backoffDelay(0); // ~250 ms
 * backoffDelay(10); // ~10000 ms (capped)
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialMs = 250, maxMs = 10_000, factor = 2, jitter = 0.2 } = options;
  const base = Math.min(maxMs, initialMs * factor ** Math.min(attempt, 30));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(maxMs, base + spread)));
}
