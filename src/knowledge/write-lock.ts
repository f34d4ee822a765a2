/**
 * The knowledge base's writer lock: one writer at a time per database folder, across processes.
 * A lock folder (`.voxstate-write.lock`, made by proper-lockfile with an atomic `mkdir`) sits in
 * the database folder; its holder touches it every few seconds, and a lock left by a process
 * that died is taken over once it is stale. A second writer waits for the first, says so once,
 * and then reads the tables afresh, so concurrent ingests never write a row twice.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { AbortedError, StorageError } from '../errors.js';

/** The lock folder's name inside the database folder. */
export const WRITE_LOCK_NAME = '.voxstate-write.lock';

/** Options for {@link acquireWriteLock}. */
export interface WriteLockOptions {
  /** Called once when another writer holds the lock and this one starts to wait. */
  onWait?: () => void;
  signal?: AbortSignal;
  /** A lock not touched for this long belongs to a dead process and is taken over, ms. */
  staleMs?: number;
  /** Longest pause between two attempts while waiting, ms. */
  maxRetryMs?: number;
}

/** A held lock. */
export interface WriteLock {
  /** Aborted when the lock was lost (its folder removed or not touched in time). */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      if (signal?.aborted) reject(new AbortedError('waiting for the knowledge-base lock'));
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Takes the writer lock of the database in `dir`, waiting as long as another process holds it.
 *
 * @throws {StorageError} when the lock cannot be made (for example, a read-only folder).
 * @example
 * ```ts
 * const lock = await acquireWriteLock(kbDir, { onWait: () => console.error('waiting...') });
 * try { await write(); } finally { await lock.release(); }
 * ```
 */
export async function acquireWriteLock(
  dir: string,
  options: WriteLockOptions = {},
): Promise<WriteLock> {
  const lockfilePath = join(dir, WRITE_LOCK_NAME);
  const lost = new AbortController();
  let pauseMs = 50;
  let waiting = false;
  await mkdir(dir, { recursive: true });
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError('waiting for the knowledge-base lock');
    try {
      const release = await lock(dir, {
        lockfilePath,
        realpath: false,
        stale: options.staleMs ?? 30_000,
        onCompromised: (err) =>
          lost.abort(
            new StorageError('lock', `the knowledge-base lock in ${dir} was lost: ${err.message}`, {
              cause: err,
              retryable: false,
            }),
          ),
      });
      return {
        signal: lost.signal,
        release: async () => {
          if (!lost.signal.aborted) await release().catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new StorageError('lock', `cannot lock ${dir}: ${(err as Error).message}`, {
          cause: err,
          retryable: false,
        });
      }
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.();
    }
    await sleep(pauseMs, options.signal);
    pauseMs = Math.min(options.maxRetryMs ?? 500, pauseMs * 2);
  }
}
