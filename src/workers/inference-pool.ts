/**
 * One bounded piscina pool with typed errors, cancellation and metrics.
 *
 * The pool keeps its own FIFO queue in front of piscina and hands piscina at most one task per
 * thread, so it always knows whether a task is still waiting or already running:
 *
 * - **Queued** task + abort: removed from the queue at once, rejected with `AbortedError`.
 * - **Running** task + abort: the caller is rejected with `AbortedError` at once; the thread
 *   finishes the task and its result is dropped. Piscina would otherwise terminate the thread
 *   (and the next task would pay a model reload, 50 ms to seconds), while an utterance or an
 *   embedding runs for milliseconds to a few hundred milliseconds.
 * - Queue at `maxQueue`: `QueueFullError` (retryable), nothing is queued.
 * - The task throws: `WorkerError` (kind `task`), the thread keeps serving.
 * - The thread dies (`process.exit`, fatal error): `WorkerError` (kind `thread_exit`); piscina
 *   starts a new thread and the pool keeps serving.
 *
 * @module
 */
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { Registry } from 'prom-client';
import { AbortedError, QueueFullError, WorkerError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';
import {
  counter,
  FAST_BUCKETS,
  gauge,
  histogram,
  seconds,
  VOICE_LATENCY_BUCKETS,
} from '../telemetry/metrics.js';
import type { WorkerEntry } from './worker-file.js';

type RunTransferList = NonNullable<Parameters<Piscina['run']>[1]>['transferList'];

/** Options of one {@link InferencePool}. */
export interface InferencePoolOptions {
  /** Pool name, used in errors and as the `pool` metric label. */
  name: string;
  worker: WorkerEntry;
  /** Sent to every thread as piscina `workerData` (model id, folder, thread settings). */
  workerData?: unknown;
  minThreads: number;
  maxThreads: number;
  idleTimeoutMs: number;
  maxQueue: number;
  /** Heap limits of each thread (e.g. for a WASM module and its data). */
  resourceLimits?: { maxOldGenerationSizeMb?: number };
  registry: Registry;
  logger: Logger;
}

/** Options of one task. */
export interface RunOptions {
  /** Aborts the task while queued; a running task finishes and its result is dropped. */
  signal?: AbortSignal;
  /** Buffers moved (not copied) to the thread, e.g. the audio's `ArrayBuffer`. */
  transferList?: ArrayBuffer[];
  /**
   * Waits ahead of the tasks that are not urgent (behind earlier urgent ones): what a caller is
   * waiting to hear now (an answer's first sentence) before what has time (later sentences).
   */
  urgent?: boolean;
}

interface Pending {
  task: unknown;
  options: RunOptions;
  enqueuedAt: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  settled: boolean;
  detach: () => void;
}

/** A bounded, typed, cancellable piscina pool. */
export class InferencePool<TTask, TResult> {
  /** Pool name. */
  readonly name: string;
  private readonly piscina: Piscina;
  private readonly queue: Pending[] = [];
  private readonly maxQueue: number;
  private readonly maxThreads: number;
  private running = 0;
  private closed = false;
  private readonly metrics;

  constructor(options: InferencePoolOptions) {
    this.name = options.name;
    this.maxQueue = options.maxQueue;
    this.maxThreads = options.maxThreads;
    this.piscina = new Piscina({
      filename: options.worker.filename,
      execArgv: options.worker.execArgv,
      workerData: options.workerData,
      minThreads: options.minThreads,
      maxThreads: options.maxThreads,
      idleTimeout: options.idleTimeoutMs,
      concurrentTasksPerWorker: 1,
      ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
    });
    const log = options.logger;
    this.piscina.on('error', (err: unknown) =>
      log.error({ err, pool: this.name }, 'worker pool error'),
    );
    const labels = { pool: this.name };
    const r = options.registry;
    this.metrics = {
      queueDepth: gauge(r, {
        name: 'voxstate_worker_queue_depth',
        help: 'Tasks waiting for a worker thread',
        labelNames: ['pool'],
      }).labels(labels),
      wait: histogram(r, {
        name: 'voxstate_worker_wait_seconds',
        help: 'Time a task waited for a worker thread',
        labelNames: ['pool'],
        buckets: FAST_BUCKETS,
      }).labels(labels),
      run: histogram(r, {
        name: 'voxstate_worker_run_seconds',
        help: 'Time from dispatch to a worker until its result arrived',
        labelNames: ['pool'],
        buckets: VOICE_LATENCY_BUCKETS,
      }).labels(labels),
      errors: counter(r, {
        name: 'voxstate_worker_errors_total',
        help: 'Worker pool failures by kind (queue_full, task, thread_exit, aborted)',
        labelNames: ['pool', 'kind'],
      }),
    };
  }

  /** Tasks waiting for a thread. */
  get queueSize(): number {
    return this.queue.length;
  }

  /** Tasks currently on a thread (including aborted ones still finishing). */
  get runningCount(): number {
    return this.running;
  }

  /** Live threads. */
  get threadCount(): number {
    return this.piscina.threads.length;
  }

  /** Ids of the live threads (a thread replaced after it died gets a new id). */
  get threadIds(): number[] {
    return this.piscina.threads.map((t) => t.threadId);
  }

  /**
   * Runs one task on a thread.
   *
   * @throws QueueFullError when `maxQueue` tasks are already waiting.
   * @throws AbortedError when `options.signal` aborts before the result arrives.
   * @throws WorkerError when the task throws or its thread dies.
   */
  run(task: TTask, options: RunOptions = {}): Promise<TResult> {
    if (this.closed)
      return Promise.reject(new WorkerError(this.name, 'pool is closed', { retryable: false }));
    const { signal } = options;
    if (signal?.aborted) {
      this.metrics.errors.inc({ pool: this.name, kind: 'aborted' });
      return Promise.reject(new AbortedError(`${this.name} task`, { cause: signal.reason }));
    }
    const busy = this.running >= this.maxThreads;
    if (busy && this.queue.length >= this.maxQueue) {
      this.metrics.errors.inc({ pool: this.name, kind: 'queue_full' });
      return Promise.reject(new QueueFullError(this.name));
    }
    return new Promise<TResult>((resolve, reject) => {
      const entry: Pending = {
        task,
        options,
        enqueuedAt: performance.now(),
        resolve: resolve as (v: unknown) => void,
        reject,
        settled: false,
        detach: () => {},
      };
      if (signal) {
        const onAbort = () => this.abort(entry, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        entry.detach = () => signal.removeEventListener('abort', onAbort);
      }
      if (options.urgent) {
        const at = this.queue.findIndex((e) => !e.options.urgent);
        this.queue.splice(at < 0 ? this.queue.length : at, 0, entry);
      } else this.queue.push(entry);
      this.pump();
    });
  }

  /** Stops all threads; queued tasks are rejected with `AbortedError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const entry of this.queue.splice(0))
      this.settle(entry, new AbortedError(`${this.name} task`));
    this.metrics.queueDepth.set(0);
    await this.piscina.destroy();
  }

  private abort(entry: Pending, reason: unknown): void {
    const i = this.queue.indexOf(entry);
    if (i >= 0) this.queue.splice(i, 1);
    this.metrics.queueDepth.set(this.queue.length);
    this.metrics.errors.inc({ pool: this.name, kind: 'aborted' });
    this.settle(entry, new AbortedError(`${this.name} task`, { cause: reason }));
  }

  private settle(entry: Pending, err: unknown, value?: unknown): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.detach();
    if (err === undefined) entry.resolve(value);
    else entry.reject(err);
  }

  private pump(): void {
    while (!this.closed && this.running < this.maxThreads && this.queue.length > 0) {
      const entry = this.queue.shift() as Pending;
      this.dispatch(entry);
    }
    this.metrics.queueDepth.set(this.queue.length);
  }

  private dispatch(entry: Pending): void {
    const started = performance.now();
    this.metrics.wait.observe(seconds(started - entry.enqueuedAt));
    this.running++;
    const transferList = (entry.options.transferList ?? []) as unknown as RunTransferList;
    this.piscina
      .run(entry.task, { transferList })
      .then(
        (value: unknown) => {
          this.metrics.run.observe(seconds(performance.now() - started));
          this.settle(entry, undefined, value);
        },
        (err: unknown) => {
          const exited = err instanceof Error && /worker exited with code/.test(err.message);
          const kind = exited ? 'thread_exit' : 'task';
          if (!entry.settled) this.metrics.errors.inc({ pool: this.name, kind });
          const message = err instanceof Error ? err.message : String(err);
          this.settle(
            entry,
            new WorkerError(this.name, exited ? `thread died (${message})` : message, {
              cause: err,
            }),
          );
        },
      )
      .finally(() => {
        this.running--;
        this.pump();
      });
  }
}
