import { describe, expect, it } from 'vitest';
import { assignFlags } from '../../../src/config/flags.js';
import {
  createRemoteSttEngines,
  createSttSelector,
  openLiveStream,
} from '../../../src/providers/stt/engines.js';
import { FallbackStt } from '../../../src/providers/stt/fallback-stt.js';
import { LocalEngine } from './stt-helpers.js';

const remote = createRemoteSttEngines({
  openai: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'k', model: 'm', timeoutMs: 100 },
  deepgram: {
    baseUrl: 'ws://127.0.0.1:1',
    apiKey: 'k',
    model: 'nova-3',
    connectTimeoutMs: 100,
    finalTimeoutMs: 100,
  },
});

describe('per-call STT engine choice by the stt flag', () => {
  it('builds only the configured remote engines', () => {
    expect([...remote.keys()]).toEqual(['openai', 'deepgram']);
  });

  it('splits calls by the rollout percentage, each with the local engine behind it', () => {
    const local = new LocalEngine();
    const flags = { stt: { openai: 10, whisper: 90 } };
    const engineFor = createSttSelector({
      local,
      remote,
      variantOf: (id) => assignFlags(id, flags).stt,
    });
    let flagged = 0;
    for (let i = 0; i < 2_000; i++) {
      const engine = engineFor(`call-${i}`);
      if (engine === local) continue;
      flagged++;
      expect(engine).toBeInstanceOf(FallbackStt);
      expect((engine as FallbackStt).engines.map((e) => e.name)).toEqual(['openai', 'whisper']);
    }
    expect(flagged / 2_000).toBeGreaterThan(0.07);
    expect(flagged / 2_000).toBeLessThan(0.13);
    // The same call id always gets the same engine.
    expect(engineFor('call-7').name).toBe(engineFor('call-7').name);
  });

  it('serves an unconfigured variant locally and warns once', () => {
    const local = new LocalEngine();
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o) } as never;
    const engineFor = createSttSelector({
      local,
      remote,
      variantOf: () => 'openai-realtime',
      logger,
    });
    expect(engineFor('a')).toBe(local);
    expect(engineFor('b')).toBe(local);
    expect(warnings).toHaveLength(1);
  });

  it('no flag: the local engine', () => {
    const local = new LocalEngine();
    expect(createSttSelector({ local, remote, variantOf: () => undefined })('x')).toBe(local);
  });
});

describe('openLiveStream (what the endpointing actor streams to)', () => {
  const local = new LocalEngine();
  it('streams when the flagged engine streams (Deepgram first), not for batch or local engines', () => {
    const deepgram = new FallbackStt([remote.get('deepgram')!, local]);
    const openai = new FallbackStt([remote.get('openai')!, local]);
    const stream = openLiveStream(deepgram);
    expect(stream).toBeDefined();
    stream?.close();
    expect(openLiveStream(openai)).toBeUndefined();
    expect(openLiveStream(local)).toBeUndefined();
  });
});
