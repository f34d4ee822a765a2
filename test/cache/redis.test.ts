import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectRedis, redactRedisUrl } from '../../src/cache/redis.js';
import { createLogger } from '../../src/telemetry/logger.js';
import { capture } from '../cli/helpers.js';

function jsonLogs(): { logger: ReturnType<typeof createLogger>; lines(): Array<{ msg: string }> } {
  const out = capture();
  return {
    logger: createLogger({ level: 'info', destination: out }),
    lines: () =>
      out
        .text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string }),
  };
}

describe('connectRedis: what it says about Redis', () => {
  const open: Array<{ disconnect(): void }> = [];
  afterEach(() => {
    for (const r of open.splice(0)) r.disconnect();
  });

  it('an unreachable URL is reported once, without its password, saying caches run in-process', async () => {
    const logs = jsonLogs();
    const redis = connectRedis({ url: 'redis://:s3cret@127.0.0.1:1/0', logger: logs.logger });
    open.push(redis);
    let errors = 0;
    redis.on('error', () => errors++);
    // Several failed attempts: still one line.
    await vi.waitFor(() => expect(errors).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    const said = logs.lines().filter((l) => l.msg.includes('unreachable'));
    expect(said).toHaveLength(1);
    expect(said[0]?.msg).toMatch(
      /^redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 is unreachable \(.*ECONNREFUSED.*\): caches run in-process until it answers$/,
    );
    expect(JSON.stringify(logs.lines())).not.toContain('s3cret');
  });

  it.each(['quit', 'disconnect'] as const)(
    'a clean %s is not reported as a lost connection',
    async (how) => {
      const logs = jsonLogs();
      const redis = connectRedis({ url: 'redis://127.0.0.1:6379', logger: logs.logger });
      await vi.waitFor(() => expect(redis.status).toBe('ready'), { timeout: 5_000 });
      const ended = new Promise((r) => redis.once('end', r));
      if (how === 'quit') await redis.quit();
      else redis.disconnect();
      await ended;
      expect(logs.lines().map((l) => l.msg)).toEqual(['redis connected']);
    },
  );
});

describe('redactRedisUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactRedisUrl('redis://user:pw@host:6380/2')).toBe('redis://user:***@host:6380/2');
    expect(redactRedisUrl('rediss://host')).toBe('rediss://host');
    expect(redactRedisUrl('::')).toBe('(invalid Redis URL)');
  });
});
