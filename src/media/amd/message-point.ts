/**
 * When to start leaving a message on an answering machine: after its beep, or, for a machine
 * that does not beep, once its greeting has been followed by enough silence; giving up after a
 * longest wait. Feed it the callee's frames after AMD has said MACHINE.
 *
 * @module
 */

import { type Beep, BeepDetector, type BeepDetectorOptions } from './beep-detector.js';
import { NoiseFloor, type NoiseFloorOptions } from './noise-floor.js';
import { meanAbs } from './tone-math.js';

/** Options of {@link MessagePointDetector}. */
export interface MessagePointOptions extends BeepDetectorOptions {
  /** Silence after the greeting that means "recording now" when no beep came; default 2500 ms. */
  silenceAfterGreetingMs?: number;
  /** Mean absolute level under which a frame is silence; default 256 (as AMD). */
  silenceThreshold?: number;
  /** Longest wait for a beep or the silence; default 30000 ms. */
  maxWaitMs?: number;
  /** Frames near the line's noise floor are silence too (see noise-floor.ts); default off. */
  noiseFloor?: boolean | NoiseFloorOptions;
}

/** Where the message can start. */
export type MessagePoint =
  | { kind: 'beep'; atMs: number; beep: Beep }
  | { kind: 'silence'; atMs: number }
  | { kind: 'timeout'; atMs: number };

/** Waits for a machine's beep, or its silence after the greeting. */
export class MessagePointDetector {
  readonly #beeps: BeepDetector;
  readonly #silenceAfterMs: number;
  readonly #threshold: number;
  readonly #maxWaitMs: number;
  readonly #rate: number;
  readonly #floor: NoiseFloor | undefined;
  #nowMs = 0;
  #quietMs = 0;
  #point: MessagePoint | undefined;

  constructor(options: MessagePointOptions = {}) {
    this.#beeps = new BeepDetector(options);
    this.#silenceAfterMs = options.silenceAfterGreetingMs ?? 2500;
    this.#threshold = options.silenceThreshold ?? 256;
    this.#maxWaitMs = options.maxWaitMs ?? 30_000;
    this.#rate = options.sampleRate ?? 16_000;
    const floor = options.noiseFloor;
    this.#floor = floor ? new NoiseFloor(floor === true ? {} : floor) : undefined;
  }

  /** The point, once found. */
  get point(): MessagePoint | undefined {
    return this.#point;
  }

  /** Analyses one frame; returns the point once found. */
  push(samples: Int16Array): MessagePoint | undefined {
    if (this.#point) return this.#point;
    const ms = (samples.length * 1000) / this.#rate;
    const beep = this.#beeps.push(samples);
    this.#nowMs += ms;
    if (beep) return this.#found({ kind: 'beep', atMs: beep.endMs, beep });
    const level = meanAbs(samples);
    const threshold = Math.max(this.#threshold, this.#floor?.add(level, ms) ?? 0);
    this.#quietMs = level < threshold ? this.#quietMs + ms : 0;
    return this.#check();
  }

  /** `ms` passed without frames (counts as silence). */
  silence(ms: number): MessagePoint | undefined {
    if (this.#point) return this.#point;
    const beep = this.#beeps.silence(ms);
    if (beep) return this.#found({ kind: 'beep', atMs: beep.endMs, beep });
    this.#nowMs += ms;
    this.#quietMs += ms;
    return this.#check();
  }

  #found(point: MessagePoint): MessagePoint {
    this.#point = point;
    return point;
  }

  #check(): MessagePoint | undefined {
    if (this.#quietMs >= this.#silenceAfterMs) {
      this.#point = { kind: 'silence', atMs: this.#nowMs };
    } else if (this.#nowMs >= this.#maxWaitMs) {
      this.#point = { kind: 'timeout', atMs: this.#nowMs };
    }
    return this.#point;
  }
}
