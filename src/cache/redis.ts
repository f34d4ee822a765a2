/**
 * The Redis connection shared by the caches, the dead-letter queue and the call registry.
 *
 * Commands fail fast while Redis is away (no offline queue), so that every cache falls back to
 * its in-process layer instead of making a caller wait; the client reconnects by itself with
 * backoff, and the `redis_up` gauge tells operations which state it is in.
 *
 * @module
 */
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Logger } from '../telemetry/logger.js';
import { gauge } from '../telemetry/metrics.js';

/** Options for {@link connectRedis}. */
export interface RedisOptions {
  /** `redis://host:port/db`. */
  url: string;
  /** Key prefix for everything voxstate writes (default `voxstate:`). */
  keyPrefix?: string;
  /** Deadline for one command, ms (default 250: a cache that is slower than that is not worth it). */
  commandTimeoutMs?: number;
  logger?: Logger;
  registry?: Registry;
}

/**
 * Connects to Redis for use by caches: fail-fast commands, automatic reconnect with capped
 * exponential backoff, state logged once per change.
 *
 * @example
 * ```ts
 * const redis = connectRedis({ url: 'redis://127.0.0.1:6379', logger, registry });
 * await redis.set('k', 'v'); // rejects at once while Redis is down
 * ```
 */
export function connectRedis(options: RedisOptions): Redis {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? 'voxstate:',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2_000),
    lazyConnect: false,
  });
  const up = options.registry
    ? gauge(options.registry, { name: 'voxstate_redis_up', help: '1 while Redis is connected' })
    : undefined;
  let ready = false;
  let reported = false;
  redis.on('ready', () => {
    up?.set(1);
    if (!ready) options.logger?.info({ redis: 'up' }, 'redis connected');
    ready = true;
    reported = true;
  });
  redis.on('error', (err: Error) => {
    if (ready) options.logger?.warn({ err: err.message }, 'redis error');
    else if (!reported) {
      // Said once: until Redis answers, every cache keeps to its in-process layer.
      reported = true;
      options.logger?.warn(
        `redis at ${redactRedisUrl(options.url)} is unreachable (${err.message || errorCode(err)}): caches run in-process until it answers`,
      );
    }
  });
  redis.on('close', () => {
    up?.set(0);
  });
  // Only a connection that will be retried was lost; `quit()`/`disconnect()` end without this.
  redis.on('reconnecting', () => {
    if (ready) options.logger?.warn({ redis: 'down' }, 'redis connection lost; caches run local');
    ready = false;
  });
  return redis;
}

function errorCode(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? 'no answer';
}

/** `url` without its password (and user name), for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/u, '');
  } catch {
    return '(invalid Redis URL)';
  }
}

/** True when the client can take commands now. */
export function redisReady(redis: Redis | undefined): boolean {
  return redis?.status === 'ready';
}
