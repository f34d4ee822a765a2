/**
 * Redis keys and Lua scripts of the dead-letter queue (see `dead-letter-queue.ts` for the design).
 *
 * @module
 */

/** The keys of one queue named `name` (the connection adds its key prefix). */
export interface QueueKeys {
  /** Stream of jobs ready to run, read by the consumer group. */
  ready: string;
  /** Sorted set of jobs waiting for their backoff, scored by due time (epoch ms). */
  delayed: string;
  /** Hash of jobs that failed for good, by job id. */
  failed: string;
}

/** The consumer group of the ready stream. */
export const GROUP = 'workers';

/** The keys of queue `name`. */
export function queueKeys(name: string): QueueKeys {
  return { ready: `${name}:ready`, delayed: `${name}:delayed`, failed: `${name}:failed` };
}

/** Moves due jobs from `delayed` (KEYS[1]) to `ready` (KEYS[2]); ARGV: now, max count. */
export const PROMOTE_DUE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', 'job', m)
  redis.call('ZREM', KEYS[1], m)
end
return #due`;

/**
 * Moves a failed job (KEYS[1] hash, field ARGV[1]) back to `delayed` (KEYS[2]) if it still holds
 * the value ARGV[2]; ARGV[3] is the due time and ARGV[4] the new envelope.
 */
export const REQUEUE_FAILED = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1`;
