/**
 * The retry policy for reaching ARI: quick attempts first, then capped exponential backoff with
 * jitter. A restarted Asterisk is back within seconds (1.9 s measured after `core restart now`),
 * and until voxstate has registered its app again every call is rejected ("Stasis app 'voxstate'
 * doesn't exist"), so the first seconds of an outage are retried every 100-250 ms. A failed
 * attempt costs Asterisk one refused TCP connection. Longer outages back off, doubling from
 * 500 ms up to 5 s, which also bounds the wait after Asterisk returns.
 *
 * @module
 */

/** Backoff settings. */
export interface BackoffOptions {
  /** Quick attempts before backing off; default 12 (about the first 2.7 s of an outage). */
  fastAttempts?: number;
  /** Delay before the first quick attempt; default 100 ms. */
  fastMinMs?: number;
  /** Delay of the quick attempts from the fourth on (rising from `fastMinMs`); default 250 ms. */
  fastMaxMs?: number;
  /** First delay after the quick attempts; default 500 ms. */
  initialMs?: number;
  /** Largest delay; default 5000 ms. Caps the quick delays too. */
  maxMs?: number;
  /** Growth per attempt after the quick ones; default 2. */
  factor?: number;
  /** Random spread, as a fraction of the delay (0.2 = +-20%); default 0.2. */
  jitter?: number;
}

/**
 * The delay before attempt `attempt` (0-based).
 *
 * @example
 * ```ts
 * backoffDelay(0); // ~100 ms
 * backoffDelay(3); // ~250 ms, and so on up to attempt 11
 * backoffDelay(12); // ~500 ms
 * backoffDelay(20); // ~5000 ms (capped)
 * ```
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const {
    fastAttempts = 12,
    fastMinMs = 100,
    fastMaxMs = 250,
    initialMs = 500,
    maxMs = 5_000,
    factor = 2,
    jitter = 0.2,
  } = options;
  const base =
    attempt < fastAttempts
      ? fastMinMs + ((fastMaxMs - fastMinMs) * Math.min(attempt, 3)) / 3
      : initialMs * factor ** Math.min(attempt - fastAttempts, 30);
  const capped = Math.min(maxMs, base);
  const spread = capped * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(maxMs, capped + spread)));
}
