/**
 * A dead-letter queue on Redis for post-call work that fails (call record write, costs,
 * transcripts).
 *
 * `submit()` runs the job's handler at once; only when that fails does the job enter the queue.
 * Design, with three keys per queue:
 * - a sorted set `<name>:delayed` holds jobs waiting for their backoff, scored by due time;
 * - a stream `<name>:ready` with consumer group `workers` holds jobs due to run: the worker loop
 *   moves due jobs into it atomically (Lua), reads it with XREADGROUP, and after each run acks
 *   and deletes the entry in the same MULTI that reschedules it or marks it failed, so a job is
 *   always in exactly one place;
 * - a hash `<name>:failed` keeps jobs that failed their last attempt, for `voxstate dlq list` and
 *   `voxstate dlq retry`.
 * A job read but never acked (the process died while running it) stays pending in the group and
 * is reclaimed with XAUTOCLAIM by any instance once it has been idle for `claimIdleMs`. Delivery
 * is at least once: handlers must be idempotent (the call store upserts by id).
 *
 * Attempts: the direct run is attempt 1; attempt n+1 runs `baseDelayMs * 2^(n-1)` after attempt
 * n failed; after `maxAttempts` (3) the job is failed for good.
 *
 * When Redis is unreachable, failed jobs wait in a bounded in-memory buffer (oldest dropped and
 * logged when full) that is flushed when Redis returns; on `stop()` whatever is still buffered is
 * written to `spillFile` (JSON lines) and read back by the next `start()`.
 *
 * Here: submitting and the worker loop. Jobs and their envelope are in `jobs.ts`, the buffer and
 * spill file in `offline-buffer.ts`, listing and requeueing failed jobs in `failed-jobs.ts`, keys
 * and Lua scripts in `scripts.ts`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { catalogCounter, catalogGauge } from '../telemetry/catalog.js';
import type { Logger } from '../telemetry/logger.js';
import { countJobs, listFailedJobs, requeueFailedJobs } from './failed-jobs.js';
import {
  type DeadLetterJob,
  errorText,
  type JobEnvelope,
  type JobHandler,
  parseEnvelope,
  type QueueStats,
  type SubmitResult,
} from './jobs.js';
import { OfflineBuffer } from './offline-buffer.js';
import { claimStale, createGroup, promoteDue, readNew, type StreamEntry } from './ready-stream.js';
import { GROUP, type QueueKeys, queueKeys } from './scripts.js';

/** Options for {@link DeadLetterQueue}. */
export interface DeadLetterQueueOptions {
  /** A connection from `connectQueueRedis()`. */
  redis: Redis;
  /** Key namespace (default `dlq`). */
  name?: string;
  handlers?: Record<string, JobHandler>;
  /** Default 3. */
  maxAttempts?: number;
  /** Wait after the first failed attempt, doubled after each further one (default 60 000). */
  baseDelayMs?: number;
  /** Worker poll interval (default 1000). */
  pollMs?: number;
  /** Jobs pending on a consumer for this long are reclaimed (default 300 000). */
  claimIdleMs?: number;
  /** Consumer name in the group (default `<hostname>:<pid>`). */
  consumer?: string;
  /** Jobs held in memory while Redis is down (default 1000). */
  bufferSize?: number;
  /** JSON-lines file for jobs still buffered at `stop()`; read back at `start()`. */
  spillFile?: string;
  registry?: Registry;
  logger?: Logger;
  now?: () => number;
}

const BATCH = 20;

/**
 * The dead-letter queue: `submit()` for post-call work, `start()`/`stop()` for the worker loop,
 * `listFailed()`/`retryFailed()` for operators (see the module header for the design).
 *
 * @example
 * ```ts
 * const dlq = new DeadLetterQueue({ redis: connectQueueRedis(), registry, logger,
 *   handlers: { 'call.record': (p) => store.write(p as CallRecord) } });
 * dlq.start();
 * await dlq.submit({ kind: 'call.record', payload: record }); // 'done' | 'queued' | 'buffered'
 * ```
 */
export class DeadLetterQueue {
  readonly keys: QueueKeys;
  readonly #redis: Redis;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #o: Required<
    Pick<
      DeadLetterQueueOptions,
      'maxAttempts' | 'baseDelayMs' | 'pollMs' | 'claimIdleMs' | 'consumer' | 'now'
    >
  >;
  readonly #logger: Logger | undefined;
  readonly #m;
  readonly #buffer: OfflineBuffer;
  #groupReady = false;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #tickDone: Promise<void> = Promise.resolve();
  readonly #onReady = () => void this.flush().catch(() => undefined);

  constructor(options: DeadLetterQueueOptions) {
    this.#redis = options.redis;
    this.keys = queueKeys(options.name ?? 'dlq');
    for (const [kind, h] of Object.entries(options.handlers ?? {})) this.#handlers.set(kind, h);
    this.#o = {
      maxAttempts: options.maxAttempts ?? 3,
      baseDelayMs: options.baseDelayMs ?? 60_000,
      pollMs: options.pollMs ?? 1_000,
      claimIdleMs: options.claimIdleMs ?? 300_000,
      consumer: options.consumer ?? `${hostname()}:${process.pid}`,
      now: options.now ?? Date.now,
    };
    this.#logger = options.logger;
    const r = options.registry;
    this.#m = r && {
      enqueued: catalogCounter(r, 'voxstate_dlq_enqueued_total'),
      retried: catalogCounter(r, 'voxstate_dlq_retried_total'),
      failed: catalogCounter(r, 'voxstate_dlq_failed_total'),
      depth: catalogGauge(r, 'voxstate_dlq_depth'),
      buffered: catalogGauge(r, 'voxstate_dlq_buffered'),
    };
    const buffered = this.#m?.buffered;
    this.#buffer = new OfflineBuffer({
      capacity: options.bufferSize,
      spillFile: options.spillFile,
      logger: options.logger,
      onSize: buffered && ((size) => buffered.set(size)),
    });
    this.#redis.on('ready', this.#onReady);
  }

  /** Registers (or replaces) the handler of `kind`. */
  handle(kind: string, handler: JobHandler): void {
    this.#handlers.set(kind, handler);
  }

  /** Jobs held in memory because Redis was unreachable. */
  get buffered(): number {
    return this.#buffer.size;
  }

  /**
   * Runs the job now; on failure queues it for retries (or buffers it while Redis is down).
   * Never throws for a failing job. A kind without a local handler is queued for whichever
   * instance has one.
   */
  async submit(job: DeadLetterJob): Promise<SubmitResult> {
    const env: JobEnvelope = {
      id: randomUUID(),
      kind: job.kind,
      payload: job.payload,
      attempts: 0,
      createdAt: this.#o.now(),
    };
    const handler = this.#handlers.get(job.kind);
    if (handler) {
      env.attempts = 1;
      try {
        await handler(job.payload, { id: env.id, attempt: 1 });
        return 'done';
      } catch (err) {
        env.lastError = errorText(err);
        this.#logger?.warn(
          { kind: job.kind, jobId: env.id, err: env.lastError },
          'post-call job failed; queued for retry',
        );
      }
    }
    this.#m?.enqueued.inc({ kind: job.kind });
    if (env.attempts >= this.#o.maxAttempts) {
      env.failedAt = this.#o.now();
      return (await this.#tryWrite(
        () => this.#redis.hset(this.keys.failed, env.id, JSON.stringify(env)),
        env,
      ))
        ? 'queued'
        : 'buffered';
    }
    return (await this.#schedule(env)) ? 'queued' : 'buffered';
  }

  /** Starts the worker loop (and reads back a spill file). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#buffer.loadSpill();
    const loop = () => {
      if (!this.#running) return;
      this.#tickDone = this.tick()
        .catch((err) => this.#logger?.debug({ err: errorText(err) }, 'dlq tick failed'))
        .finally(() => {
          if (this.#running) this.#timer = setTimeout(loop, this.#o.pollMs);
        });
    };
    loop();
  }

  /** Stops the loop, waits for the job in hand, flushes the buffer, spills what is left. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    await this.#tickDone;
    await this.flush().catch(() => undefined);
    this.#redis.off('ready', this.#onReady);
    this.#buffer.spill();
  }

  /** Moves buffered jobs to Redis; resolves to how many are still buffered. */
  flush(): Promise<number> {
    return this.#buffer.drain((env) =>
      this.#redis.zadd(this.keys.delayed, this.#o.now(), JSON.stringify(env)),
    );
  }

  /** One pass of the worker: flush, promote due jobs, reclaim stale ones, run ready ones. */
  async tick(): Promise<void> {
    const { consumer, claimIdleMs } = this.#o;
    await this.flush();
    if (!this.#groupReady) {
      await createGroup(this.#redis, this.keys);
      this.#groupReady = true;
    }
    await promoteDue(this.#redis, this.keys, this.#o.now(), BATCH);
    const stale = await claimStale(this.#redis, this.keys, consumer, claimIdleMs, BATCH);
    for (const entry of stale) await this.#run(entry);
    for (const entry of await readNew(this.#redis, this.keys, consumer, BATCH))
      await this.#run(entry);
    await this.#updateDepth();
  }

  /** Counts of ready, delayed, failed and buffered jobs. */
  async stats(): Promise<QueueStats> {
    return { ...(await countJobs(this.#redis, this.keys)), buffered: this.#buffer.size };
  }

  /** Jobs that failed for good, oldest first. */
  listFailed(): Promise<JobEnvelope[]> {
    return listFailedJobs(this.#redis, this.keys);
  }

  /**
   * Puts failed jobs back on the queue with fresh attempts, to run at once on the instance that
   * has their handler. Returns the number requeued.
   */
  retryFailed(id: string | 'all'): Promise<number> {
    return requeueFailedJobs(this.#redis, this.keys, id, this.#o.now());
  }

  async #run([entryId, fields]: StreamEntry): Promise<void> {
    const raw = fields[fields.indexOf('job') + 1];
    const env = raw === undefined ? undefined : parseEnvelope(raw);
    const done = this.#redis
      .multi()
      .xack(this.keys.ready, GROUP, entryId)
      .xdel(this.keys.ready, entryId);
    if (!env) {
      this.#logger?.error({ entryId }, 'dlq entry without a job; dropped');
      await done.exec();
      return;
    }
    const handler = this.#handlers.get(env.kind);
    if (!handler) {
      await done
        .zadd(this.keys.delayed, this.#o.now() + this.#o.pollMs * 10, JSON.stringify(env))
        .exec();
      return;
    }
    env.attempts += 1;
    try {
      await handler(env.payload, { id: env.id, attempt: env.attempts });
      this.#m?.retried.inc({ kind: env.kind, result: 'ok' });
      this.#logger?.info(
        { kind: env.kind, jobId: env.id, attempt: env.attempts },
        'dlq job succeeded',
      );
      await done.exec();
    } catch (err) {
      env.lastError = errorText(err);
      this.#m?.retried.inc({ kind: env.kind, result: 'error' });
      if (env.attempts >= this.#o.maxAttempts) {
        env.failedAt = this.#o.now();
        this.#m?.failed.inc({ kind: env.kind });
        this.#logger?.error(
          { kind: env.kind, jobId: env.id, err: env.lastError },
          'dlq job failed for good',
        );
        await done.hset(this.keys.failed, env.id, JSON.stringify(env)).exec();
      } else {
        await done
          .zadd(this.keys.delayed, this.#dueAfter(env.attempts), JSON.stringify(env))
          .exec();
      }
    }
  }

  #dueAfter(attempts: number): number {
    return this.#o.now() + this.#o.baseDelayMs * 2 ** Math.max(0, attempts - 1);
  }

  async #schedule(env: JobEnvelope): Promise<boolean> {
    const due = env.attempts === 0 ? this.#o.now() : this.#dueAfter(env.attempts);
    return this.#tryWrite(() => this.#redis.zadd(this.keys.delayed, due, JSON.stringify(env)), env);
  }

  async #tryWrite(write: () => Promise<unknown>, env: JobEnvelope): Promise<boolean> {
    if (this.#buffer.size === 0) {
      try {
        await write();
        return true;
      } catch {
        // Redis is unreachable: keep the job in memory.
      }
    }
    this.#buffer.push(env);
    return false;
  }

  async #updateDepth(): Promise<void> {
    if (!this.#m) return;
    const s = await this.stats();
    this.#m.depth.set({ state: 'ready' }, s.ready);
    this.#m.depth.set({ state: 'delayed' }, s.delayed);
    this.#m.depth.set({ state: 'failed' }, s.failed);
  }
}
