/**
 * The operator's side of the dead-letter queue (`voxstate dlq list|retry`): counting the queue's
 * jobs, listing the jobs that failed for good and putting them back with fresh attempts.
 *
 * @module
 */
import type { Redis } from 'ioredis';
import type { JobEnvelope } from './jobs.js';
import { type QueueKeys, REQUEUE_FAILED } from './scripts.js';

/** Jobs ready, delayed and failed in Redis (the in-memory buffer is the queue's to add). */
export async function countJobs(
  redis: Redis,
  keys: QueueKeys,
): Promise<{ ready: number; delayed: number; failed: number }> {
  const [ready, delayed, failed] = await Promise.all([
    redis.xlen(keys.ready),
    redis.zcard(keys.delayed),
    redis.hlen(keys.failed),
  ]);
  return { ready, delayed, failed };
}

/** Jobs that failed for good, oldest first. */
export async function listFailedJobs(redis: Redis, keys: QueueKeys): Promise<JobEnvelope[]> {
  const all = await redis.hgetall(keys.failed);
  return Object.values(all)
    .map((v) => JSON.parse(v) as JobEnvelope)
    .sort((a, b) => (a.failedAt ?? 0) - (b.failedAt ?? 0));
}

/**
 * Moves failed jobs (`id`, or `'all'`) back to the delayed set, due at `nowMs`, with their
 * attempts reset; each move is atomic (Lua). Resolves to the number requeued.
 */
export async function requeueFailedJobs(
  redis: Redis,
  keys: QueueKeys,
  id: string | 'all',
  nowMs: number,
): Promise<number> {
  const all = await redis.hgetall(keys.failed);
  const ids = id === 'all' ? Object.keys(all) : [id];
  let n = 0;
  for (const jobId of ids) {
    const old = all[jobId];
    if (old === undefined) continue;
    const { failedAt: _f, ...rest } = JSON.parse(old) as JobEnvelope;
    const env: JobEnvelope = { ...rest, attempts: 0 };
    n += Number(
      await redis.eval(
        REQUEUE_FAILED,
        2,
        keys.failed,
        keys.delayed,
        jobId,
        old,
        nowMs,
        JSON.stringify(env),
      ),
    );
  }
  return n;
}
