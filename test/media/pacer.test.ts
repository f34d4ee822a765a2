import { describe, expect, it } from 'vitest';
import { type FrameTiming, Pacer } from '../../src/media/pacer.js';
import { FakeClock } from '../fakes/fake-clock.js';

function frames(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => Buffer.from([i & 0xff]));
}

describe('Pacer', () => {
  it('keeps every frame within 5 ms of its schedule over 10 s under a jittery clock', () => {
    const clock = new FakeClock({ jitterMs: 4, seed: 42 });
    const source = frames(500); // 10 s of 20 ms frames
    const sent: FrameTiming[] = [];
    let idleAt: number | undefined;
    const pacer = new Pacer({
      clock,
      pull: () => source.shift(),
      send: (_f, t) => sent.push(t),
      onIdle: (at) => {
        idleAt = at;
      },
    });
    pacer.start();
    const t0 = clock.now();
    clock.advance(10_100);
    expect(sent).toHaveLength(500);
    for (const [n, t] of sent.entries()) {
      expect(t.index).toBe(n);
      expect(t.dueAt).toBeCloseTo(t0 + n * 20, 6);
      expect(t.sentAt - t.dueAt).toBeGreaterThanOrEqual(-1);
      expect(t.sentAt - t.dueAt).toBeLessThanOrEqual(5);
    }
    expect(idleAt).toBeDefined();
    expect(pacer.running).toBe(false);
    expect(pacer.reanchors).toBe(0);
  });

  it('a re-armed 20 ms timer (the naive way) drifts under the same clock', () => {
    const clock = new FakeClock({ jitterMs: 4, seed: 42 });
    const t0 = clock.now();
    const sentAt: number[] = [];
    const tick = () => {
      sentAt.push(clock.now());
      if (sentAt.length < 500) clock.setTimeout(tick, 20);
    };
    clock.setTimeout(tick, 0);
    clock.advance(12_000);
    const worst = Math.max(...sentAt.map((t, n) => t - (t0 + n * 20)));
    expect(worst).toBeGreaterThan(100);
  });

  it('catches up after a stall with a bounded burst and re-anchors', () => {
    const clock = new FakeClock();
    const source = frames(100);
    const sent: FrameTiming[] = [];
    const pacer = new Pacer({
      clock,
      maxBurstFrames: 3,
      pull: () => source.shift(),
      send: (_f, t) => sent.push(t),
    });
    pacer.start();
    clock.advance(100); // frames 0..5
    const before = sent.length;
    clock.stall(200); // event loop blocked: 10 frames are now overdue
    clock.advance(1);
    const burst = sent.filter((t) => t.sentAt === sent[before]?.sentAt);
    expect(burst).toHaveLength(3);
    expect(pacer.reanchors).toBe(1);
    clock.advance(2_000);
    const after = sent.slice(before + 3);
    for (let i = 1; i < after.length; i++) {
      expect((after[i] as FrameTiming).sentAt - (after[i - 1] as FrameTiming).sentAt).toBeCloseTo(
        20,
        6,
      );
    }
    expect(sent).toHaveLength(100);
  });

  it('stop() is immediate and leaves no timer', () => {
    const clock = new FakeClock({ jitterMs: 2 });
    const source = frames(50);
    let count = 0;
    const pacer = new Pacer({ clock, pull: () => source.shift(), send: () => count++ });
    pacer.start();
    clock.advance(95);
    const sentBeforeStop = count;
    pacer.stop();
    clock.advance(1_000);
    expect(count).toBe(sentBeforeStop);
    expect(clock.pending).toBe(0);
  });

  it('goes idle when the source is dry and resumes on start()', () => {
    const clock = new FakeClock();
    const source = frames(3);
    let count = 0;
    let idles = 0;
    const pacer = new Pacer({
      clock,
      pull: () => source.shift(),
      send: () => count++,
      onIdle: () => idles++,
    });
    pacer.start();
    clock.advance(200);
    expect(count).toBe(3);
    expect(idles).toBe(1);
    source.push(...frames(2));
    pacer.start();
    clock.advance(200);
    expect(count).toBe(5);
    expect(idles).toBe(2);
  });
});
