/**
 * The cost of an eval run: the calls' ledgers summed, with the baseline each ledger keeps (the
 * same usage re-priced with no caches on the baseline engines: the strong model, cloud STT).
 *
 * @module
 */
import { COST_KINDS, type PriceTable } from '../cost/prices.js';
import type { CallResult, EvalCostSummary } from './results.js';

/** Sums the calls' cost breakdowns. */
export function summarizeCost(
  calls: readonly Pick<CallResult, 'cost'>[],
  prices: PriceTable,
): EvalCostSummary {
  const byComponent: EvalCostSummary['byComponent'] = {};
  let total = 0;
  let baselineTotal = 0;
  let routing = 0;
  for (const kind of COST_KINDS) byComponent[kind] = { total: 0, baseline: 0 };
  for (const { cost } of calls) {
    total += cost.total;
    baselineTotal += cost.baselineTotal;
    for (const [key, value] of Object.entries(cost.byModel)) {
      if (key.startsWith('llm:routing:')) routing += value;
    }
    for (const kind of COST_KINDS) {
      const c = byComponent[kind];
      if (c) {
        c.total += cost[kind];
        c.baseline += cost.baseline[kind];
      }
    }
  }
  const n = Math.max(1, calls.length);
  const savings = baselineTotal - total;
  return {
    currency: prices.currency,
    prices: prices.source,
    baseline: Object.entries(prices.baseline)
      .map(([kind, name]) => `${kind}: ${name}`)
      .join(', '),
    total,
    baselineTotal,
    savings,
    savingsRatio: baselineTotal > 0 ? savings / baselineTotal : 0,
    perCall: total / n,
    baselinePerCall: baselineTotal / n,
    byComponent,
    routing,
  };
}
