/**
 * Counts a finished call's cost in Prometheus: `voxstate_call_cost_total{component}`,
 * `voxstate_call_cost_baseline_total`, the per-call histogram `voxstate_call_cost`, and
 * `voxstate_variant_cost_total{flag,variant}` for A/B comparisons of flag variants (divide by
 * `voxstate_flag_assignments_total` for the average per variant).
 *
 * @module
 */
import type { Registry } from 'prom-client';
import { catalogCounter, catalogHistogram } from '../telemetry/catalog.js';
import type { CostBreakdown } from './ledger.js';
import { COST_KINDS } from './prices.js';

/**
 * Records one finished call's cost.
 *
 * @example
 * ```ts
 * recordCallCost(registry, ledger.breakdown(), call.flags);
 * ```
 */
export function recordCallCost(
  registry: Registry,
  cost: CostBreakdown,
  flags: Record<string, string> = {},
): void {
  const total = catalogCounter(registry, 'voxstate_call_cost_total');
  for (const kind of COST_KINDS) total.inc({ component: kind }, cost[kind]);
  catalogCounter(registry, 'voxstate_call_cost_baseline_total').inc(cost.baselineTotal);
  catalogHistogram(registry, 'voxstate_call_cost').observe(cost.total);
  const variant = catalogCounter(registry, 'voxstate_variant_cost_total');
  for (const [flag, v] of Object.entries(flags)) variant.inc({ flag, variant: v }, cost.total);
}
