/**
 * The TTS cache: audio ready to send (wire bytes of one media format), shared by every runtime
 * instance through Redis, with an in-process LRU in front.
 *
 * A clip's key hashes the engine, the voice, the media format, the normalized text and a
 * version string that the operator changes with the prompts or voices, so that a change never
 * serves stale audio. Every clip lives 24 h (configurable). Redis is bounded on our side: each
 * clip is a string key with its own TTL, and a sorted set indexes them by write time; a Lua
 * script writes the clip, indexes it, drops index entries whose TTL has passed and evicts the
 * oldest clips past `maxEntries`, atomically. Clips over `maxItemBytes` are never stored. The
 * layers are a {@link TieredCache}: when Redis is away or stops answering the cache works from
 * the LRU alone and nothing fails.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { MediaFormat } from '../audio/format.js';
import { type SharedTier, TieredCache } from '../cache/tiered-cache.js';
import type { Logger } from '../telemetry/logger.js';
import { counter, gauge } from '../telemetry/metrics.js';

/** What identifies one clip. */
export interface TtsCacheKeyParts {
  engine: string;
  voice: string;
  format: MediaFormat;
  text: string;
  /** Changes with the prompts or voices (`VOXSTATE_TTS_CACHE_VERSION`). */
  version: string;
}

/** Which layer served a hit. */
export type TtsCacheLayer = 'memory' | 'redis';

/** A cache hit. */
export interface TtsCacheHit {
  audio: Buffer;
  layer: TtsCacheLayer;
}

/** Options for {@link TtsCache}. */
export interface TtsCacheOptions {
  /** The shared connection; without it the cache is local only. */
  redis?: Redis;
  /** Prefix of this cache's keys, below the connection's own prefix (default `tts:`). */
  keyPrefix?: string;
  /** Time to live of a clip, ms (default 24 h). */
  ttlMs?: number;
  /** Clips larger than this are not cached, bytes (default 1 MiB). */
  maxItemBytes?: number;
  /** Most clips kept in Redis (default 20,000). */
  maxEntries?: number;
  /** Bytes held by the LRU; 0 turns it off (default 64 MiB). */
  lruMaxBytes?: number;
  /** Longest wait for a Redis lookup before synthesizing instead, ms (default 250). */
  lookupTimeoutMs?: number;
  /** After a Redis failure, skip Redis this long unless it reconnects, ms (default 1000). */
  retryAfterMs?: number;
  registry?: Registry;
  logger?: Logger;
  /** Clock, ms since the epoch; injectable for tests. */
  now?: () => number;
}

/**
 * Text as it is keyed: Unicode NFC, whitespace runs collapsed to one space, trimmed. Case and
 * punctuation are kept, because they change how the text is spoken.
 */
export function normalizeTtsText(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** The cache key (a hash) of a clip. */
export function ttsCacheKey(parts: TtsCacheKeyParts): string {
  const material = JSON.stringify([
    parts.engine,
    parts.voice,
    parts.format,
    parts.version,
    normalizeTtsText(parts.text),
  ]);
  return createHash('sha256').update(material).digest('base64url').slice(0, 32);
}

const PUT_SCRIPT = `
local ttl = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
local over = redis.call('ZCARD', KEYS[2]) - max
if over > 0 then
  local old = redis.call('ZRANGE', KEYS[2], 0, over - 1)
  for _, k in ipairs(old) do redis.call('DEL', k) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
end
redis.call('PEXPIRE', KEYS[2], ttl)
return over > 0 and over or 0
`;

const CLEAR_SCRIPT = `
local keys = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, k in ipairs(keys) do redis.call('DEL', k) end
redis.call('DEL', KEYS[1])
return #keys
`;

type ScriptRedis = Redis & {
  voxTtsPut(
    entry: string,
    index: string,
    audio: Buffer,
    ttl: number,
    now: number,
    max: number,
  ): Promise<number>;
  voxTtsClear(index: string): Promise<number>;
};

/**
 * The shared TTS cache.
 *
 * @example
 * ```ts
 * const cache = new TtsCache({ redis, registry });
 * const key = ttsCacheKey({ engine: 'espeak', voice: 'ru', format: 'ulaw', text, version: 'v1' });
 * const hit = await cache.get(key); // { audio, layer: 'memory' | 'redis' } or undefined
 * if (!hit) await cache.set(key, audio);
 * ```
 */
export class TtsCache {
  readonly #tier: TieredCache<Buffer>;
  readonly #prefix: string;
  readonly #maxItemBytes: number;
  readonly #requests: ReturnType<typeof counter<'result' | 'layer'>> | undefined;
  readonly #ratio: ReturnType<typeof gauge> | undefined;
  #total = 0;
  #hits = 0;

  constructor(options: TtsCacheOptions = {}) {
    this.#prefix = options.keyPrefix ?? 'tts:';
    this.#maxItemBytes = options.maxItemBytes ?? 1024 * 1024;
    const now = options.now ?? Date.now;
    const lruBytes = options.lruMaxBytes ?? 64 * 1024 * 1024;
    const errors = options.registry
      ? counter(options.registry, {
          name: 'voxstate_tts_cache_errors_total',
          help: 'Redis errors of the TTS cache (served locally instead)',
          labelNames: ['op'] as const,
        })
      : undefined;
    this.#tier = new TieredCache<Buffer>({
      name: 'tts cache',
      ttlMs: options.ttlMs ?? 24 * 60 * 60 * 1000,
      memory: lruBytes > 0 ? { maxSize: lruBytes, sizeOf: (b) => b.byteLength } : false,
      redis: options.redis,
      shared: options.redis
        ? clipsInRedis(scriptRedis(options.redis), this.#prefix, options.maxEntries ?? 20_000, now)
        : undefined,
      lookupTimeoutMs: options.lookupTimeoutMs,
      retryAfterMs: options.retryAfterMs,
      onError: errors ? (op) => errors.inc({ op }) : undefined,
      logger: options.logger,
      now,
    });
    if (options.registry) {
      this.#requests = counter(options.registry, {
        name: 'voxstate_tts_cache_requests_total',
        help: 'TTS cache lookups by layer and result',
        labelNames: ['result', 'layer'] as const,
      });
      this.#ratio = gauge(options.registry, {
        name: 'voxstate_tts_cache_hit_ratio',
        help: 'Share of TTS cache lookups served from any layer since start',
      });
    }
  }

  /** Lookups and hits since start (any layer). */
  get stats(): { requests: number; hits: number; hitRatio: number } {
    return {
      requests: this.#total,
      hits: this.#hits,
      hitRatio: this.#total === 0 ? 0 : this.#hits / this.#total,
    };
  }

  /** True when a clip of `bytes` bytes would be stored. */
  accepts(bytes: number): boolean {
    return bytes > 0 && bytes <= this.#maxItemBytes;
  }

  /** The clip for `key` from the LRU, then from Redis; undefined on a miss or a Redis error. */
  async get(key: string): Promise<TtsCacheHit | undefined> {
    const local = this.#tier.peek(key);
    if (local) {
      this.#count('hit', 'memory');
      return { audio: local, layer: 'memory' };
    }
    if (!this.#tier.hasShared) {
      this.#count('miss', 'memory');
      return undefined;
    }
    if (this.#tier.hasMemory) this.#requests?.inc({ result: 'miss', layer: 'memory' });
    const remote = await this.#tier.getShared(key);
    if (remote) {
      this.#count('hit', 'redis');
      return { audio: remote, layer: 'redis' };
    }
    this.#count('miss', 'redis');
    return undefined;
  }

  /** Stores a clip in both layers; false when it is too large. Never throws. */
  async set(key: string, audio: Buffer): Promise<boolean> {
    if (!this.accepts(audio.byteLength)) return false;
    await this.#tier.set(key, audio);
    return true;
  }

  /** Removes every clip of this cache (both layers). */
  async clear(): Promise<number> {
    this.#tier.clearMemory();
    const removed = await this.#tier.withShared('clear', (redis) =>
      (redis as ScriptRedis).voxTtsClear(indexKey(this.#prefix)),
    );
    return removed ?? 0;
  }

  /** Stops listening to the Redis connection (the connection itself belongs to the caller). */
  close(): void {
    this.#tier.close();
  }

  #count(result: 'hit' | 'miss', layer: TtsCacheLayer): void {
    this.#total += 1;
    if (result === 'hit') this.#hits += 1;
    this.#requests?.inc({ result, layer });
    this.#ratio?.set(this.#hits / this.#total);
  }
}

function scriptRedis(redis: Redis): ScriptRedis {
  const scripted = redis as ScriptRedis;
  if (typeof scripted.voxTtsPut !== 'function') {
    redis.defineCommand('voxTtsPut', { numberOfKeys: 2, lua: PUT_SCRIPT });
    redis.defineCommand('voxTtsClear', { numberOfKeys: 1, lua: CLEAR_SCRIPT });
  }
  return scripted;
}

function indexKey(prefix: string): string {
  return `${prefix}index`;
}

/** Clips as string keys with their TTL, indexed by write time and bounded to `maxEntries`. */
function clipsInRedis(
  redis: ScriptRedis,
  prefix: string,
  maxEntries: number,
  now: () => number,
): SharedTier<Buffer> {
  return {
    async read(_redis, key) {
      const value = await redis.getBuffer(`${prefix}a:${key}`);
      return value && value.byteLength > 0 ? value : undefined;
    },
    write: (_redis, key, audio, ttlMs) =>
      redis.voxTtsPut(`${prefix}a:${key}`, indexKey(prefix), audio, ttlMs, now(), maxEntries),
  };
}
