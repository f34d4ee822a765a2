import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { type SharedTier, TieredCache } from '../../src/cache/tiered-cache.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const prefix = `voxtest:tiered:${randomUUID().slice(0, 8)}:`;
const clients: Redis[] = [];

afterAll(() => {
  for (const c of clients) c.disconnect();
});

function textTier(): SharedTier<string> & { reads: number; writes: number } {
  const tier = {
    reads: 0,
    writes: 0,
    async read(redis: Redis, key: string) {
      tier.reads += 1;
      return (await redis.get(key)) ?? undefined;
    },
    write(redis: Redis, key: string, value: string, ttlMs: number) {
      tier.writes += 1;
      return redis.set(key, value, 'PX', ttlMs);
    },
  };
  return tier;
}

describe('TieredCache in memory', () => {
  it('expires entries after the TTL on the injected clock', async () => {
    let now = 1_000;
    const cache = new TieredCache<string>({
      name: 'test cache',
      ttlMs: 100,
      memory: { maxEntries: 10 },
      now: () => now,
    });
    await cache.set('a', 'x');
    expect(await cache.get('a')).toEqual({ value: 'x', layer: 'memory' });
    now = 1_101;
    expect(cache.peek('a')).toBeUndefined();
    expect(await cache.get('a')).toBeUndefined();
  });

  it('bounds the memory by size and keeps no value larger than the bound', async () => {
    const cache = new TieredCache<Buffer>({
      name: 'test cache',
      ttlMs: 60_000,
      memory: { maxSize: 1_000, sizeOf: (b) => b.byteLength },
    });
    await cache.set('a', Buffer.alloc(600));
    await cache.set('b', Buffer.alloc(600));
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('b')).toBeDefined();
    await cache.set('huge', Buffer.alloc(1_001));
    expect(cache.peek('huge')).toBeUndefined();
    expect(cache.peek('b')).toBeDefined();
  });

  it('refuses a Redis connection without its encoding, and memory without a bound', () => {
    const redis = connectRedis({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
    clients.push(redis);
    expect(() => new TieredCache({ name: 'x', ttlMs: 1, memory: false, redis })).toThrow(
      /x: a Redis connection needs/,
    );
    expect(() => new TieredCache({ name: 'y', ttlMs: 1, memory: {} })).toThrow(
      /y: the in-process layer needs maxEntries or maxSize/,
    );
  });
});

describe('TieredCache with Redis', () => {
  it('fails fast without sending a command while Redis is down, counting and warning once', async () => {
    const redis = connectRedis({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
    clients.push(redis);
    const shared = textTier();
    const logger = silentLogger();
    const warn = vi.spyOn(logger, 'warn');
    const errors: string[] = [];
    const cache = new TieredCache<string>({
      name: 'test cache',
      ttlMs: 60_000,
      memory: { maxEntries: 10 },
      redis,
      shared,
      retryAfterMs: 0,
      onError: (op) => errors.push(op),
      logger,
    });
    await cache.set('a', 'x');
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toEqual({ value: 'x', layer: 'memory' });
    expect(shared.reads + shared.writes).toBe(0);
    expect(errors).toEqual(['set', 'get']);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toBe('test cache: redis unavailable, using memory only');
    cache.close();
  });

  it('shares values through Redis and copies a Redis hit into memory', async () => {
    const redis = connectRedis({ url: 'redis://127.0.0.1:6379', keyPrefix: prefix });
    clients.push(redis);
    await vi.waitFor(() => expect(redis.status).toBe('ready'));
    const options = { name: 'test cache', ttlMs: 60_000, memory: { maxEntries: 10 }, redis };
    const a = new TieredCache<string>({ ...options, shared: textTier() });
    const b = new TieredCache<string>({ ...options, shared: textTier() });
    await a.set('k', 'shared value');
    expect(await redis.pttl('k')).toBeGreaterThan(50_000);
    expect(await b.get('k')).toEqual({ value: 'shared value', layer: 'redis' });
    expect(b.peek('k')).toBe('shared value');
    expect(await b.getShared('missing')).toBeUndefined();
    await redis.del('k');
    a.close();
    b.close();
  });
});
