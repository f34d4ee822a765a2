/**
 * The Redis connection of the dead-letter queue.
 *
 * Unlike the cache connection (`connectRedis`: 250 ms deadline), queue commands may take a
 * little longer (2 s deadline) and one retry, but there is still no ioredis offline queue: while
 * Redis is away a command fails at once and the dead-letter queue keeps the job in its own
 * bounded, counted in-memory buffer instead of an unbounded hidden one.
 *
 * @module
 */
import { Redis } from 'ioredis';
import { readEnv } from '../config/schema.js';
import { TimeoutError } from '../errors.js';
import type { Logger } from '../telemetry/logger.js';

/** Options for {@link connectQueueRedis}. */
export interface QueueRedisOptions {
  /** `redis://host:port/db`; default `VOXSTATE_REDIS_URL` or `redis://127.0.0.1:6379`. */
  url?: string;
  /** Key prefix (default `voxstate:`). */
  keyPrefix?: string;
  /** Deadline of one command, ms (default 2000). */
  commandTimeoutMs?: number;
  /** Told once when the connection is lost and once when it is back. */
  logger?: Logger;
}

/** Connects to Redis for the dead-letter queue. */
export function connectQueueRedis(options: QueueRedisOptions = {}): Redis {
  const url =
    options.url ??
    readEnv(process.env, ['VOXSTATE_REDIS_URL']).VOXSTATE_REDIS_URL ??
    'redis://127.0.0.1:6379';
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix ?? 'voxstate:',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 3_000),
  });
  let up = false;
  redis.on('ready', () => {
    if (!up) options.logger?.info({ redis: 'up' }, 'dlq redis connected');
    up = true;
  });
  redis.on('error', () => undefined);
  redis.on('close', () => {
    if (up) options.logger?.warn({ redis: 'down' }, 'dlq redis lost; failed jobs wait in memory');
    up = false;
  });
  return redis;
}

/** Resolves when `redis` can take commands; rejects with `TimeoutError` after `timeoutMs`. */
export function waitForRedis(redis: Redis, timeoutMs = 3_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new TimeoutError('connecting to Redis', timeoutMs));
    }, timeoutMs);
    redis.once('ready', onReady);
  });
}
