/**
 * The ready stream of the dead-letter queue as the worker loop reads it: its consumer group is
 * created once, due jobs are promoted into it from the delayed set (Lua, atomic), entries left
 * pending by a dead consumer are reclaimed (XAUTOCLAIM), and new entries are read (XREADGROUP).
 *
 * @module
 */
import type { Redis } from 'ioredis';
import { GROUP, PROMOTE_DUE, type QueueKeys } from './scripts.js';

/** One stream entry: its id and its field/value list (the job is under `job`). */
export type StreamEntry = [entryId: string, fields: string[]];

/** Creates the consumer group (and the stream); a group that already exists is fine. */
export async function createGroup(redis: Redis, keys: QueueKeys): Promise<void> {
  try {
    await redis.xgroup('CREATE', keys.ready, GROUP, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
  }
}

/** Moves up to `count` jobs due by `nowMs` from the delayed set into the stream. */
export async function promoteDue(
  redis: Redis,
  keys: QueueKeys,
  nowMs: number,
  count: number,
): Promise<void> {
  await redis.eval(PROMOTE_DUE, 2, keys.delayed, keys.ready, nowMs, count);
}

/** Takes over up to `count` entries another consumer has held unacked for `idleMs`. */
export async function claimStale(
  redis: Redis,
  keys: QueueKeys,
  consumer: string,
  idleMs: number,
  count: number,
): Promise<StreamEntry[]> {
  const claimed = (await redis.xautoclaim(
    keys.ready,
    GROUP,
    consumer,
    idleMs,
    '0-0',
    'COUNT',
    count,
  )) as [string, (StreamEntry | null)[]];
  return (claimed[1] ?? []).filter((e): e is StreamEntry => Boolean(e));
}

/** Reads up to `count` entries no consumer has had yet. */
export async function readNew(
  redis: Redis,
  keys: QueueKeys,
  consumer: string,
  count: number,
): Promise<StreamEntry[]> {
  const read = (await redis.xreadgroup(
    'GROUP',
    GROUP,
    consumer,
    'COUNT',
    count,
    'STREAMS',
    keys.ready,
    '>',
  )) as [string, StreamEntry[]][] | null;
  return read?.[0]?.[1] ?? [];
}
