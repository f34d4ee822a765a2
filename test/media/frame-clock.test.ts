import { describe, expect, it } from 'vitest';
import { FrameClock } from '../../src/media/frame-clock.js';

describe('FrameClock', () => {
  it('keeps frames that keep coming contiguous, jitter and short stalls included', () => {
    const clock = new FrameClock({ originMs: 1000 });
    const arrivals = [1020, 1041, 1059, 1100, 1101, 1102, 1140];
    const starts = arrivals.map((t) => clock.place(t, 320).startMs);
    expect(starts).toEqual([0, 20, 40, 60, 80, 100, 120]);
    expect(clock.heardUntilMs).toBe(140);
  });

  it('starts a frame where the clock says when it comes after a gap: the gap had no audio', () => {
    const clock = new FrameClock({ originMs: 0 });
    clock.place(20, 320);
    clock.place(40, 320);
    // Nothing for 1.5 s (silence suppression), then audio again.
    expect(clock.place(1_560, 320)).toMatchObject({ startMs: 1_540, endMs: 1_560 });
    expect(clock.place(1_580, 320).startMs).toBe(1_560);
    // The first frame of a call that started silent sits where it arrived.
    const late = new FrameClock({ originMs: 500 });
    expect(late.place(3_500, 320).startMs).toBe(2_980);
    expect(late.mediaMs(3_500)).toBe(3_000);
    expect(late.clockMs(3_000)).toBe(3_500);
  });

  it('says where each 512-sample window ends, across frames and gaps', () => {
    const clock = new FrameClock({ originMs: 0 });
    const ends = [20, 40, 60, 80, 100].flatMap((t) => clock.place(t, 320).windowEndsMs);
    // 1600 samples: windows end at 512, 1024 and 1536 samples = 32, 64 and 96 ms.
    expect(ends).toEqual([32, 64, 96]);
    // 64 samples wait in the partial window; after a gap the next window ends 448 samples
    // (28 ms) into the next frame.
    expect(clock.place(2_020, 320).windowEndsMs).toEqual([]);
    expect(clock.place(2_040, 320).windowEndsMs).toEqual([2_000 + 28]);
  });

  it('counts the time since the last frame arrived as silence, whatever the jitter before', () => {
    const clock = new FrameClock({ originMs: 0 });
    for (const t of [20, 40, 60]) clock.place(t, 320);
    // A stall: five frames arrive at once, 100 ms late; they stay contiguous.
    const burst = [160, 160, 160, 160, 160].map((t) => clock.place(t, 320).startMs);
    expect(burst).toEqual([60, 80, 100, 120, 140]);
    // Now is the end of the last frame plus the time since it arrived.
    expect(clock.mediaMs(660)).toBe(160 + 500);
    expect(clock.clockMs(660)).toBe(660);
  });
});
