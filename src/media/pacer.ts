/**
 * The pacer: sends 20 ms audio frames on a fixed schedule.
 *
 * Frame `n` of a run is due at `t0 + n * frameMs`. Each tick sends every frame that is due and
 * arms one timer for the next due time, so timer lateness never accumulates into drift (a bare
 * `setInterval`, or re-arming 20 ms after each late tick, drifts by the sum of its delays). A
 * tick that comes very late sends at most `maxBurstFrames` frames at once and then re-anchors
 * the schedule, so the far end's jitter buffer never gets a flood. When the source runs dry the
 * pacer goes idle; started again within a frame of the last one it keeps the old schedule.
 * Clock and timers are injectable so that tests can drive it deterministically.
 *
 * @module
 */
import { FRAME_MS } from '../audio/format.js';

/** A monotonic clock (ms) and its timers. */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock: `performance.now()` and Node timers. */
export const realClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Timing of one sent frame. */
export interface FrameTiming {
  /** Index of the frame in this run. */
  index: number;
  /** When it was due, ms on the pacer's clock. */
  dueAt: number;
  /** When it was sent, ms on the pacer's clock. */
  sentAt: number;
}

/** Options for {@link Pacer}. */
export interface PacerOptions {
  /** The next frame, or undefined when there is none now (the pacer then goes idle). */
  pull: () => Buffer | undefined;
  /** Sends one frame. */
  send: (frame: Buffer, timing: FrameTiming) => void;
  /** Called when the pacer goes idle because `pull` had nothing. */
  onIdle?: (atMs: number) => void;
  /** Frame duration, ms (default 20). */
  frameMs?: number;
  clock?: PacerClock;
  /** Most frames one late tick sends before re-anchoring (default 3). */
  maxBurstFrames?: number;
  /** A frame due this soon is sent now rather than waking again, ms (default 1). */
  earlyMs?: number;
}

/**
 * Sends frames from `pull` to `send` every `frameMs`, drift-free.
 *
 * @example
 * ```ts
 * const pacer = new Pacer({ pull: () => queue.shift(), send: (f) => socket.write(f) });
 * pacer.start(); // sends now, then every 20 ms until pull() returns undefined
 * pacer.stop();  // at once
 * ```
 */
export class Pacer {
  readonly #opts: PacerOptions;
  readonly #clock: PacerClock;
  readonly #frameMs: number;
  readonly #maxBurst: number;
  readonly #earlyMs: number;
  #running = false;
  #timer: unknown;
  #t0 = 0;
  #n = 0;
  #lastDueAt: number | undefined;
  #sent = 0;
  #reanchors = 0;

  constructor(options: PacerOptions) {
    this.#opts = options;
    this.#clock = options.clock ?? realClock;
    this.#frameMs = options.frameMs ?? FRAME_MS;
    this.#maxBurst = Math.max(1, options.maxBurstFrames ?? 3);
    this.#earlyMs = options.earlyMs ?? 1;
  }

  /** True between `start()` and going idle or `stop()`. */
  get running(): boolean {
    return this.#running;
  }

  /** Frames sent since construction. */
  get framesSent(): number {
    return this.#sent;
  }

  /** Times a late tick re-anchored the schedule. */
  get reanchors(): number {
    return this.#reanchors;
  }

  /**
   * Starts sending (no-op when running). The first frame goes out on the next timer turn, or
   * at the old schedule's next slot when the previous frame went out less than a frame ago.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const now = this.#clock.now();
    const next = this.#lastDueAt === undefined ? now : this.#lastDueAt + this.#frameMs;
    this.#t0 = Math.max(now, next);
    this.#n = 0;
    this.#arm(this.#t0 - now);
  }

  /** Stops at once: no frame is sent after this returns. */
  stop(): void {
    this.#running = false;
    this.#lastDueAt = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delayMs: number): void {
    this.#timer = this.#clock.setTimeout(() => this.#tick(), Math.max(0, delayMs));
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#running) return;
    const now = this.#clock.now();
    let burst = 0;
    for (;;) {
      const dueAt = this.#t0 + this.#n * this.#frameMs;
      if (dueAt > now + this.#earlyMs) break;
      if (burst >= this.#maxBurst) {
        // Still behind after a full burst: start a new schedule one frame from now.
        this.#t0 = now + this.#frameMs - this.#n * this.#frameMs;
        this.#reanchors += 1;
        break;
      }
      const frame = this.#opts.pull();
      if (!this.#running) return;
      if (!frame) {
        this.#running = false;
        this.#opts.onIdle?.(now);
        return;
      }
      this.#opts.send(frame, { index: this.#n, dueAt, sentAt: now });
      this.#lastDueAt = dueAt;
      this.#n += 1;
      this.#sent += 1;
      burst += 1;
      if (!this.#running) return;
    }
    this.#arm(this.#t0 + this.#n * this.#frameMs - this.#clock.now());
  }
}
