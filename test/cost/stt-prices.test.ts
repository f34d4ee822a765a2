import { describe, expect, it } from 'vitest';
import { CostLedger } from '../../src/cost/ledger.js';
import { DEFAULT_PRICES } from '../../src/cost/prices.js';

describe('STT engine prices', () => {
  it('prices every engine voxstate ships, the script engine at zero explicitly', () => {
    for (const engine of ['whisper', 'script', 'openai', 'openai-realtime', 'deepgram']) {
      expect(DEFAULT_PRICES.stt[engine], engine).toBeDefined();
    }
    expect(DEFAULT_PRICES.stt.script?.perSecond).toBe(0);
  });

  it('charges remote engines per second of audio and reports nothing unpriced', () => {
    const warnings: unknown[] = [];
    const ledger = new CostLedger({
      prices: DEFAULT_PRICES,
      logger: { warn: (...a: unknown[]) => warnings.push(a) } as never,
    });
    ledger.record('stt', { engine: 'script', seconds: 3 });
    ledger.record('stt', { engine: 'openai', seconds: 60 });
    ledger.record('stt', { engine: 'deepgram', seconds: 60 });
    ledger.record('stt', { engine: 'openai-realtime', seconds: 60 });
    const b = ledger.breakdown();
    expect(b.unpriced).toEqual([]);
    expect(warnings).toEqual([]);
    expect(b.byModel['stt:script']).toBe(0);
    expect(b.byModel['stt:openai']).toBeCloseTo(0.006, 9);
    expect(b.byModel['stt:deepgram']).toBeCloseTo(0.0077, 9);
    expect(b.byModel['stt:openai-realtime']).toBeCloseTo(0.003, 9);
  });
});
