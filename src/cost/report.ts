/**
 * The cost report over stored calls: totals per day (UTC) or per model, the average per call,
 * the saving against the baseline (all-strong-model, no caches), the cost per flag variant for
 * A/B comparisons, and the calls that cost more than 200% of the average.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { COST_KINDS, type CostKind } from './prices.js';
import type { CallRecord } from './store.js';

/** One line of the report table. */
export interface CostReportRow {
  /** `YYYY-MM-DD` (UTC) or `kind:name`. */
  key: string;
  calls: number;
  total: number;
  /** Baseline of those calls (`by: 'day'` only; 0 per model). */
  baseline: number;
  average: number;
}

/** A call over the anomaly threshold. */
export interface CostAnomaly {
  id: string;
  startedAt: number;
  total: number;
  /** Its cost over the average of the period. */
  ratio: number;
}

/** The report. */
export interface CostReport {
  currency: string;
  by: 'day' | 'model';
  calls: number;
  total: number;
  baselineTotal: number;
  /** `baselineTotal - total`. */
  savings: number;
  /** Savings as a fraction of the baseline (0 when there is no baseline). */
  savingsRatio: number;
  average: number;
  /** Cost and tokens of cancelled preemptive answers (part of `total`). */
  wasted: { total: number; tokens: number };
  byComponent: Record<CostKind, { total: number; baseline: number }>;
  rows: CostReportRow[];
  /** flag -> variant -> calls and average cost. */
  variants: Record<string, Record<string, { calls: number; total: number; average: number }>>;
  anomalies: CostAnomaly[];
}

/** Options for {@link buildCostReport}. */
export interface CostReportOptions {
  by?: 'day' | 'model';
  /** Anomaly threshold over the average (default 2 = 200%). */
  ratio?: number;
}

const DAY_MS = 86_400_000;

/**
 * Parses `--since`: an ISO date (`2026-11-01`, UTC midnight), a date-time, or a duration back
 * from `now` (`7d`, `24h`, `30m`).
 *
 * @throws ConfigError for anything else.
 */
export function parseSince(value: string, now: number = Date.now()): number {
  const rel = /^(\d+(?:\.\d+)?)([dhm])$/.exec(value.trim());
  if (rel) {
    const unit = rel[2] === 'd' ? DAY_MS : rel[2] === 'h' ? 3_600_000 : 60_000;
    return now - Number(rel[1]) * unit;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
    if (Number.isFinite(t)) return t;
  }
  throw new ConfigError(
    `--since: expected a date like 2026-11-01 or a duration like 7d, not "${value}"`,
  );
}

/** Builds the report from stored calls. */
export function buildCostReport(
  calls: readonly CallRecord[],
  options: CostReportOptions = {},
): CostReport {
  const by = options.by ?? 'day';
  const ratio = options.ratio ?? 2;
  const byComponent = Object.fromEntries(
    COST_KINDS.map((k) => [k, { total: 0, baseline: 0 }]),
  ) as CostReport['byComponent'];
  const rows = new Map<string, CostReportRow>();
  const variants: CostReport['variants'] = {};
  let total = 0;
  let baselineTotal = 0;
  const wasted = { total: 0, tokens: 0 };
  const row = (key: string): CostReportRow => {
    let r = rows.get(key);
    if (!r) {
      r = { key, calls: 0, total: 0, baseline: 0, average: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const call of calls) {
    total += call.cost.total;
    baselineTotal += call.cost.baselineTotal;
    wasted.total += call.cost.wasted;
    wasted.tokens += call.cost.wastedTokens;
    for (const k of COST_KINDS) {
      byComponent[k].total += call.cost[k];
      byComponent[k].baseline += call.cost.baseline[k];
    }
    if (by === 'day') {
      const r = row(new Date(call.startedAt).toISOString().slice(0, 10));
      r.calls++;
      r.total += call.cost.total;
      r.baseline += call.cost.baselineTotal;
    } else {
      for (const [key, cost] of Object.entries(call.cost.byModel)) {
        const r = row(key);
        r.calls++;
        r.total += cost;
      }
    }
    for (const [flag, variant] of Object.entries(call.flags)) {
      const perFlag = variants[flag] ?? {};
      variants[flag] = perFlag;
      const v = perFlag[variant] ?? { calls: 0, total: 0, average: 0 };
      perFlag[variant] = v;
      v.calls++;
      v.total += call.cost.total;
    }
  }
  for (const r of rows.values()) r.average = r.calls > 0 ? r.total / r.calls : 0;
  for (const vs of Object.values(variants))
    for (const v of Object.values(vs)) v.average = v.total / v.calls;
  const average = calls.length > 0 ? total / calls.length : 0;
  const anomalies =
    average > 0
      ? calls
          .filter((c) => c.cost.total > ratio * average)
          .map((c) => ({
            id: c.id,
            startedAt: c.startedAt,
            total: c.cost.total,
            ratio: c.cost.total / average,
          }))
          .sort((a, b) => b.total - a.total)
      : [];
  return {
    currency: calls[0]?.cost.currency ?? 'USD',
    by,
    calls: calls.length,
    total,
    baselineTotal,
    savings: baselineTotal - total,
    savingsRatio: baselineTotal > 0 ? (baselineTotal - total) / baselineTotal : 0,
    average,
    wasted,
    byComponent,
    rows: [...rows.values()].sort((a, b) =>
      by === 'day' ? a.key.localeCompare(b.key) : b.total - a.total,
    ),
    variants,
    anomalies,
  };
}

function money(v: number): string {
  return v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 6 : 4);
}

function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/** Renders the report as text for the terminal. */
export function formatCostReport(r: CostReport): string {
  const cur = r.currency;
  const out: string[] = [];
  if (r.calls === 0) return 'no calls in the period\n';
  out.push(
    table(
      [
        r.by === 'day' ? 'day (UTC)' : 'component:model',
        'calls',
        `total ${cur}`,
        ...(r.by === 'day' ? [`baseline ${cur}`] : []),
        `avg/call ${cur}`,
      ],
      r.rows.map((x) => [
        x.key,
        String(x.calls),
        money(x.total),
        ...(r.by === 'day' ? [money(x.baseline)] : []),
        money(x.average),
      ]),
    ),
  );
  out.push('');
  out.push(
    `calls: ${r.calls}   total: ${money(r.total)} ${cur}   average per call: ${money(r.average)} ${cur}`,
  );
  const pct = (r.savingsRatio * 100).toFixed(1);
  out.push(
    `baseline (strong model only, no caches): ${money(r.baselineTotal)} ${cur}   saved by routing and caches: ${money(r.savings)} ${cur} (${pct}%)`,
  );
  if (r.wasted.tokens > 0) {
    out.push(
      `wasted by cancelled preemptive answers: ${money(r.wasted.total)} ${cur} (${r.wasted.tokens} tokens, part of the total)`,
    );
  }
  out.push(
    table(
      ['component', `actual ${cur}`, `baseline ${cur}`],
      COST_KINDS.map((k) => [k, money(r.byComponent[k].total), money(r.byComponent[k].baseline)]),
    ),
  );
  const flags = Object.entries(r.variants);
  if (flags.length > 0) {
    out.push('');
    out.push(
      table(
        ['flag=variant', 'calls', `avg/call ${cur}`],
        flags.flatMap(([f, vs]) =>
          Object.entries(vs).map(([v, s]) => [`${f}=${v}`, String(s.calls), money(s.average)]),
        ),
      ),
    );
  }
  out.push('');
  if (r.anomalies.length === 0) out.push('anomalies (> 200% of the average): none');
  else {
    out.push(`anomalies (> 200% of the average): ${r.anomalies.length}`);
    out.push(
      table(
        ['call', 'started (UTC)', `cost ${cur}`, 'x average'],
        r.anomalies.map((a) => [
          a.id,
          new Date(a.startedAt).toISOString().slice(0, 19),
          money(a.total),
          a.ratio.toFixed(1),
        ]),
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
