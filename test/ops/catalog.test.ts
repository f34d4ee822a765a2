import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOpsServer } from '../../src/ops/server.js';
import { METRIC_CATALOG, registerCatalog } from '../../src/telemetry/catalog.js';

const DOCS = new URL('../../docs/operations/', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, DOCS), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string };
}

const alerts = parse(read('alerts.yml')) as { groups: { name: string; rules: Rule[] }[] };
const dashboard = JSON.parse(read('grafana-dashboard.json')) as {
  panels: { id: number; type: string; title: string; targets?: { expr: string }[] }[];
};
const alertExprs = alerts.groups.flatMap((g) => g.rules.map((r) => r.expr));
const dashExprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

const byName = new Map(METRIC_CATALOG.map((e) => [e.name, e]));

/** The catalogued metric a PromQL series name refers to, or undefined. */
function resolve(series: string): string | undefined {
  if (byName.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return byName.get(base)?.type === 'histogram' ? base : undefined;
}

function names(exprs: string[]): string[] {
  return [...new Set(exprs.flatMap((e) => e.match(/\bvoxstate_[a-z0-9_]+/g) ?? []))];
}

function balanced(expr: string): boolean {
  let depth = 0;
  for (const ch of expr) {
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    if (ch === ')' || ch === '}' || ch === ']') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('metric catalogue', () => {
  it('registers every metric with its type and labels', async () => {
    const registry = new Registry();
    registerCatalog(registry);
    registerCatalog(registry);
    const json = await registry.getMetricsAsJSON();
    expect(json).toHaveLength(METRIC_CATALOG.length);
    for (const entry of METRIC_CATALOG) {
      const m = registry.getSingleMetric(entry.name) as unknown as { labelNames: string[] };
      expect(m, entry.name).toBeDefined();
      expect(json.find((j) => j.name === entry.name)?.type).toBe(entry.type);
      expect(m.labelNames).toEqual(entry.labelNames);
      expect(entry.name).toMatch(/^voxstate_[a-z0-9_]+$/);
      if (entry.type === 'counter') expect(entry.name).toMatch(/_total$/);
      if (entry.name.endsWith('_seconds')) expect(entry.type).not.toBe('counter');
    }
  });

  it('holds the names other components agreed on', () => {
    for (const name of [
      'voxstate_local_embedding_latency_seconds',
      'voxstate_fallback_embedding_latency_seconds',
      'voxstate_hybrid_retrieval_total',
      'voxstate_llm_first_token_seconds',
      'voxstate_llm_routing_decisions_total',
      'voxstate_budget_exceeded_total',
      'voxstate_offline_answers_total',
      'voxstate_prompt_upgrade_seconds',
      'voxstate_tts_cache_requests_total',
      'voxstate_tts_cache_hit_ratio',
      'voxstate_tts_first_byte_seconds',
      'voxstate_barge_in_to_silence_seconds',
      'voxstate_redis_up',
      'voxstate_active_calls',
      'voxstate_calls_total',
      'voxstate_greeting_latency_seconds',
      'voxstate_stage_latency_seconds',
      'voxstate_barge_ins_total',
      'voxstate_errors_total',
      'voxstate_worker_queue_depth',
      'voxstate_worker_wait_seconds',
      'voxstate_event_loop_delay_seconds',
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
  });
});

describe('alert rules (docs/operations/alerts.yml)', () => {
  it('parse, and every rule has a name, an expression, a severity and a summary', () => {
    const rules = alerts.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const seen = new Set<string>();
    for (const r of rules) {
      expect(r.alert).toMatch(/^Voxstate[A-Za-z0-9]+$/);
      expect(seen.has(r.alert), r.alert).toBe(false);
      seen.add(r.alert);
      expect(typeof r.expr).toBe('string');
      expect(balanced(r.expr), r.expr).toBe(true);
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smhd]$/);
    }
    for (const wanted of [
      'VoxstateAnswerLatencyP95High',
      'VoxstateErrorRateHigh',
      'VoxstateTtsCacheHitRateLow',
      'VoxstateCallCostAnomaly',
      'VoxstateRedisDown',
      'VoxstateEventLoopLag',
    ]) {
      expect(seen.has(wanted), wanted).toBe(true);
    }
  });

  it('use only catalogued metrics', () => {
    const used = names(alertExprs);
    expect(used.length).toBeGreaterThan(10);
    for (const n of used) expect(resolve(n), n).toBeDefined();
  });
});

describe('Grafana dashboard (docs/operations/grafana-dashboard.json)', () => {
  it('uses only catalogued metrics in balanced expressions', () => {
    expect(dashExprs.length).toBeGreaterThan(20);
    for (const e of dashExprs) expect(balanced(e), e).toBe(true);
    for (const n of names(dashExprs)) expect(resolve(n), n).toBeDefined();
  });

  it('has a panel for every operational question', () => {
    const used = new Set(names(dashExprs).map(resolve));
    for (const name of [
      'voxstate_greeting_latency_seconds',
      'voxstate_stage_latency_seconds',
      'voxstate_llm_first_token_seconds',
      'voxstate_tts_first_byte_seconds',
      'voxstate_tts_cache_requests_total',
      'voxstate_barge_ins_total',
      'voxstate_active_calls',
      'voxstate_worker_queue_depth',
      'voxstate_worker_wait_seconds',
      'voxstate_event_loop_delay_seconds',
      'voxstate_llm_routing_decisions_total',
      'voxstate_budget_exceeded_total',
      'voxstate_errors_total',
      'voxstate_call_cost',
      'voxstate_call_cost_anomalies_total',
    ]) {
      expect(used.has(name), name).toBe(true);
    }
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the operations README', () => {
  const readme = read('README.md');
  it('documents every catalogued metric and names no other voxstate metric', () => {
    for (const e of METRIC_CATALOG) expect(readme, e.name).toContain(`\`${e.name}\``);
    const mentioned = (readme.match(/\bvoxstate_[a-z0-9_]+/g) ?? []).filter(
      (n) => !/^voxstate_(process|nodejs)_/.test(n),
    );
    for (const n of mentioned) expect(resolve(n), n).toBeDefined();
  });
});

describe('/metrics', () => {
  it('exposes every metric the alert rules and the dashboard name', async () => {
    const registry = new Registry();
    registerCatalog(registry);
    const ops = createOpsServer({ registry, port: 0 });
    const { url } = await ops.listen();
    try {
      const text = await (await fetch(`${url}/metrics`)).text();
      for (const n of names([...alertExprs, ...dashExprs])) {
        expect(text, n).toContain(`# TYPE ${resolve(n)} `);
      }
    } finally {
      await ops.close();
    }
  });
});
