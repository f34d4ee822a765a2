/**
 * `voxstate dlq list [--json]` shows the post-call jobs that failed for good and the queue's
 * counts; `voxstate dlq retry <id>|--all` puts failed jobs back on the queue with fresh attempts,
 * where the running runtime (which holds the handlers) picks them up.
 *
 * @module
 */

import { redactRedisUrl } from '../../cache/redis.js';
import { readEnv } from '../../config/schema.js';
import { DeadLetterQueue } from '../../dlq/dead-letter-queue.js';
import { connectQueueRedis, waitForRedis } from '../../dlq/queue-redis.js';
import { VoxstateError } from '../../errors.js';
import { type CommandIo, type CommandSpec, parseCommand, processIo, USAGE_EXIT } from '../io.js';

/** The options of `voxstate dlq` (read by its parser, its `--help` and the docs test). */
export const SPEC = {
  name: 'dlq',
  usage: ['voxstate dlq list [--json]', 'voxstate dlq retry <job-id> | --all'],
  subcommands: ['list', 'retry'],
  options: {
    json: { type: 'boolean', help: 'list: print JSON' },
    all: { type: 'boolean', help: 'retry: every failed job' },
    redis: {
      type: 'string',
      value: '<url>',
      help: 'default VOXSTATE_REDIS_URL or redis://127.0.0.1:6379',
    },
    prefix: { type: 'string', value: '<p>', help: 'Redis key prefix (default voxstate:)' },
    queue: { type: 'string', value: '<name>', help: 'queue name (default dlq)' },
  },
} satisfies CommandSpec;

/** Runs `voxstate dlq ...`; returns the exit code. */
export async function run(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseCommand(SPEC, argv, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, id, ...extra] = positionals;
  const retryOk =
    sub === 'retry' && extra.length === 0 && (id !== undefined) !== (values.all === true);
  if (!(sub === 'list' && id === undefined) && !retryOk) {
    io.err.write('voxstate dlq: expected "list" or "retry <id>|--all" (voxstate dlq --help)\n');
    return USAGE_EXIT;
  }
  const url =
    values.redis ??
    readEnv(process.env, ['VOXSTATE_REDIS_URL']).VOXSTATE_REDIS_URL ??
    'redis://127.0.0.1:6379';
  const redis = connectQueueRedis({
    url,
    ...(values.prefix !== undefined ? { keyPrefix: values.prefix } : {}),
  });
  try {
    try {
      await waitForRedis(redis, 2_000);
    } catch {
      io.err.write(`voxstate dlq: Redis at ${redactRedisUrl(url)} is unreachable\n`);
      return 1;
    }
    const dlq = new DeadLetterQueue({ redis, ...(values.queue ? { name: values.queue } : {}) });
    if (sub === 'list') {
      const [failed, stats] = [await dlq.listFailed(), await dlq.stats()];
      if (values.json) io.out.write(`${JSON.stringify({ stats, failed })}\n`);
      else {
        io.out.write(
          `waiting: ${stats.ready} ready, ${stats.delayed} in backoff; failed for good: ${stats.failed}\n`,
        );
        for (const job of failed) {
          const when = job.failedAt ? new Date(job.failedAt).toISOString() : '-';
          io.out.write(
            `${job.id}  ${job.kind}  attempts=${job.attempts}  failed=${when}  ${job.lastError ?? ''}\n`,
          );
        }
      }
    } else {
      const n = await dlq.retryFailed(values.all ? 'all' : (id as string));
      if (n === 0 && !values.all) {
        io.err.write(`voxstate dlq: no failed job with id ${id}\n`);
        return 1;
      }
      io.out.write(`requeued ${n} job${n === 1 ? '' : 's'}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof VoxstateError) {
      io.err.write(`voxstate dlq: ${err.message}\n`);
      return 1;
    }
    io.err.write(`voxstate dlq: Redis at ${redactRedisUrl(url)}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
