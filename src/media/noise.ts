/**
 * Noise suppression for one call: sends the call's 16 kHz caller audio through RNNoise on the
 * noise worker pool (`src/workers/noise.worker.ts`) and keeps the call's denoiser state
 * between tasks, so any thread can serve any call. Used before voice activity detection and
 * speech-to-text when the call has noise suppression on (`VOXSTATE_NOISE_SUPPRESSION`, the
 * `noise` flag).
 *
 * Frames that arrive while a task is on a thread wait and go together in the next task (one
 * round trip per frame when the pool keeps up, fewer under load). Each frame comes back with as
 * many samples as it had, {@link NOISE_LATENCY_MS} late.
 *
 * @module
 */
import type { InferencePool } from '../workers/inference-pool.js';
import {
  NOISE_LATENCY_SAMPLES,
  type NoiseResult,
  type NoiseState,
  type NoiseTask,
  noiseStateBuffers,
} from '../workers/noise.worker.js';

type NoisePool = Pick<InferencePool<NoiseTask, NoiseResult>, 'run'>;

/** How far the denoised audio lags the caller's, ms (25 ms). */
export const NOISE_LATENCY_MS = (NOISE_LATENCY_SAMPLES / 16_000) * 1000;

interface Waiting {
  samples: Float32Array;
  resolve: (samples: Float32Array) => void;
  reject: (err: unknown) => void;
}

/**
 * Per-call noise suppressor.
 *
 * @example
 * ```ts
 * const noise = new NoiseSession(pools.noise);
 * const clean = await noise.process(frame16k, signal); // same length, 25 ms late
 * for (const p of await vad.process(clean, signal)) ...
 * ```
 */
export class NoiseSession {
  #state: NoiseState | undefined;
  #waiting: Waiting[] = [];
  #inFlight = false;
  #signal: AbortSignal | undefined;
  #voice = 0;

  constructor(private readonly pool: NoisePool) {}

  /** RNNoise's voice probability over the last task's frames. */
  get voice(): number {
    return this.#voice;
  }

  /**
   * Denoises one frame of 16 kHz samples in [-1, 1] (the frame is copied; the caller keeps it).
   * Resolves with as many samples, the denoised stream {@link NOISE_LATENCY_MS} late.
   *
   * @throws AbortedError when `signal` aborts while the frame waits for a thread.
   * @throws WorkerError / QueueFullError from the pool; the call's denoiser starts afresh.
   */
  process(frame16k: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    if (frame16k.length === 0) return Promise.resolve(new Float32Array(0));
    this.#signal = signal;
    return new Promise<Float32Array>((resolve, reject) => {
      this.#waiting.push({ samples: frame16k.slice(), resolve, reject });
      this.#pump();
    });
  }

  /** Forgets the call's audio history. */
  reset(): void {
    this.#state = undefined;
  }

  #pump(): void {
    if (this.#inFlight || this.#waiting.length === 0) return;
    const batch = this.#waiting.splice(0);
    const samples = new Float32Array(batch.reduce((n, w) => n + w.samples.length, 0));
    let at = 0;
    for (const w of batch) {
      samples.set(w.samples, at);
      at += w.samples.length;
    }
    const state = this.#state;
    // The state's buffers move to the thread: until the result comes back it is not ours.
    this.#state = undefined;
    const transferList = [samples.buffer, ...(state ? noiseStateBuffers(state) : [])];
    const signal = this.#signal;
    this.#inFlight = true;
    this.pool
      .run({ samples, state }, { transferList, ...(signal ? { signal } : {}) })
      .then(
        (result) => {
          this.#state = result.state;
          this.#voice = result.voice;
          let from = 0;
          for (const w of batch) {
            w.resolve(result.samples.slice(from, from + w.samples.length));
            from += w.samples.length;
          }
        },
        (err: unknown) => {
          for (const w of batch) w.reject(err);
        },
      )
      .finally(() => {
        this.#inFlight = false;
        this.#pump();
      });
  }
}
