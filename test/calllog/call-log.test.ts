import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CallEventLog } from '../../src/calllog/call-log.js';
import {
  DEFAULT_RETENTION_DAYS,
  enforceRetention,
  retentionDaysFromEnv,
} from '../../src/calllog/retention.js';
import { ConfigError } from '../../src/errors.js';

describe('CallEventLog', () => {
  it('stamps events with their offset from the start of the call', () => {
    let now = 1_000;
    const log = new CallEventLog({ now: () => now });
    log.add('started', { direction: 'inbound' });
    now = 1_420;
    log.add('greeting', { cached: true, latencyMs: 38 });
    expect(log.events()).toEqual([
      { t: 0, type: 'started', fields: { direction: 'inbound' } },
      { t: 420, type: 'greeting', fields: { cached: true, latencyMs: 38 } },
    ]);
  });

  it('is bounded: keeps the first event, drops the oldest after it, counts drops', async () => {
    const registry = new Registry();
    const log = new CallEventLog({ capacity: 5, registry });
    log.add('started');
    for (let i = 1; i <= 10; i++) log.add('turn', { n: i });
    const events = log.events();
    expect(events).toHaveLength(5);
    expect(events[0]?.type).toBe('started');
    expect(events.slice(1).map((e) => e.fields?.n)).toEqual([7, 8, 9, 10]);
    expect(log.dropped).toBe(6);
    expect(log.toJSON().dropped).toBe(6);
    expect(await registry.metrics()).toContain('voxstate_call_events_dropped_total 6');
  });

  it('keeps transcripts only when enabled, phone numbers only when enabled, secrets never', () => {
    const fields = {
      transcript: 'hello',
      callerNumber: '+123',
      n: 1,
      answer: 'hi',
      apiKey: 'sk-1',
      ariPassword: 'pw',
    };
    const off = new CallEventLog();
    off.add('turn', fields);
    expect(off.events()[0]?.fields).toEqual({ n: 1 });
    const words = new CallEventLog({ includeTranscripts: true });
    words.add('turn', fields);
    expect(words.events()[0]?.fields).toEqual({ transcript: 'hello', n: 1, answer: 'hi' });
    const numbers = new CallEventLog({ includePhoneNumbers: true });
    numbers.add('turn', fields);
    expect(numbers.events()[0]?.fields).toEqual({ callerNumber: '+123', n: 1 });
    const both = new CallEventLog({ includeTranscripts: true, includePhoneNumbers: true });
    both.add('turn', fields);
    expect(both.events()[0]?.fields).toEqual({
      transcript: 'hello',
      callerNumber: '+123',
      n: 1,
      answer: 'hi',
    });
  });

  it('keeps an answer of a few sentences whole (transcript fields are cut at 2,000 characters)', () => {
    const log = new CallEventLog({ includeTranscripts: true });
    const answer = 'We open at nine. '.repeat(30);
    log.add('turn', { answer, transcript: 'x'.repeat(5_000) });
    expect(log.events()[0]?.fields?.answer).toBe(answer);
    expect(log.events()[0]?.fields?.transcript).toHaveLength(2_000);
  });

  it('cuts long strings and serializes to JSON', () => {
    const log = new CallEventLog({ now: () => 0 });
    log.add('error', { kind: 'x'.repeat(500) });
    const json = JSON.parse(JSON.stringify(log));
    expect(json.events[0].fields.kind).toHaveLength(200);
    expect(json.dropped).toBe(0);
  });
});

describe('retention', () => {
  it('reads VOXSTATE_RETENTION_DAYS with a default of 30', () => {
    expect(retentionDaysFromEnv({})).toBe(DEFAULT_RETENTION_DAYS);
    expect(retentionDaysFromEnv({ VOXSTATE_RETENTION_DAYS: '7' })).toBe(7);
    expect(() => retentionDaysFromEnv({ VOXSTATE_RETENTION_DAYS: 'a week' })).toThrow(ConfigError);
  });

  it('deletes before the cutoff and compacts only when something was deleted', async () => {
    const calls: string[] = [];
    const store = {
      deleteStartedBefore: async (t: number) => {
        calls.push(`delete<${t}`);
        return calls.length === 1 ? 2 : 0;
      },
      compact: async () => void calls.push('compact'),
    };
    expect(await enforceRetention(store, 1, 2 * 86_400_000)).toEqual({
      cutoff: 86_400_000,
      deleted: 2,
    });
    expect(await enforceRetention(store, 1, 2 * 86_400_000)).toMatchObject({ deleted: 0 });
    expect(calls).toEqual(['delete<86400000', 'compact', 'delete<86400000']);
    await expect(enforceRetention(store, 0)).rejects.toThrow(ConfigError);
  });
});
