import { describe, expect, it } from 'vitest';
import { trimTrailingSilence } from '../../src/audio/trim.js';

describe('trimTrailingSilence', () => {
  const rate = 16_000;
  const tone = (ms: number) =>
    Float32Array.from({ length: (ms * rate) / 1000 }, (_, i) => 0.5 * Math.sin(i / 3));

  it('keeps the sound and only keepMs of the silence after it', () => {
    const audio = new Float32Array(((300 + 300) * rate) / 1000);
    audio.set(tone(300));
    const trimmed = trimTrailingSilence(audio, { sampleRate: rate, keepMs: 50 });
    expect(trimmed.length).toBeGreaterThan(((300 + 49) * rate) / 1000);
    expect(trimmed.length).toBeLessThanOrEqual(((300 + 50) * rate) / 1000 + 1);
  });

  it('leaves audio without trailing silence, and all-silent audio, as they are', () => {
    const loud = tone(100);
    expect(trimTrailingSilence(loud, { sampleRate: rate }).length).toBe(loud.length);
    const quiet = new Float32Array(800);
    expect(trimTrailingSilence(quiet, { sampleRate: rate }).length).toBe(800);
  });

  it('treats samples under the threshold as silence, whatever their sign', () => {
    const audio = Float32Array.from([0.5, -0.5, 0.004, -0.004, 0.002, 0]);
    expect(trimTrailingSilence(audio, { sampleRate: 1000, keepMs: 1 }).length).toBe(3);
  });
});
