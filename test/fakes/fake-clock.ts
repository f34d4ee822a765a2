/**
 * A deterministic clock with timers for pacer and playback tests: time only moves when the
 * test advances it, and each timer fires late by a pseudo-random jitter from a seeded
 * generator (never early), like a busy event loop.
 */
import type { PacerClock } from '../../src/media/pacer.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Mulberry32: a small seeded PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fake {@link PacerClock}; `jitterMs` is the most a timer fires late. */
export class FakeClock implements PacerClock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;
  readonly #jitter: () => number;

  constructor(options: { startMs?: number; jitterMs?: number; seed?: number } = {}) {
    this.#now = options.startMs ?? 1_000;
    const random = seededRandom(options.seed ?? 1);
    const max = options.jitterMs ?? 0;
    this.#jitter = () => random() * max;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms) + this.#jitter(), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Pending timers. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Blocks the "event loop": moves time without firing timers (they fire late afterwards). */
  stall(ms: number): void {
    this.#now += ms;
  }

  /** Advances time by `ms`, firing due timers in order at their (jittered) times. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = end;
  }
}
