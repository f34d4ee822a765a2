/**
 * Voice activity for one call: buffers the call's 16 kHz frames (usually 20 ms) into Silero's
 * 512-sample windows (32 ms), runs them on the VAD worker pool and keeps the call's recurrent
 * state and context between tasks, so any thread can serve any call.
 *
 * While a task is on a thread, newly completed windows wait and go together in the next task:
 * one round trip per frame when the pool keeps up, fewer under load.
 *
 * @module
 */
import type { InferencePool } from '../workers/inference-pool.js';
import {
  VAD_CONTEXT,
  VAD_STATE_SIZE,
  VAD_WINDOW,
  type VadResult,
  type VadTask,
} from '../workers/vad.worker.js';

type VadPool = Pick<InferencePool<VadTask, VadResult>, 'run'>;

/** Duration of one VAD window at 16 kHz, ms. */
export const VAD_WINDOW_MS = (VAD_WINDOW / 16_000) * 1000;

interface Waiter {
  /** Windows this waiter owns, in order. */
  count: number;
  resolve: (p: number[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Per-call voice activity detector.
 *
 * @example
 * ```ts
 * const vad = new VadSession(pools.vad);
 * for await (const frame of frames) {
 *   for (const p of await vad.process(frame, signal)) endpointer.push(p, t += VAD_WINDOW_MS);
 * }
 * ```
 */
export class VadSession {
  private state: Float32Array = new Float32Array(VAD_STATE_SIZE);
  private context: Float32Array = new Float32Array(VAD_CONTEXT);
  private readonly partial = new Float32Array(VAD_WINDOW);
  private partialLength = 0;
  private readonly ready: Float32Array[] = [];
  private readonly waiting: Waiter[] = [];
  private inFlight = false;
  private processed = 0;
  private signal: AbortSignal | undefined;

  constructor(private readonly pool: VadPool) {}

  /** Windows whose probabilities have been returned so far. */
  get windowsProcessed(): number {
    return this.processed;
  }

  /**
   * Adds one frame of 16 kHz audio; resolves with the speech probability of every window that
   * this frame completed (often one, sometimes none), in order.
   *
   * @throws AbortedError when `signal` aborts while the windows wait for a thread.
   * @throws WorkerError / QueueFullError from the pool.
   */
  process(frame16k: Float32Array, signal?: AbortSignal): Promise<number[]> {
    let completed = 0;
    let offset = 0;
    while (offset < frame16k.length) {
      const take = Math.min(VAD_WINDOW - this.partialLength, frame16k.length - offset);
      this.partial.set(frame16k.subarray(offset, offset + take), this.partialLength);
      this.partialLength += take;
      offset += take;
      if (this.partialLength === VAD_WINDOW) {
        this.ready.push(this.partial.slice());
        this.partialLength = 0;
        completed++;
      }
    }
    if (completed === 0) return Promise.resolve([]);
    this.signal = signal;
    return new Promise<number[]>((resolve, reject) => {
      this.waiting.push({ count: completed, resolve, reject });
      this.pump();
    });
  }

  /** Forgets the call's audio history (state, context and any partial window). */
  reset(): void {
    this.state = new Float32Array(VAD_STATE_SIZE);
    this.context = new Float32Array(VAD_CONTEXT);
    this.partialLength = 0;
  }

  private pump(): void {
    if (this.inFlight || this.ready.length === 0) return;
    const windows = this.ready.splice(0);
    const waiters: Waiter[] = [];
    let covered = 0;
    while (covered < windows.length) {
      const w = this.waiting.shift() as Waiter;
      waiters.push(w);
      covered += w.count;
    }
    const batch = new Float32Array(windows.length * VAD_WINDOW);
    windows.forEach((w, i) => {
      batch.set(w, i * VAD_WINDOW);
    });
    const task: VadTask = { windows: batch, state: this.state, context: this.context };
    this.inFlight = true;
    const signal = this.signal;
    this.pool
      .run(task, { transferList: [batch.buffer], ...(signal ? { signal } : {}) })
      .then(
        (result) => {
          this.state = result.state;
          this.context = result.context;
          this.processed += windows.length;
          let at = 0;
          for (const w of waiters) {
            w.resolve(Array.from(result.probabilities.subarray(at, at + w.count)));
            at += w.count;
          }
        },
        (err: unknown) => {
          for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        this.inFlight = false;
        this.pump();
      });
  }
}
