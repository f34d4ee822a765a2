import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  assignFlags,
  flagBucket,
  loadFlagConfig,
  parseFlagConfig,
} from '../../src/config/flags.js';
import { ConfigError } from '../../src/errors.js';
import { recordFlagAssignment } from '../../src/runtime/flag-metrics.js';

const ids = Array.from({ length: 20_000 }, (_, i) => `1700000000.${i}`);

function share(config: Parameters<typeof assignFlags>[1], flag: string, variant: string): number {
  return ids.filter((id) => assignFlags(id, config)[flag] === variant).length / ids.length;
}

describe('feature flags', () => {
  it('gives the same call id the same variants every time', () => {
    const config = parseFlagConfig({ stt: { whisper: 50, cloud: 50 }, tts: { a: 30, b: 70 } });
    for (const id of ids.slice(0, 200))
      expect(assignFlags(id, config)).toEqual(assignFlags(id, config));
    expect(assignFlags('abc', config)).toMatchInlineSnapshot(`
      {
        "stt": "whisper",
        "tts": "b",
      }
    `);
  });

  it('splits calls by the percentages (within 1.5 points over 20 000 ids)', () => {
    for (const pct of [10, 50, 90]) {
      const config = parseFlagConfig({ stt: { whisper: pct, cloud: 100 - pct } });
      expect(Math.abs(share(config, 'stt', 'whisper') * 100 - pct)).toBeLessThan(1.5);
    }
    const three = parseFlagConfig({ prompt: { a: 20, b: 30, c: 50 } });
    expect(share(three, 'prompt', 'b')).toBeCloseTo(0.3, 1);
  });

  it('a 10% -> 50% -> 100% rollout keeps the calls that already had the new variant', () => {
    const at = (p: number) => parseFlagConfig({ stt: { whisper: p, cloud: 100 - p } });
    for (const id of ids.slice(0, 2_000)) {
      if (assignFlags(id, at(10)).stt === 'whisper')
        expect(assignFlags(id, at(50)).stt).toBe('whisper');
      expect(assignFlags(id, at(100)).stt).toBe('whisper');
    }
  });

  it('hashes each flag independently (salted by the flag name)', () => {
    const config = parseFlagConfig({ stt: { x: 50, y: 50 }, tts: { x: 50, y: 50 } });
    const same = ids.filter((id) => {
      const f = assignFlags(id, config);
      return f.stt === f.tts;
    }).length;
    expect(same / ids.length).toBeCloseTo(0.5, 1);
    expect(flagBucket('stt', 'id')).not.toBe(flagBucket('tts', 'id'));
  });

  it('accepts a plain variant name as 100%', () => {
    expect(assignFlags('x', parseFlagConfig({ routing: 'on' }))).toEqual({ routing: 'on' });
  });

  it('rejects bad configurations with clear messages', () => {
    expect(() => parseFlagConfig({ stt: { whisper: 10, cloud: 80 } })).toThrow(
      /flag "stt" percentages add up to 90, not 100/,
    );
    expect(() => parseFlagConfig({ stt: { whisper: -5, cloud: 105 } })).toThrow(ConfigError);
    expect(() => parseFlagConfig({ stt: {} })).toThrow(/no variants/);
    expect(() => parseFlagConfig([1])).toThrow(/expected an object/);
    expect(() => parseFlagConfig({ 'bad name': 'x' })).toThrow(/bad flag name/);
    expect(() => parseFlagConfig({ stt: 5 })).toThrow(/variant name or an object/);
  });

  it('loads from VOXSTATE_FLAGS as JSON or a file path', async () => {
    expect(loadFlagConfig({})).toEqual({});
    expect(loadFlagConfig({ VOXSTATE_FLAGS: '{"stt":{"whisper":10,"cloud":90}}' })).toEqual({
      stt: { whisper: 10, cloud: 90 },
    });
    expect(() => loadFlagConfig({ VOXSTATE_FLAGS: '{nope' })).toThrow(/not valid JSON/);
    const dir = await mkdtemp(join(tmpdir(), 'voxstate-flags-'));
    const file = join(dir, 'flags.json');
    await writeFile(file, '{"routing":"off"}');
    expect(loadFlagConfig({ VOXSTATE_FLAGS: file })).toEqual({ routing: { off: 100 } });
    expect(() => loadFlagConfig({ VOXSTATE_FLAGS: join(dir, 'missing.json') })).toThrow(
      /cannot read flag file/,
    );
    await rm(dir, { recursive: true, force: true });
  });

  it('counts assignments as a metric label', async () => {
    const registry = new Registry();
    recordFlagAssignment(registry, { stt: 'whisper', routing: 'on' });
    recordFlagAssignment(registry, { stt: 'whisper' });
    const text = await registry.metrics();
    expect(text).toContain('voxstate_flag_assignments_total{flag="stt",variant="whisper"} 2');
    expect(text).toContain('voxstate_flag_assignments_total{flag="routing",variant="on"} 1');
  });
});
