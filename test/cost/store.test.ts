import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Field, Float64, Int32, Schema, Utf8 } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallEventLog } from '../../src/calllog/call-log.js';
import { enforceRetention } from '../../src/calllog/retention.js';
import { CostLedger } from '../../src/cost/ledger.js';
import { DEFAULT_PRICES } from '../../src/cost/prices.js';
import { type CallRecord, type CallStore, openCallStore } from '../../src/cost/store.js';

const DAY = 86_400_000;

function record(id: string, startedAt: number, tokens = 1000): CallRecord {
  const ledger = new CostLedger({ prices: DEFAULT_PRICES });
  ledger.record('llm', { model: 'claude-haiku-4-5', inputTokens: tokens, outputTokens: 100 });
  const log = new CallEventLog({ startedAt, now: () => startedAt + 1500 });
  log.add('started', { direction: 'inbound' });
  log.add('ended', { reason: 'hangup' });
  return {
    id,
    startedAt,
    endedAt: startedAt + 60_000,
    direction: 'inbound',
    flags: { stt: 'whisper' },
    cost: ledger.breakdown(),
    turns: 3,
    endReason: 'caller_hangup',
    events: log.toJSON(),
  };
}

describe('CallStore', () => {
  let dir: string;
  let store: CallStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-calls-'));
    store = await openCallStore({ dataDir: dir });
  });
  afterEach(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns nothing before the first write', async () => {
    expect(await store.queryCalls()).toEqual([]);
    expect(await store.count()).toBe(0);
  });

  it('writes a call and reads it back with its breakdown, flags and event log', async () => {
    const r = record('c1', 1_700_000_000_000);
    await store.write(r);
    const [back] = await store.queryCalls();
    expect(back).toEqual(r);
  });

  it('keeps the recording path and finds one call by id', async () => {
    const r = {
      ...record('rec1', 1_700_000_000_000),
      recordingPath: 'recordings/2023-11-14/rec1.wav',
    };
    await store.writeMany([r, record("o'neil", 1_700_000_001_000)]);
    expect(await store.getCall('rec1')).toEqual(r);
    expect((await store.getCall("o'neil"))?.recordingPath).toBeUndefined();
    expect(await store.getCall('nope')).toBeUndefined();
  });

  it('adds the recording column to a table made before recording, keeping its rows', async () => {
    const db = await lancedb.connect(dir);
    const utf8 = (n: string) => new Field(n, new Utf8(), false);
    const f64 = (n: string) => new Field(n, new Float64(), false);
    const old = new Schema([
      utf8('id'),
      f64('started_at'),
      f64('ended_at'),
      utf8('direction'),
      utf8('flags'),
      ...['cost_stt', 'cost_llm', 'cost_tts', 'cost_embeddings', 'cost_total', 'cost_baseline'].map(
        f64,
      ),
      utf8('cost_json'),
      utf8('currency'),
      new Field('turns', new Int32(), false),
      utf8('end_reason'),
      utf8('events'),
    ]);
    await db.createEmptyTable('calls', old);
    db.close();
    const before = record('before', 1_700_000_000_000);
    const oldStore = await openCallStore({ dataDir: dir });
    await oldStore.write(before);
    oldStore.close();
    const after = {
      ...record('after', 1_700_000_002_000),
      recordingPath: 'recordings/x/after.wav',
    };
    const reopened = await openCallStore({ dataDir: dir });
    await reopened.write(after);
    expect(await reopened.queryCalls()).toEqual([before, after]);
    reopened.close();
  });

  it('keeps the realtime component of a speech-to-speech call', async () => {
    const r = record('rt1', 1_700_000_000_000);
    const ledger = new CostLedger({ prices: DEFAULT_PRICES });
    ledger.record('realtime', {
      model: 'gpt-realtime',
      audioInputTokens: 300,
      cachedAudioInputTokens: 0,
      audioOutputTokens: 600,
      textInputTokens: 800,
      cachedTextInputTokens: 0,
      textOutputTokens: 90,
    });
    r.cost = ledger.breakdown();
    await store.write(r);
    const [back] = await store.queryCalls();
    expect(back?.cost.realtime).toBeGreaterThan(0);
    expect(back).toEqual(r);
  });

  it('upserts by id so a retried write makes no duplicate', async () => {
    await store.write(record('c1', 1_700_000_000_000));
    await store.write(record('c1', 1_700_000_000_000, 2000));
    const rows = await store.queryCalls();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.cost.llm).toBeCloseTo(2000 * 1e-6 + 100 * 5e-6, 12);
  });

  it('filters by start time', async () => {
    const now = 1_700_000_000_000;
    await store.writeMany([record('a', now - 3 * DAY), record('b', now - DAY), record('c', now)]);
    const since = await store.queryCalls({ since: now - 2 * DAY });
    expect(since.map((r) => r.id)).toEqual(['b', 'c']);
    const until = await store.queryCalls({ until: now - 2 * DAY });
    expect(until.map((r) => r.id)).toEqual(['a']);
  });

  it('a second store instance on the same folder sees the rows (durable)', async () => {
    await store.write(record('c1', 1_700_000_000_000));
    const other = await openCallStore({ dataDir: dir });
    expect((await other.queryCalls()).map((r) => r.id)).toEqual(['c1']);
    other.close();
  });

  it('retention deletes calls older than the period and keeps the rest', async () => {
    const now = 1_700_000_000_000;
    await store.writeMany([
      record('old', now - 40 * DAY),
      record('edge', now - 29 * DAY),
      record('new', now - DAY),
    ]);
    const result = await enforceRetention(store, 30, now);
    expect(result.deleted).toBe(1);
    expect((await store.queryCalls()).map((r) => r.id)).toEqual(['edge', 'new']);
    expect((await enforceRetention(store, 30, now)).deleted).toBe(0);
  });
});
