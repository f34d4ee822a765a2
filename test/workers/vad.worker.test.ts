import { afterAll, describe, expect, test } from 'vitest';
import { WorkerError } from '../../src/errors.js';
import { createInferencePools } from '../../src/workers/pools.js';
import { VAD_CONTEXT, VAD_STATE_SIZE, VAD_WINDOW } from '../../src/workers/vad.worker.js';
import { voicedSignal } from '../fixtures/voiced.js';
import { deps, tinyConfig } from './helpers.js';

const pools = createInferencePools(await tinyConfig(), deps());
afterAll(() => pools.close());

function fresh(windows: Float32Array) {
  return {
    windows,
    state: new Float32Array(VAD_STATE_SIZE),
    context: new Float32Array(VAD_CONTEXT),
  };
}

function mean(values: Float32Array): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('vad worker (Silero v5)', () => {
  test('speech-like audio scores far above silence', async () => {
    const n = 30;
    const speech = await pools.vad.run(
      fresh(
        voicedSignal(1)
          .subarray(0, n * VAD_WINDOW)
          .slice(),
      ),
    );
    const silence = await pools.vad.run(fresh(new Float32Array(n * VAD_WINDOW)));
    expect(speech.probabilities).toHaveLength(n);
    expect(mean(speech.probabilities)).toBeGreaterThan(0.5);
    expect(mean(silence.probabilities)).toBeLessThan(0.1);
  });

  test('state carried between tasks gives the same result as one long task', async () => {
    const audio = voicedSignal(0.5).subarray(0, 8 * VAD_WINDOW);
    const whole = await pools.vad.run(fresh(audio.slice()));
    const a = await pools.vad.run(fresh(audio.slice(0, 4 * VAD_WINDOW)));
    const b = await pools.vad.run({
      windows: audio.slice(4 * VAD_WINDOW),
      state: a.state,
      context: a.context,
    });
    const split = [...a.probabilities, ...b.probabilities];
    for (const [i, p] of split.entries()) expect(p).toBeCloseTo(whole.probabilities[i] ?? -1, 5);
  });

  test('a window that is not 512 samples is a WorkerError', async () => {
    await expect(pools.vad.run(fresh(new Float32Array(100)))).rejects.toBeInstanceOf(WorkerError);
  });
});
