/**
 * A test hook that crashes a worker thread of a real {@link InferencePool} in the middle of a
 * task: the next task handed to piscina gets its thread terminated right after dispatch, so
 * the thread dies holding the task. Give the pool one thread (`VOXSTATE_WHISPER_THREADS=1`): every
 * thread of the pool is terminated (piscina reports `worker exited with code: 1`), exactly as
 * when native inference code aborts the thread. Nothing in the product is replaced: the pool,
 * its error mapping and piscina's thread replacement all run for real.
 *
 * It reaches into private fields (`WhisperStt.pool`, `InferencePool.piscina`), so it is a
 * test-only hook; it throws if those fields move.
 *
 * @module
 */
import type { Piscina } from 'piscina';
import type { SttEngine } from '../../src/providers/stt/stt-engine.js';

/** An armed crash. */
export interface WorkerCrash {
  /** Resolves once a thread was terminated with a task in hand. */
  readonly crashed: Promise<void>;
  /** Removes the hook (a crash that has not happened yet is cancelled). */
  disarm(): void;
}

type PiscinaRun = Piscina['run'];

function piscinaOf(pool: unknown): Piscina {
  const piscina = (pool as { piscina?: Piscina } | undefined)?.piscina;
  if (!piscina || typeof piscina.run !== 'function') {
    throw new Error('worker-crash hook: InferencePool.piscina not found');
  }
  return piscina;
}

/**
 * Arms a crash of the thread that takes the next Whisper task of `stt` (a `WhisperStt`).
 *
 * @example
 * ```ts
 * const crash = crashNextWhisperTask(runtime.stt);
 * // ... the caller speaks; the transcription's thread dies
 * await crash.crashed;
 * ```
 */
export function crashNextWhisperTask(stt: SttEngine): WorkerCrash {
  const pool = (stt as unknown as { pool?: unknown }).pool;
  if (!pool) throw new Error('worker-crash hook: the STT engine has no worker pool');
  return crashNextTask(piscinaOf(pool));
}

function crashNextTask(piscina: Piscina): WorkerCrash {
  const original: PiscinaRun = piscina.run;
  let markCrashed: () => void = () => {};
  const crashed = new Promise<void>((resolve) => {
    markCrashed = resolve;
  });
  const disarm = () => {
    piscina.run = original;
  };
  piscina.run = ((task, options) => {
    disarm();
    const result = original.call(piscina, task, options);
    // The task is now posted to a thread: kill the pool's threads (use a one-thread pool, so
    // the thread killed is the one holding the task).
    setImmediate(() => {
      for (const thread of piscina.threads) void thread.terminate();
      markCrashed();
    });
    return result;
  }) as PiscinaRun;
  return { crashed, disarm };
}
