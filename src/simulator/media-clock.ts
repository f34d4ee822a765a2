/**
 * One 20 ms clock shared by every simulated media stream, so that a hundred simulated calls cost
 * one timer instead of a hundred. Each subscriber keeps its own start time and is told how many
 * frames are due, which keeps streams in real time even when a tick comes late.
 *
 * @module
 */

import { FRAME_MS } from '../audio/format.js';

/** Something that sends one frame per 20 ms. */
export interface ClockSubscriber {
  /** Called on every tick with the number of frames due since the previous call (>= 1). */
  tick(framesDue: number): void;
}

/** Most frames a late tick may catch up in one go (100 ms), so a stall never becomes a burst. */
const MAX_CATCH_UP = 5;

/** A shared real-time 20 ms clock. */
export class MediaClock {
  readonly #subs = new Map<ClockSubscriber, { startMs: number; sent: number }>();
  #timer: NodeJS.Timeout | undefined;

  /** Starts ticking `sub` now. */
  add(sub: ClockSubscriber): void {
    this.#subs.set(sub, { startMs: performance.now(), sent: 0 });
    this.#timer ??= setInterval(() => this.#tick(), FRAME_MS / 2);
  }

  /** Stops ticking `sub`. */
  remove(sub: ClockSubscriber): void {
    this.#subs.delete(sub);
    if (this.#subs.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops everything. */
  stop(): void {
    this.#subs.clear();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const now = performance.now();
    for (const [sub, state] of this.#subs) {
      const due = Math.floor((now - state.startMs) / FRAME_MS) + 1 - state.sent;
      if (due <= 0) continue;
      const n = Math.min(due, MAX_CATCH_UP);
      state.sent += due;
      try {
        sub.tick(n);
      } catch {
        // A failing stream must not stop the others.
      }
    }
  }
}
