/**
 * Places a call's incoming audio frames on the call's clock.
 *
 * Counting frames (20 ms each) is not a clock: a Local channel sends nothing between
 * playbacks, and SIP legs with silence suppression or DTX send nothing while the caller is
 * quiet. Here a frame follows the previous one directly while frames keep coming, and starts
 * where the clock says when it comes later than `lateToleranceMs` after it was due: the time
 * in between had no audio. Jitter and short main-thread stalls below the tolerance keep the
 * audio contiguous; a longer gap is real time without audio. It also says when each voice
 * activity window (512 samples) ends, so that the endpointer sees the windows on the same
 * clock.
 *
 * @module
 */

/** Options of {@link FrameClock}. */
export interface FrameClockOptions {
  /** Clock time (ms) that is media time 0, usually when the call's audio started. */
  originMs: number;
  /** A frame this much later than due (ms) starts at its arrival; default 60. */
  lateToleranceMs?: number;
  /** Samples per voice activity window; default 512. */
  windowSamples?: number;
  /** Sample rate of the frames; default 16000. */
  sampleRate?: number;
}

/** Where one frame sits on the media clock. */
export interface PlacedFrame {
  /** Start of the frame, media ms. */
  startMs: number;
  /** End of the frame, media ms. */
  endMs: number;
  /** Media ms at which each window this frame completes ends, in order (often one, or none). */
  windowEndsMs: number[];
}

/**
 * The media clock of one call's incoming audio.
 *
 * @example
 * ```ts
 * const clock = new FrameClock({ originMs: performance.now() });
 * media.on('audio', (frame) => {
 *   const placed = clock.place(performance.now(), frame.length / 2);
 *   // placed.windowEndsMs[i] - 32 is the start of the i-th window this frame completes
 * });
 * ```
 */
export class FrameClock {
  readonly #originMs: number;
  readonly #toleranceMs: number;
  readonly #windowSamples: number;
  readonly #samplesPerMs: number;
  #nextStartMs = 0;
  #partialSamples = 0;

  constructor(options: FrameClockOptions) {
    this.#originMs = options.originMs;
    this.#toleranceMs = options.lateToleranceMs ?? 60;
    this.#windowSamples = options.windowSamples ?? 512;
    this.#samplesPerMs = (options.sampleRate ?? 16_000) / 1000;
  }

  /** Media time of clock time `clockMs`. */
  mediaMs(clockMs: number): number {
    return clockMs - this.#originMs;
  }

  /** Clock time of media time `mediaMs`. */
  clockMs(mediaMs: number): number {
    return mediaMs + this.#originMs;
  }

  /** End of the last frame placed, media ms (0 before any). */
  get heardUntilMs(): number {
    return this.#nextStartMs;
  }

  /** Places a frame of `samples` that arrived at clock time `arrivalClockMs`. */
  place(arrivalClockMs: number, samples: number): PlacedFrame {
    const durationMs = samples / this.#samplesPerMs;
    const dueStart = this.mediaMs(arrivalClockMs) - durationMs;
    const startMs = dueStart > this.#nextStartMs + this.#toleranceMs ? dueStart : this.#nextStartMs;
    const endMs = startMs + durationMs;
    this.#nextStartMs = endMs;
    const windowEndsMs: number[] = [];
    let needed = this.#windowSamples - this.#partialSamples;
    let used = 0;
    while (samples - used >= needed) {
      used += needed;
      windowEndsMs.push(startMs + used / this.#samplesPerMs);
      needed = this.#windowSamples;
    }
    this.#partialSamples = (this.#partialSamples + samples) % this.#windowSamples;
    return { startMs, endMs, windowEndsMs };
  }
}
