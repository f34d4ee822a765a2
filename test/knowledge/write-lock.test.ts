/**
 * The knowledge base's writer lock: one holder at a time, a waiter told once, a lock left by a
 * dead process taken over, and a waiting writer that can be aborted.
 */
import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { acquireWriteLock, WRITE_LOCK_NAME } from '../../src/knowledge/write-lock.js';
import { tempDir } from './helpers.js';

describe('knowledge-base writer lock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('voxstate-lock-'));
  });
  afterAll(() => cleanup());

  it('lets one writer in at a time; the second is told once and gets it on release', async () => {
    const db = join(dir, 'one');
    const first = await acquireWriteLock(db);
    const onWait = vi.fn();
    let second: Awaited<ReturnType<typeof acquireWriteLock>> | undefined;
    const waiting = acquireWriteLock(db, { onWait, maxRetryMs: 20 }).then((l) => {
      second = l;
      return l;
    });
    await vi.waitFor(() => expect(onWait).toHaveBeenCalled());
    expect(second).toBeUndefined();
    await first.release();
    await waiting;
    expect(onWait).toHaveBeenCalledTimes(1);
    expect(second!.signal.aborted).toBe(false);
    await second!.release();
  });

  it('takes over a lock left by a process that died (not touched for longer than stale)', async () => {
    const db = join(dir, 'dead');
    const lockDir = join(db, WRITE_LOCK_NAME);
    await mkdir(lockDir, { recursive: true });
    const old = new Date(Date.now() - 120_000);
    await utimes(lockDir, old, old);
    const onWait = vi.fn();
    const lock = await acquireWriteLock(db, { onWait });
    expect(onWait).not.toHaveBeenCalled();
    await lock.release();
  });

  it('a waiting writer stops when its signal aborts', async () => {
    const db = join(dir, 'abort');
    const held = await acquireWriteLock(db);
    const controller = new AbortController();
    const waiting = acquireWriteLock(db, {
      signal: controller.signal,
      onWait: () => controller.abort(),
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    await held.release();
  });
});
