import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/dlq.js';
import { DeadLetterQueue } from '../../src/dlq/dead-letter-queue.js';
import { connectQueueRedis, waitForRedis } from '../../src/dlq/queue-redis.js';
import { queueKeys } from '../../src/dlq/scripts.js';

const PREFIX = 'voxstate-test:';

async function cli(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: string[] = [];
  const e: string[] = [];
  out.on('data', (c) => o.push(String(c)));
  err.on('data', (c) => e.push(String(c)));
  const code = await run(args, { out, err });
  return { code, out: o.join(''), err: e.join('') };
}

describe('voxstate dlq', () => {
  let redis: Redis;
  let name: string;
  let dlq: DeadLetterQueue;
  const common = () => ['--prefix', PREFIX, '--queue', name];

  beforeEach(async () => {
    name = `dlq-${randomUUID()}`;
    redis = connectQueueRedis({ keyPrefix: PREFIX });
    await waitForRedis(redis);
    dlq = new DeadLetterQueue({ redis, name, maxAttempts: 1 });
    dlq.handle('call.record', async () => {
      throw new Error('lancedb unwritable');
    });
    await dlq.submit({ kind: 'call.record', payload: { id: 'c1' } });
    await dlq.submit({ kind: 'call.record', payload: { id: 'c2' } });
  });

  afterEach(async () => {
    const k = queueKeys(name);
    await redis.del(k.ready, k.delayed, k.failed);
    redis.disconnect();
  });

  it('lists failed jobs', async () => {
    const r = await cli(['list', ...common()]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('failed for good: 2');
    expect(r.out).toContain('lancedb unwritable');
    const json = JSON.parse((await cli(['list', '--json', ...common()])).out);
    expect(json.failed).toHaveLength(2);
    expect(json.stats).toMatchObject({ failed: 2 });
  });

  it('retries one job by id, then all', async () => {
    const [first] = await dlq.listFailed();
    expect(await cli(['retry', first!.id, ...common()])).toMatchObject({
      code: 0,
      out: 'requeued 1 job\n',
    });
    expect(await dlq.stats()).toMatchObject({ failed: 1, delayed: 1 });
    const [again] = await redis.zrange(queueKeys(name).delayed, '0', '-1');
    expect(JSON.parse(again!).attempts).toBe(0);
    expect(await cli(['retry', '--all', ...common()])).toMatchObject({
      code: 0,
      out: 'requeued 1 job\n',
    });
    expect(await dlq.stats()).toMatchObject({ failed: 0, delayed: 2 });
  });

  it('reports bad usage and unknown ids with one line', async () => {
    expect((await cli(['retry', 'nope', ...common()])).err).toBe(
      'voxstate dlq: no failed job with id nope\n',
    );
    expect((await cli(['retry', ...common()])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const down = await cli(['list', '--redis', 'redis://:s3cret@127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.err).toBe('voxstate dlq: Redis at redis://:***@127.0.0.1:1 is unreachable\n');
  });
});
