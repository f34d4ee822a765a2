import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/report.js';
import { CostLedger } from '../../src/cost/ledger.js';
import { parsePriceTable } from '../../src/cost/prices.js';
import { buildCostReport, formatCostReport, parseSince } from '../../src/cost/report.js';
import { type CallRecord, openCallStore } from '../../src/cost/store.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1, 9); // 2026-11-01 09:00 UTC

const prices = parsePriceTable({
  replaceDefaults: true,
  llm: {
    cheap: { inputPerToken: 0.001, outputPerToken: 0 },
    strong: { inputPerToken: 0.01, outputPerToken: 0 },
  },
  tts: { cloud: { perCharacter: 0.001 } },
  baseline: { llm: 'strong' },
});

/** A scripted call: `cheapTokens` on the cheap model, `strongTokens` on the strong one. */
function call(
  id: string,
  startedAt: number,
  cheapTokens: number,
  strongTokens = 0,
  ttsCached = 0,
): CallRecord {
  const ledger = new CostLedger({ prices });
  if (cheapTokens)
    ledger.record('llm', { model: 'cheap', inputTokens: cheapTokens, outputTokens: 0 });
  if (strongTokens)
    ledger.record('llm', { model: 'strong', inputTokens: strongTokens, outputTokens: 0 });
  if (ttsCached) ledger.record('tts', { engine: 'cloud', characters: ttsCached, cached: true });
  return {
    id,
    startedAt,
    endedAt: startedAt + 30_000,
    direction: 'inbound',
    flags: { routing: strongTokens ? 'off' : 'on' },
    cost: ledger.breakdown(),
    turns: 2,
    endReason: 'hangup',
    events: { events: [], dropped: 0 },
  };
}

// Day 1: three cheap calls at 0.1 each; day 2: one cheap call at 0.1 and one strong call at 1.0.
const CALLS = [
  call('a', T0, 100),
  call('b', T0 + 1000, 100, 0, 100),
  call('c', T0 + 2000, 100),
  call('d', T0 + DAY, 100),
  call('e', T0 + DAY + 1000, 0, 100),
];

describe('cost report', () => {
  it('sums per day, averages per call, compares with the baseline, finds anomalies', () => {
    const r = buildCostReport(CALLS);
    expect(r.rows.map((x) => [x.key, x.calls, Number(x.total.toFixed(6))])).toEqual([
      ['2026-11-01', 3, 0.3],
      ['2026-11-02', 2, 1.1],
    ]);
    expect(r.total).toBeCloseTo(1.4, 12);
    expect(r.average).toBeCloseTo(0.28, 12);
    // baseline: every call on the strong model (1.0 each), plus the cached TTS (0.1)
    expect(r.baselineTotal).toBeCloseTo(5.1, 12);
    expect(r.savings).toBeCloseTo(3.7, 12);
    expect(r.byComponent.tts).toEqual({ total: 0, baseline: expect.closeTo(0.1, 12) });
    expect(r.anomalies.map((a) => a.id)).toEqual(['e']);
    expect(r.anomalies[0]?.ratio).toBeCloseTo(1 / 0.28, 6);
    expect(r.variants.routing?.on?.calls).toBe(4);
    expect(r.variants.routing?.off?.average).toBeCloseTo(1, 12);
  });

  it('groups per model', () => {
    const r = buildCostReport(CALLS, { by: 'model' });
    expect(r.rows.map((x) => [x.key, x.calls, Number(x.total.toFixed(6))])).toEqual([
      ['llm:strong', 1, 1],
      ['llm:cheap', 4, 0.4],
      ['tts:cloud', 1, 0],
    ]);
  });

  it('shows the routing classifier on its own line, outside the baseline', () => {
    const ledger = new CostLedger({ prices });
    ledger.record('llm', { model: 'cheap', inputTokens: 50, outputTokens: 1, purpose: 'routing' });
    ledger.record('llm', { model: 'strong', inputTokens: 100, outputTokens: 0 });
    const record = { ...call('r', T0, 0), cost: ledger.breakdown() };
    const r = buildCostReport([record], { by: 'model' });
    expect(r.rows.map((x) => [x.key, Number(x.total.toFixed(6))])).toEqual([
      ['llm:strong', 1],
      ['llm:routing:cheap', 0.05],
    ]);
    expect(r.byComponent.llm.total).toBeCloseTo(1.05, 12);
    expect(r.byComponent.llm.baseline).toBeCloseTo(1, 12);
    expect(formatCostReport(r)).toContain('llm:routing:cheap');
  });

  it('formats the text report', () => {
    const text = formatCostReport(buildCostReport(CALLS));
    expect(text).toContain('2026-11-01');
    expect(text).toMatch(/average per call: 0\.2800 USD/);
    expect(text).toMatch(/saved by routing and caches: 3\.7000 USD \(72\.5%\)/);
    expect(text).toMatch(/anomalies \(> 200% of the average\): 1\n/);
    expect(formatCostReport(buildCostReport([]))).toBe('no calls in the period\n');
  });

  it('parses --since as a date or a duration', () => {
    expect(parseSince('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseSince('7d', 10 * DAY)).toBe(3 * DAY);
    expect(parseSince('24h', 10 * DAY)).toBe(9 * DAY);
    expect(() => parseSince('last week')).toThrow(/--since/);
  });
});

describe('voxstate report costs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-report-'));
    const store = await openCallStore({ dataDir: dir });
    await store.writeMany(CALLS);
    store.close();
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function cli(args: string[]) {
    const out = new PassThrough();
    const err = new PassThrough();
    const chunks: string[] = [];
    const errs: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    err.on('data', (c) => errs.push(String(c)));
    const code = await run(args, { out, err });
    return { code, out: chunks.join(''), err: errs.join('') };
  }

  it('prints daily totals and the baseline comparison from the stored calls', async () => {
    const r = await cli(['costs', '--since', '2026-11-01', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('2026-11-02');
    expect(r.out).toContain('saved by routing and caches');
    expect(r.out).toMatch(/\ne\s+2026-11-02T09:00:01\s+1\.0000\s+3\.6\n/);
  });

  it('prints JSON by model, and respects --since', async () => {
    const r = await cli([
      'costs',
      '--since',
      '2026-11-02',
      '--by',
      'model',
      '--json',
      '--data-dir',
      dir,
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.calls).toBe(2);
    expect(json.by).toBe('model');
  });

  it('fails with one clear line on bad input', async () => {
    expect(await cli(['costs', '--since', 'soon', '--data-dir', dir])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^voxstate report: --since: expected a date/),
    });
    expect((await cli(['costs', '--by', 'week'])).code).toBe(2);
    expect((await cli(['nope'])).code).toBe(2);
    expect(await cli(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('usage') });
  });
});
