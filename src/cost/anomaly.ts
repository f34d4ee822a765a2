/**
 * Flags calls that cost more than a multiple (default 2, i.e. 200%) of the running average of
 * the calls before them: a warning log line and `voxstate_call_cost_anomalies_total`.
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { catalogCounter } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';

/** Options for {@link CostAnomalyDetector}. */
export interface CostAnomalyOptions {
  registry?: Registry;
  logger?: Logger;
  /** A call is anomalous above `ratio` times the average (default 2). */
  ratio?: number;
  /** Calls needed before anything is flagged (default 10). */
  minCalls?: number;
  /** The running average covers this many most recent calls (default 1000). */
  window?: number;
  /** Earlier call totals to start from, e.g. from the cost store. */
  seed?: readonly number[];
}

/** The verdict on one call. */
export interface CostVerdict {
  anomaly: boolean;
  /** Average of the calls before this one (0 while there were none). */
  average: number;
  /** This call's cost over the average (0 while there is no average). */
  ratio: number;
}

/**
 * Running-average cost anomaly detector.
 *
 * @example
 * ```ts
 * const detector = new CostAnomalyDetector({ registry, logger });
 * const verdict = detector.observe(callId, breakdown.total);
 * ```
 */
export class CostAnomalyDetector {
  readonly #ratio: number;
  readonly #minCalls: number;
  readonly #window: number;
  readonly #values: number[] = [];
  #sum = 0;
  readonly #logger: Logger | undefined;
  readonly #counter;

  constructor(options: CostAnomalyOptions = {}) {
    this.#ratio = options.ratio ?? 2;
    this.#minCalls = options.minCalls ?? 10;
    this.#window = Math.max(1, options.window ?? 1000);
    this.#logger = options.logger;
    this.#counter = options.registry
      ? catalogCounter(options.registry, 'voxstate_call_cost_anomalies_total')
      : undefined;
    for (const v of options.seed ?? []) this.#push(v);
  }

  /** The running average over the window. */
  get average(): number {
    return this.#values.length === 0 ? 0 : this.#sum / this.#values.length;
  }

  /** Judges one finished call against the calls before it, then adds it to the average. */
  observe(callId: string, total: number): CostVerdict {
    const average = this.average;
    const ratio = average > 0 ? total / average : 0;
    const anomaly = this.#values.length >= this.#minCalls && average > 0 && ratio > this.#ratio;
    if (anomaly) {
      this.#counter?.inc();
      this.#logger?.warn(
        { callId, cost: total, average, ratio: Number(ratio.toFixed(2)) },
        `call cost anomaly: over ${this.#ratio * 100}% of the average`,
      );
    }
    this.#push(total);
    return { anomaly, average, ratio };
  }

  #push(v: number): void {
    if (!Number.isFinite(v)) return;
    this.#values.push(v);
    this.#sum += v;
    if (this.#values.length > this.#window) this.#sum -= this.#values.shift() ?? 0;
  }
}
