import { Registry } from 'prom-client';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultInferenceConfig } from '../../src/config/inference.js';
import { DenoisedVad } from '../../src/media/denoised-vad.js';
import { NoiseSession } from '../../src/media/noise.js';
import { VadSession } from '../../src/media/vad.js';
import { whiteNoise } from '../../src/simulator/line-noise.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { createNoisePool, createVadPool } from '../../src/workers/pools.js';
import { voicedSignal } from '../fixtures/voiced.js';

const deps = { registry: new Registry(), logger: silentLogger() };
const noisePool = createNoisePool(
  { minThreads: 1, maxThreads: 1, idleTimeoutMs: 10_000, maxQueue: 64 },
  deps,
);
const vadPool = createVadPool(defaultInferenceConfig(), deps);
afterAll(() => Promise.all([noisePool.close(), vadPool.close()]));

describe('DenoisedVad', () => {
  test('hears speech over noise, in order, and hands out each denoised frame', async () => {
    const audio = whiteNoise(32_000, 0.01, 5);
    const voice = voicedSignal(1);
    for (let i = 0; i < voice.length; i++)
      audio[8_000 + i] = (audio[8_000 + i] ?? 0) + (voice[i] ?? 0);
    const vad = new DenoisedVad(new NoiseSession(noisePool), new VadSession(vadPool));
    const clean: Float32Array[] = [];
    vad.onClean = (s) => clean.push(s);
    const frames = Array.from({ length: 100 }, (_, i) => audio.subarray(i * 320, (i + 1) * 320));
    // All at once, as frames arrive faster than the pools answer under load.
    const results = await Promise.all(frames.map((f) => vad.process(f)));
    const probabilities = results.flat();
    expect(probabilities).toHaveLength(Math.floor(32_000 / 512));
    expect(clean.map((c) => c.length)).toEqual(frames.map((f) => f.length));
    const mean = (from: number, to: number) =>
      probabilities.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
    // Windows of 32 ms: noise alone up to 0.5 s, speech from 0.5 s to 1.5 s.
    expect(mean(2, 14)).toBeLessThan(0.2);
    expect(mean(20, 44)).toBeGreaterThan(0.5);
    expect(vad.latencyMs).toBe(25);
  });
});
