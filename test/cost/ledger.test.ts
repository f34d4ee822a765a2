import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CostAnomalyDetector } from '../../src/cost/anomaly.js';
import { CostLedger } from '../../src/cost/ledger.js';
import { recordCallCost } from '../../src/cost/metrics.js';
import {
  DEFAULT_PRICES,
  loadPriceTable,
  type PriceTable,
  parsePriceTable,
} from '../../src/cost/prices.js';
import { ConfigError } from '../../src/errors.js';

const prices: PriceTable = parsePriceTable({
  replaceDefaults: true,
  currency: 'EUR',
  stt: { cloud: { perSecond: 0.01 }, whisper: { perSecond: 0.001 } },
  llm: {
    cheap: { inputPerToken: 0.001, outputPerToken: 0.002 },
    strong: { inputPerToken: 0.01, outputPerToken: 0.03 },
  },
  tts: { cloud: { perCharacter: 0.0001 } },
  embeddings: { local: { perToken: 0 }, remote: { perToken: 0.00001 } },
  baseline: { llm: 'strong', stt: 'cloud' },
});

describe('CostLedger', () => {
  it('prices every component and sums a breakdown', () => {
    const ledger = new CostLedger({ prices });
    expect(ledger.record('stt', { engine: 'whisper', seconds: 10 })).toBeCloseTo(0.01);
    ledger.record('llm', { model: 'cheap', inputTokens: 100, outputTokens: 50 });
    ledger.record('tts', { engine: 'cloud', characters: 200 });
    ledger.record('embeddings', { model: 'remote', tokens: 1000 });
    const b = ledger.breakdown();
    expect(b.currency).toBe('EUR');
    expect(b.stt).toBeCloseTo(0.01, 12);
    expect(b.llm).toBeCloseTo(0.1 + 0.1, 12);
    expect(b.tts).toBeCloseTo(0.02, 12);
    expect(b.embeddings).toBeCloseTo(0.01, 12);
    expect(b.total).toBeCloseTo(0.24, 12);
    expect(b.byModel['llm:cheap']).toBeCloseTo(0.2, 12);
  });

  it('computes the baseline: strong model, baseline STT engine, no cache', () => {
    const ledger = new CostLedger({ prices });
    ledger.record('stt', { engine: 'whisper', seconds: 10 });
    ledger.record('llm', { model: 'cheap', inputTokens: 100, outputTokens: 50 });
    ledger.record('tts', { engine: 'cloud', characters: 200, cached: true });
    ledger.record('embeddings', { model: 'remote', tokens: 1000, cached: true });
    const b = ledger.breakdown();
    expect(b.tts).toBe(0);
    expect(b.embeddings).toBe(0);
    expect(b.baseline.stt).toBeCloseTo(0.1, 12);
    expect(b.baseline.llm).toBeCloseTo(1 + 1.5, 12);
    expect(b.baseline.tts).toBeCloseTo(0.02, 12);
    expect(b.baseline.embeddings).toBeCloseTo(0.01, 12);
    expect(b.baselineTotal).toBeCloseTo(0.1 + 2.5 + 0.02 + 0.01, 12);
    expect(b.total).toBeCloseTo(0.01 + 0.2, 12);
  });

  it('counts an escalation retry in the actual cost but not twice in the baseline', () => {
    const ledger = new CostLedger({ prices });
    ledger.record('llm', { model: 'cheap', inputTokens: 100, outputTokens: 0 });
    ledger.record('llm', { model: 'strong', inputTokens: 100, outputTokens: 0, retry: true });
    const b = ledger.breakdown();
    expect(b.llm).toBeCloseTo(0.1 + 1, 12);
    expect(b.baseline.llm).toBeCloseTo(1, 12);
  });

  it('counts unpriced engines at zero and lists them', () => {
    const ledger = new CostLedger({ prices });
    expect(ledger.record('tts', { engine: 'mystery', characters: 100 })).toBe(0);
    expect(ledger.breakdown().unpriced).toEqual(['tts:mystery']);
  });

  it('ignores negative and non-finite amounts', () => {
    const ledger = new CostLedger({ prices });
    ledger.record('stt', { engine: 'cloud', seconds: -5 });
    ledger.record('stt', { engine: 'cloud', seconds: Number.NaN });
    expect(ledger.breakdown().total).toBe(0);
  });

  it('exports cost counters and the per-call histogram', async () => {
    const registry = new Registry();
    const ledger = new CostLedger({ prices });
    ledger.record('llm', { model: 'cheap', inputTokens: 100, outputTokens: 50 });
    recordCallCost(registry, ledger.breakdown(), { routing: 'on' });
    const text = await registry.metrics();
    expect(text).toContain('voxstate_call_cost_total{component="llm"} 0.2');
    expect(text).toContain('voxstate_call_cost_baseline_total 2.5');
    expect(text).toContain('voxstate_call_cost_count 1');
    expect(text).toContain('voxstate_variant_cost_total{flag="routing",variant="on"} 0.2');
  });

  it('prices realtime audio and text tokens apart, cached input at its own price', () => {
    const table = parsePriceTable({
      replaceDefaults: true,
      realtime: {
        rt: {
          audioInputPerToken: 0.01,
          cachedAudioInputPerToken: 0.001,
          audioOutputPerToken: 0.02,
          textInputPerToken: 0.003,
          cachedTextInputPerToken: 0.0003,
          textOutputPerToken: 0.004,
        },
      },
    });
    const ledger = new CostLedger({ prices: table });
    const cost = ledger.record('realtime', {
      model: 'rt',
      audioInputTokens: 100,
      cachedAudioInputTokens: 40,
      audioOutputTokens: 200,
      textInputTokens: 1000,
      cachedTextInputTokens: 500,
      textOutputTokens: 50,
    });
    const expected = 60 * 0.01 + 40 * 0.001 + 200 * 0.02 + 500 * 0.003 + 500 * 0.0003 + 50 * 0.004;
    expect(cost).toBeCloseTo(expected, 12);
    const b = ledger.breakdown();
    expect(b.realtime).toBeCloseTo(expected, 12);
    expect(b.total).toBeCloseTo(expected, 12);
    expect(b.byModel['realtime:rt']).toBeCloseTo(expected, 12);
  });

  it('refuses a realtime price without all six fields', () => {
    expect(() =>
      parsePriceTable({ realtime: { rt: { audioInputPerToken: 1 } } }, 'p.json'),
    ).toThrow(/realtime\.rt\.cachedAudioInputPerToken/);
  });
});

describe('price table', () => {
  it('defaults to the documented example prices', () => {
    expect(loadPriceTable({})).toEqual(DEFAULT_PRICES);
    expect(DEFAULT_PRICES.source).toMatch(/example/);
  });

  it('loads a JSON file from VOXSTATE_PRICES merged over the defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voxstate-prices-'));
    const file = join(dir, 'prices.json');
    await writeFile(file, JSON.stringify({ stt: { whisper: { perSecond: 0.0002 } } }));
    const table = loadPriceTable({ VOXSTATE_PRICES: file });
    expect(table.stt.whisper?.perSecond).toBe(0.0002);
    expect(table.llm['claude-sonnet-4-5']).toEqual(DEFAULT_PRICES.llm['claude-sonnet-4-5']);
    expect(() => loadPriceTable({ VOXSTATE_PRICES: join(dir, 'none.json') })).toThrow(ConfigError);
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects bad prices with the entry named', () => {
    expect(() => parsePriceTable({ llm: { x: { inputPerToken: 1 } } })).toThrow(
      /llm\.x\.outputPerToken must be a number >= 0/,
    );
    expect(() => parsePriceTable({ baseline: { llm: 'nope' } })).toThrow(/baseline\.llm/);
    expect(() => parsePriceTable({ currency: 'dollars' })).toThrow(/currency/);
  });
});

describe('CostAnomalyDetector', () => {
  it('flags a call over 200% of the running average, counts and logs it', async () => {
    const registry = new Registry();
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o) } as never;
    const d = new CostAnomalyDetector({ registry, logger, minCalls: 3 });
    for (const id of ['a', 'b', 'c']) expect(d.observe(id, 0.1).anomaly).toBe(false);
    expect(d.observe('d', 0.2).anomaly).toBe(false);
    const v = d.observe('e', 0.5);
    expect(v.anomaly).toBe(true);
    expect(v.average).toBeCloseTo(0.125, 12);
    expect(v.ratio).toBeCloseTo(4, 12);
    expect(await registry.metrics()).toContain('voxstate_call_cost_anomalies_total 1');
    expect(warnings).toHaveLength(1);
  });

  it('stays quiet until it has seen minCalls', () => {
    const d = new CostAnomalyDetector({ minCalls: 10 });
    d.observe('a', 0.01);
    expect(d.observe('b', 1).anomaly).toBe(false);
  });

  it('starts from a seed and keeps a bounded window', () => {
    const d = new CostAnomalyDetector({ seed: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], window: 10 });
    expect(d.average).toBe(1);
    expect(d.observe('x', 2.1).anomaly).toBe(true);
    for (let i = 0; i < 10; i++) d.observe(`y${i}`, 3);
    expect(d.average).toBe(3);
  });
});
