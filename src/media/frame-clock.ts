/**
 * Places a call's incoming audio frames on the call's media timeline, and converts between that
 * timeline and the clock.
 *
 * Counting frames (20 ms each) is not a clock: a Local channel sends nothing between
 * playbacks, and SIP legs with silence suppression or DTX send nothing while the caller is
 * quiet. Here a frame follows the previous one directly while frames keep coming, and when one
 * comes more than `lateToleranceMs` later than the previous one's duration, the time in between
 * had no audio: the timeline grows by that gap. Jitter and short main-thread stalls below the
 * tolerance keep the audio contiguous.
 *
 * Conversions go through the last frame: "now" on the timeline is the end of the last frame
 * plus the time since it arrived, so time without frames is counted exactly, whatever the
 * jitter before. It also says when each voice activity window (512 samples) ends, so that the
 * endpointer sees the windows on the same timeline.
 *
 * @module
 */

/** Options of {@link FrameClock}. */
export interface FrameClockOptions {
  /** Clock time (ms) that is media time 0, usually when the call's audio started. */
  originMs: number;
  /** A frame this much later than due (ms) starts a gap; default 120. */
  lateToleranceMs?: number;
  /** Samples per voice activity window; default 512. */
  windowSamples?: number;
  /** Sample rate of the frames; default 16000. */
  sampleRate?: number;
}

/** Where one frame sits on the media timeline. */
export interface PlacedFrame {
  /** Start of the frame, media ms. */
  startMs: number;
  /** End of the frame, media ms. */
  endMs: number;
  /** Clock time it arrived, ms. */
  arrivedAtMs: number;
  /** Media ms at which each window this frame completes ends, in order (often one, or none). */
  windowEndsMs: number[];
}

/**
 * The media timeline of one call's incoming audio.
 *
 * @example
 * ```ts
 * const clock = new FrameClock({ originMs: performance.now() });
 * media.on('audio', (frame) => {
 *   const placed = clock.place(performance.now(), frame.length / 2);
 *   // placed.windowEndsMs[i] - 32 is the start of the i-th window this frame completes
 * });
 * const silentForMs = clock.mediaMs(performance.now()) - clock.heardUntilMs;
 * ```
 */
export class FrameClock {
  readonly #toleranceMs: number;
  readonly #windowSamples: number;
  readonly #samplesPerMs: number;
  /** End of the last frame (media ms) and when it arrived (clock ms). */
  #lastEndMs = 0;
  #lastArrivalMs: number;
  #partialSamples = 0;

  constructor(options: FrameClockOptions) {
    this.#lastArrivalMs = options.originMs;
    this.#toleranceMs = options.lateToleranceMs ?? 120;
    this.#windowSamples = options.windowSamples ?? 512;
    this.#samplesPerMs = (options.sampleRate ?? 16_000) / 1000;
  }

  /** Media time of clock time `clockMs` (near the present). */
  mediaMs(clockMs: number): number {
    return this.#lastEndMs + (clockMs - this.#lastArrivalMs);
  }

  /** Clock time of media time `mediaMs` (near the present). */
  clockMs(mediaMs: number): number {
    return this.#lastArrivalMs + (mediaMs - this.#lastEndMs);
  }

  /** End of the last frame placed, media ms (0 before any). */
  get heardUntilMs(): number {
    return this.#lastEndMs;
  }

  /** Places a frame of `samples` that arrived at clock time `arrivalClockMs`. */
  place(arrivalClockMs: number, samples: number): PlacedFrame {
    const durationMs = samples / this.#samplesPerMs;
    const gapMs = arrivalClockMs - this.#lastArrivalMs - durationMs;
    const startMs = this.#lastEndMs + (gapMs > this.#toleranceMs ? gapMs : 0);
    const endMs = startMs + durationMs;
    this.#lastEndMs = endMs;
    this.#lastArrivalMs = arrivalClockMs;
    const windowEndsMs: number[] = [];
    let needed = this.#windowSamples - this.#partialSamples;
    let used = 0;
    while (samples - used >= needed) {
      used += needed;
      windowEndsMs.push(startMs + used / this.#samplesPerMs);
      needed = this.#windowSamples;
    }
    this.#partialSamples = (this.#partialSamples + samples) % this.#windowSamples;
    return { startMs, endMs, arrivedAtMs: arrivalClockMs, windowEndsMs };
  }
}
