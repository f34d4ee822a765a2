/**
 * `voxstate dlq list [--json]` shows the post-call jobs that failed for good and the queue's
 * counts; `voxstate dlq retry <id>|--all` puts failed jobs back on the queue with fresh attempts,
 * where the running runtime (which holds the handlers) picks them up.
 *
 * @module
 */

import { DeadLetterQueue } from '../../dlq/dead-letter-queue.js';
import { connectQueueRedis, waitForRedis } from '../../dlq/queue-redis.js';
import { VoxstateError } from '../../errors.js';
import { type CommandIo, parseCommand, processIo } from '../io.js';

const USAGE = `usage: voxstate dlq list [--json]
       voxstate dlq retry <job-id> | --all

  --redis <url>     default VOXSTATE_REDIS_URL or redis://127.0.0.1:6379
  --prefix <p>      Redis key prefix (default voxstate:)
  --queue <name>    queue name (default dlq)
  -h, --help        show this help
`;

/** Runs `voxstate dlq ...`; returns the exit code. */
export async function run(argv: string[], io: CommandIo = processIo()): Promise<number> {
  const parsed = parseCommand(
    'dlq',
    argv,
    {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      redis: { type: 'string' },
      prefix: { type: 'string' },
      queue: { type: 'string' },
    },
    io,
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [sub, id, ...extra] = positionals;
  const retryOk =
    sub === 'retry' && extra.length === 0 && (id !== undefined) !== (values.all === true);
  if (!(sub === 'list' && id === undefined) && !retryOk) {
    io.err.write(`voxstate dlq: expected "list" or "retry <id>|--all"\n${USAGE}`);
    return 1;
  }
  const redis = connectQueueRedis({
    ...(values.redis ? { url: values.redis } : {}),
    ...(values.prefix !== undefined ? { keyPrefix: values.prefix } : {}),
  });
  try {
    await waitForRedis(redis, 2_000);
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
    io.err.write(`voxstate dlq: Redis: ${(err as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
