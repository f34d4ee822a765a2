/**
 * The simulator's shared 20 ms media clock on a fake clock: the pace of every simulated stream,
 * independent of how busy the machine is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ClockSubscriber, MediaClock } from '../../src/simulator/media-clock.js';

function counter(): ClockSubscriber & { frames: number } {
  const c = {
    frames: 0,
    tick(n: number) {
      c.frames += n;
    },
  };
  return c;
}

describe('MediaClock', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends a frame at once and then one every 20 ms to each stream, from its own start', () => {
    const clock = new MediaClock();
    const a = counter();
    const b = counter();
    clock.add(a);
    vi.advanceTimersByTime(500);
    clock.add(b);
    vi.advanceTimersByTime(500);
    expect(a.frames).toBe(51);
    expect(b.frames).toBe(26);
    clock.stop();
  });

  it('stops its timer when the last stream leaves', () => {
    const clock = new MediaClock();
    const a = counter();
    clock.add(a);
    vi.advanceTimersByTime(100);
    clock.remove(a);
    expect(vi.getTimerCount()).toBe(0);
    const frames = a.frames;
    vi.advanceTimersByTime(100);
    expect(a.frames).toBe(frames);
  });
});
