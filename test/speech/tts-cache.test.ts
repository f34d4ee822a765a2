import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { normalizeTtsText, TtsCache, ttsCacheKey } from '../../src/speech/tts-cache.js';
import { TtsService } from '../../src/speech/tts-service.js';
import { CountingEngine } from '../fakes/counting-engine.js';
import { startTcpProxy } from '../fakes/tcp-proxy.js';

const REDIS_URL = process.env.VOXSTATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `voxtest:tts:${randomUUID().slice(0, 8)}:`;
const clients: Redis[] = [];
const caches: TtsCache[] = [];

async function redis(url = REDIS_URL): Promise<Redis> {
  const client = connectRedis({ url, keyPrefix: prefix });
  clients.push(client);
  if (url === REDIS_URL) {
    await new Promise<void>((resolve) => {
      if (client.status === 'ready') resolve();
      else client.once('ready', () => resolve());
    });
  }
  return client;
}

function cache(options: ConstructorParameters<typeof TtsCache>[0] = {}): TtsCache {
  const c = new TtsCache(options);
  caches.push(c);
  return c;
}

async function drain(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

afterEach(async () => {
  for (const c of caches.splice(0)) await c.clear();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
});

describe('TTS cache keys', () => {
  const base = {
    engine: 'espeak',
    voice: 'ru',
    format: 'ulaw' as const,
    text: 'Секундочку...',
    version: 'v1',
  };
  it('change with engine, voice, format, version and text, not with spacing', () => {
    const k = ttsCacheKey(base);
    expect(ttsCacheKey({ ...base, text: '  Секундочку...\n' })).toBe(k);
    expect(ttsCacheKey({ ...base, engine: 'openai' })).not.toBe(k);
    expect(ttsCacheKey({ ...base, voice: 'uk' })).not.toBe(k);
    expect(ttsCacheKey({ ...base, format: 'slin16' })).not.toBe(k);
    expect(ttsCacheKey({ ...base, version: 'v2' })).not.toBe(k);
    expect(ttsCacheKey({ ...base, text: 'секундочку...' })).not.toBe(k);
    expect(normalizeTtsText(' a \t b\n')).toBe('a b');
  });
});

describe('TTS cache with the real Redis', () => {
  it('serves a phrase synthesized by one instance to a second instance from Redis', async () => {
    const registryA = new Registry();
    const registryB = new Registry();
    const engineA = new CountingEngine({ name: 'espeak' });
    const engineB = new CountingEngine({ name: 'espeak' });
    const a = new TtsService({
      engines: [engineA],
      cache: cache({ redis: await redis(), registry: registryA }),
      registry: registryA,
    });
    const b = new TtsService({
      engines: [engineB],
      cache: cache({ redis: await redis(), registry: registryB }),
      registry: registryB,
    });
    const opts = { language: 'en', format: 'ulaw' as const };
    const first = await drain(a.synthesize('One moment...', opts));
    expect(engineA.calls).toBe(1);
    await new Promise((r) => setTimeout(r, 50)); // the fill is written after the stream ends
    const sources: string[] = [];
    const second = await drain(
      b.synthesize('One moment...', { ...opts, onSource: (s) => sources.push(s) }),
    );
    const third = await drain(
      b.synthesize('One  moment...', { ...opts, onSource: (s) => sources.push(s) }),
    );
    expect(second.equals(first)).toBe(true);
    expect(third.equals(first)).toBe(true);
    expect(engineB.calls).toBe(0);
    expect(sources).toEqual(['redis', 'memory']);
    const metrics = await registryB.getMetricsAsJSON();
    const requests = metrics.find((m) => m.name === 'voxstate_tts_cache_requests_total');
    const values = (requests?.values ?? []).map(
      (v) => `${v.labels.layer}:${v.labels.result}=${v.value}`,
    );
    expect(values.sort()).toEqual(['memory:hit=1', 'memory:miss=1', 'redis:hit=1']);
    const ratio = metrics.find((m) => m.name === 'voxstate_tts_cache_hit_ratio');
    expect(ratio?.values[0]?.value).toBe(1);
    const firstByte = await registryB.getSingleMetricAsString('voxstate_tts_first_byte_seconds');
    expect(firstByte).toMatch(/cache="redis",engine="espeak"|engine="espeak",cache="redis"/);
  });

  it('stores clips with the TTL and never stores clips over the size bound', async () => {
    const client = await redis();
    const c = cache({ redis: client, ttlMs: 5_000, maxItemBytes: 1_000, lruMaxBytes: 0 });
    expect(await c.set('small', Buffer.alloc(500, 1))).toBe(true);
    expect(await c.set('big', Buffer.alloc(1_001, 1))).toBe(false);
    const pttl = await client.pttl('tts:a:small');
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);
    expect(await client.exists('tts:a:big')).toBe(0);
    expect((await c.get('small'))?.layer).toBe('redis');
    expect(await c.get('big')).toBeUndefined();
  });

  it('bounds Redis to maxEntries, evicting the oldest clips', async () => {
    const client = await redis();
    let now = 1_000_000;
    const c = cache({ redis: client, maxEntries: 3, lruMaxBytes: 0, now: () => now });
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      now += 10;
      await c.set(k, Buffer.from(k));
    }
    expect(await client.zcard('tts:index')).toBe(3);
    expect(await client.exists('tts:a:k1', 'tts:a:k2')).toBe(0);
    expect(await client.exists('tts:a:k3', 'tts:a:k4', 'tts:a:k5')).toBe(3);
  });

  it('bounds the in-process LRU by bytes', async () => {
    const c = cache({ lruMaxBytes: 1_000 });
    await c.set('a', Buffer.alloc(600));
    await c.set('b', Buffer.alloc(600));
    expect(await c.get('a')).toBeUndefined();
    expect((await c.get('b'))?.layer).toBe('memory');
  });

  it('shares one synthesis between concurrent requests for the same clip', async () => {
    const engine = new CountingEngine({ delayMs: 30 });
    const tts = new TtsService({ engines: [engine], cache: cache({ redis: await redis() }) });
    const opts = { language: 'ru', format: 'slin16' as const };
    const [x, y] = await Promise.all([
      drain(tts.synthesize('Секундочку...', opts)),
      drain(tts.synthesize('Секундочку...', opts)),
    ]);
    expect(engine.calls).toBe(1);
    expect(x.equals(y)).toBe(true);
    expect(x.equals(engine.audioFor('Секундочку...'))).toBe(true);
  });

  it('does not cache with cache: false, nor a failed synthesis', async () => {
    const engine = new CountingEngine();
    const tts = new TtsService({ engines: [engine], cache: cache({ redis: await redis() }) });
    const opts = { language: 'en', format: 'ulaw' as const };
    await drain(tts.synthesize('unique answer', { ...opts, cache: false }));
    await drain(tts.synthesize('unique answer', { ...opts, cache: false }));
    expect(engine.calls).toBe(2);
    engine.failNext = true;
    await expect(drain(tts.synthesize('fails once', opts))).rejects.toThrow(/scripted failure/);
    await drain(tts.synthesize('fails once', opts));
    expect(engine.calls).toBe(4);
  });

  it('keeps working from memory when Redis is down, and uses Redis again when it is back', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
    try {
      const client = await redis(`redis://127.0.0.1:${proxy.port}`);
      await new Promise<void>((resolve) => client.once('ready', () => resolve()));
      const engine = new CountingEngine();
      const registry = new Registry();
      const c = cache({ redis: client, registry });
      const tts = new TtsService({ engines: [engine], cache: c });
      const opts = { language: 'he', format: 'ulaw' as const };
      await proxy.cut();
      const audio = await drain(tts.synthesize('רגע אחד...', opts));
      expect(audio.equals(engine.audioFor('רגע אחד...'))).toBe(true);
      await drain(tts.synthesize('רגע אחד...', opts));
      expect(engine.calls).toBe(1); // served from the LRU
      await proxy.restore();
      await new Promise<void>((resolve) => {
        if (client.status === 'ready') resolve();
        else client.once('ready', () => resolve());
      });
      await drain(tts.synthesize('שנייה אחת בבקשה...', opts));
      await new Promise((r) => setTimeout(r, 50));
      const other = new TtsService({
        engines: [new CountingEngine()],
        cache: cache({ redis: await redis() }),
      });
      const sources: string[] = [];
      await drain(
        other.synthesize('שנייה אחת בבקשה...', { ...opts, onSource: (s) => sources.push(s) }),
      );
      expect(sources).toEqual(['redis']);
    } finally {
      await proxy.close();
    }
  });

  it('works with no Redis at all (connection refused)', async () => {
    const client = await redis('redis://127.0.0.1:1');
    const engine = new CountingEngine();
    const tts = new TtsService({ engines: [engine], cache: cache({ redis: client }) });
    const opts = { language: 'uk', format: 'slin16' as const };
    await drain(tts.synthesize('Хвилинку...', opts));
    await drain(tts.synthesize('Хвилинку...', opts));
    expect(engine.calls).toBe(1);
  });
});

describe('TtsService fallback engine', () => {
  it('takes over when the engine fails before its first byte, and caches under its own key', async () => {
    const cloud = new CountingEngine({ name: 'cloud' });
    const local = new CountingEngine({ name: 'local' });
    const registry = new Registry();
    const tts = new TtsService({
      engines: [cloud, local],
      fallbackEngine: 'local',
      cache: cache(),
      registry,
    });
    const opts = { language: 'en', format: 'ulaw' as const };
    cloud.failNext = true;
    const audio = await drain(tts.synthesize('Let me check...', opts));
    expect(audio.equals(local.audioFor('Let me check...'))).toBe(true);
    expect(await tts.cached('Let me check...', opts)).toBeUndefined();
    expect(await tts.cached('Let me check...', { ...opts, engine: 'local' })).toBeDefined();
    const again = await drain(tts.synthesize('Let me check...', opts));
    expect(again.equals(cloud.audioFor('Let me check...'))).toBe(true);
    expect(await registry.getSingleMetricAsString('voxstate_tts_fallbacks_total')).toMatch(
      /from="cloud",to="local"} 1/,
    );
    local.failNext = true;
    cloud.failNext = true;
    await expect(drain(tts.synthesize('Just a second...', opts))).rejects.toThrow(/scripted/);
  });
});
