import { Registry } from 'prom-client';
import { afterAll, describe, expect, test } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { NOISE_LATENCY_MS, NoiseSession } from '../../src/media/noise.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import {
  NOISE_LATENCY_SAMPLES,
  type NoiseState,
  noiseStateBuffers,
} from '../../src/workers/noise.worker.js';
import { createNoisePool } from '../../src/workers/pools.js';
import { voicedSignal } from '../fixtures/voiced.js';

const config = { minThreads: 1, maxThreads: 1, idleTimeoutMs: 10_000, maxQueue: 64 };
const poolA = createNoisePool(config, { registry: new Registry(), logger: silentLogger() });
const poolB = createNoisePool(config, { registry: new Registry(), logger: silentLogger() });
afterAll(() => Promise.all([poolA.close(), poolB.close()]));

function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += (x[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, to - from));
}

/** Deterministic white noise at RMS `level`. */
function whiteNoise(n: number, level: number, seed = 3): Float32Array {
  let x = seed;
  return Float32Array.from({ length: n }, () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return ((x / 2_147_483_648) * 2 - 1) * level * Math.sqrt(3);
  });
}

/** Feeds `input` in frames of the given sizes (cycled) through `session`. */
async function run(
  session: NoiseSession,
  input: Float32Array,
  sizes = [320],
): Promise<Float32Array> {
  const out: Float32Array[] = [];
  for (let at = 0, k = 0; at < input.length; k++) {
    const n = Math.min(sizes[k % sizes.length] as number, input.length - at);
    const clean = await session.process(input.subarray(at, at + n));
    expect(clean).toHaveLength(n);
    out.push(clean);
    at += n;
  }
  const all = new Float32Array(input.length);
  let at = 0;
  for (const o of out) {
    all.set(o, at);
    at += o.length;
  }
  return all;
}

describe('noise suppression worker (RNNoise WASM)', () => {
  test('white noise alone is taken down by more than 20 dB; the voice over it stays', async () => {
    const noise = whiteNoise(48_000, 0.02);
    const voice = voicedSignal(1.5);
    const input = new Float32Array(48_000);
    input.set(noise.subarray(0, 24_000));
    for (let i = 24_000; i < 48_000; i++) input[i] = (noise[i] ?? 0) + (voice[i - 24_000] ?? 0);
    const out = await run(new NoiseSession(poolA), input);
    // Noise only (after RNNoise has settled): 8000..24000.
    expect(rms(out, 8_000, 24_000)).toBeLessThan(rms(input, 8_000, 24_000) / 10);
    // Voice over noise: most of its energy is kept (within 3 dB).
    const lag = NOISE_LATENCY_SAMPLES;
    expect(rms(out, 28_000 + lag, 48_000)).toBeGreaterThan(rms(voice, 4_000, 24_000 - lag) / 1.5);
  });

  test(`the output lags the input by ${NOISE_LATENCY_MS} ms, and every frame comes back whole`, async () => {
    const input = new Float32Array(16_000);
    input.set(voicedSignal(0.5), 8_000);
    const out = await run(new NoiseSession(poolA), input, [320, 160, 480, 7, 1000, 320]);
    const onset = (x: Float32Array) => x.findIndex((v) => Math.abs(v) > 0.02);
    const lag = onset(out) - onset(input);
    expect(Math.abs(lag - NOISE_LATENCY_SAMPLES)).toBeLessThan(32);
  });

  test('a call moves between threads: its state crosses, the output is the same to the bit', async () => {
    const input = new Float32Array(24_000);
    input.set(whiteNoise(24_000, 0.01));
    const voice = voicedSignal(0.6);
    for (let i = 0; i < voice.length; i++)
      input[8_000 + i] = (input[8_000 + i] ?? 0) + (voice[i] ?? 0);
    // The reference: the whole input in one task, its state never leaving the thread.
    const oneTask = await poolA.run({ samples: input.slice(), state: undefined });
    // Alternate pools (two different threads, two WASM instances) every frame.
    const out: number[] = [];
    let state: NoiseState | undefined;
    for (let at = 0, k = 0; at < input.length; at += 320, k++) {
      const pool = k % 2 === 0 ? poolA : poolB;
      const samples = input.slice(at, at + 320);
      const result = await pool.run(
        { samples, state },
        { transferList: [samples.buffer, ...(state ? noiseStateBuffers(state) : [])] },
      );
      out.push(...result.samples);
      state = result.state;
    }
    expect(Float32Array.from(out)).toEqual(oneTask.samples);
  });

  test('frames that arrive while a task runs go together in the next task', async () => {
    const session = new NoiseSession(poolA);
    const input = whiteNoise(3_200, 0.01);
    const frames = Array.from({ length: 10 }, (_, i) => input.subarray(i * 320, (i + 1) * 320));
    const results = await Promise.all(frames.map((f) => session.process(f)));
    const sequential = await run(new NoiseSession(poolA), input);
    expect(Float32Array.from(results.flatMap((r) => [...r]))).toEqual(sequential);
  });

  test('an aborted frame rejects with AbortedError; the session goes on afresh', async () => {
    const session = new NoiseSession(poolA);
    const controller = new AbortController();
    controller.abort();
    await expect(session.process(new Float32Array(320), controller.signal)).rejects.toBeInstanceOf(
      AbortedError,
    );
    await expect(session.process(new Float32Array(320))).resolves.toHaveLength(320);
  });
});
