/**
 * The voicemail beep detector on constructed tones: common beep frequencies found with their
 * end time, too-short tones, chords and noise refused, a beep under line noise still found,
 * and the message point (beep, silence after a greeting, or timeout).
 */
import { describe, expect, it } from 'vitest';
import { type Beep, BeepDetector, MessagePointDetector } from '../../../src/media/amd/index.js';
import { noiseBurst, toneAudio, withNoise } from '../../../src/simulator/sounds.js';

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const silence = (ms: number) => new Int16Array((ms / 1000) * 16_000);

function beepsIn(samples: Int16Array, detector = new BeepDetector()): Beep[] {
  const found: Beep[] = [];
  for (let i = 0; i + 320 <= samples.length; i += 320) {
    const b = detector.push(samples.subarray(i, i + 320));
    if (b) found.push(b);
  }
  const last = detector.silence(20);
  if (last) found.push(last);
  return found;
}

describe('BeepDetector', () => {
  it.each([440, 850, 950, 1000, 1400])('finds a %i Hz beep of 500 ms and when it ends', (hz) => {
    const found = beepsIn(concat(silence(300), toneAudio(hz, 500), silence(300)));
    expect(found).toHaveLength(1);
    expect(Math.abs(found[0]!.hz - hz)).toBeLessThanOrEqual(25);
    expect(found[0]!.startMs).toBe(300);
    expect(found[0]!.endMs).toBe(800);
    expect(found[0]!.purity).toBeGreaterThan(0.9);
  });

  it('refuses a tone shorter than minDurationMs, a two-tone chord and plain noise', () => {
    expect(beepsIn(concat(silence(100), toneAudio(1000, 140), silence(200)))).toEqual([]);
    const a = toneAudio(700, 600, 5000);
    const b = toneAudio(1300, 600, 5000);
    const chord = a.map((v, i) => v + b[i]!);
    expect(beepsIn(chord)).toEqual([]);
    expect(beepsIn(noiseBurst(1000, 4000))).toEqual([]);
  });

  it('still finds a beep under line noise (SNR about 20 dB)', () => {
    const line = withNoise(concat(silence(200), toneAudio(1000, 500, 6000), silence(200)), 400);
    const found = beepsIn(line);
    expect(found).toHaveLength(1);
    expect(found[0]!.endMs).toBeGreaterThanOrEqual(680);
    expect(found[0]!.endMs).toBeLessThanOrEqual(720);
  });

  it('reports a continuous tone once it has lasted maxDurationMs', () => {
    const detector = new BeepDetector({ maxDurationMs: 1000 });
    const found = beepsIn(toneAudio(1000, 2000), detector);
    expect(found[0]).toMatchObject({ startMs: 0, endMs: 1000 });
  });
});

describe('MessagePointDetector', () => {
  const feed = (samples: Int16Array, d: MessagePointDetector) => {
    for (let i = 0; i + 320 <= samples.length; i += 320) {
      const p = d.push(samples.subarray(i, i + 320));
      if (p) return p;
    }
    return undefined;
  };

  it('starts the message at the end of the beep', () => {
    const p = feed(
      concat(noiseBurst(1500, 3000), silence(300), toneAudio(1000, 500), silence(2000)),
      new MessagePointDetector(),
    );
    expect(p).toMatchObject({ kind: 'beep', atMs: 2300 });
  });

  it('without a beep, after enough silence following the greeting; else at the longest wait', () => {
    const p = feed(concat(noiseBurst(1500, 3000), silence(3000)), new MessagePointDetector());
    expect(p).toEqual({ kind: 'silence', atMs: 1500 + 2500 });
    const waiting = new MessagePointDetector({ maxWaitMs: 1000 });
    expect(feed(noiseBurst(2000, 3000), waiting)).toEqual({ kind: 'timeout', atMs: 1000 });
    const hiss = withNoise(concat(noiseBurst(1500, 3000), silence(3000)), 500);
    expect(feed(hiss, new MessagePointDetector())?.kind).not.toBe('silence');
    expect(feed(hiss, new MessagePointDetector({ noiseFloor: true }))).toMatchObject({
      kind: 'silence',
    });
    const dtx = new MessagePointDetector({ silenceAfterGreetingMs: 1000 });
    expect(feed(noiseBurst(500, 3000), dtx)).toBeUndefined();
    expect(dtx.silence(1000)).toEqual({ kind: 'silence', atMs: 1500 });
  });
});
