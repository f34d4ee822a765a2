import { describe, expect, it, vi } from 'vitest';
import { CallRegistry } from '../../src/calls/registry.js';
import { ConfigError } from '../../src/errors.js';

interface Biz {
  name: string;
}

function registry(max?: number) {
  const buildCompactPrompt = vi.fn(
    (b: Biz, c: { language: string }) => `compact ${b.name} ${c.language}`,
  );
  const buildFullPrompt = vi.fn((b: Biz) => `full ${b.name}`);
  return {
    reg: new CallRegistry<Biz>({
      buildCompactPrompt,
      buildFullPrompt,
      maxCalls: max,
      now: () => 42,
    }),
    buildCompactPrompt,
    buildFullPrompt,
  };
}

describe('CallRegistry', () => {
  it('builds the compact prompt when the call is prepared, synchronously', () => {
    const { reg, buildCompactPrompt, buildFullPrompt } = registry();
    const call = reg.prepare(
      { callId: 'c1', direction: 'inbound', language: 'ru' },
      { name: 'Bakery' },
    );
    expect(call.compactPrompt).toBe('compact Bakery ru');
    expect(buildCompactPrompt).toHaveBeenCalledTimes(1);
    expect(buildFullPrompt).not.toHaveBeenCalled();
    expect(reg.systemPrompt('c1', 'compact')).toBe('compact Bakery ru');
  });

  it('serves the compact prompt until the full one is built, then the full one', () => {
    const { reg, buildFullPrompt } = registry();
    reg.prepare({ callId: 'c1', direction: 'outbound', language: 'en' }, { name: 'B' });
    expect(reg.systemPrompt('c1', 'full')).toBe('compact B en');
    expect(reg.buildFullPrompt('c1')).toBe('full B');
    expect(reg.buildFullPrompt('c1')).toBe('full B');
    expect(buildFullPrompt).toHaveBeenCalledTimes(1);
    expect(reg.systemPrompt('c1', 'full')).toBe('full B');
    expect(reg.systemPrompt('c1', 'compact')).toBe('compact B en');
  });

  it('refuses a duplicate id and a full registry, and forgets released calls', () => {
    const { reg } = registry(1);
    reg.prepare({ callId: 'c1', direction: 'inbound', language: 'en' }, { name: 'B' });
    expect(() =>
      reg.prepare({ callId: 'c1', direction: 'inbound', language: 'en' }, { name: 'B' }),
    ).toThrow(ConfigError);
    expect(() =>
      reg.prepare({ callId: 'c2', direction: 'inbound', language: 'en' }, { name: 'B' }),
    ).toThrow(/full/);
    expect(reg.release('c1')).toBe(true);
    expect(reg.release('c1')).toBe(false);
    expect(() => reg.systemPrompt('c1', 'compact')).toThrow(/not prepared/);
    expect(reg.size).toBe(0);
  });

  it('lists calls without personal data', () => {
    const { reg } = registry();
    reg.prepare(
      {
        callId: 'c1',
        direction: 'inbound',
        language: 'he',
        callerNumber: '+972501234567',
        flags: { stt: 'whisper' },
      },
      { name: 'B' },
    );
    const listed = reg.list();
    expect(listed).toEqual([
      {
        callId: 'c1',
        direction: 'inbound',
        language: 'he',
        prompt: 'compact',
        preparedAtMs: 42,
        flags: { stt: 'whisper' },
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain('972');
  });
});
