import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enforceRetention } from '../../src/calllog/retention.js';
import { run } from '../../src/cli/commands/maintenance.js';
import { emptyBreakdown } from '../../src/cost/ledger.js';
import { type CallRecord, openCallStore } from '../../src/cost/store.js';

const DAY = 86_400_000;

/** Files under `dir` whose bytes contain `needle`. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) hits.push(path);
  }
  return hits;
}

function call(id: string, startedAt: number, transcript?: string): CallRecord {
  return {
    id,
    startedAt,
    endedAt: startedAt + 1000,
    direction: 'outbound',
    flags: {},
    cost: emptyBreakdown('USD'),
    turns: 0,
    endReason: 'hangup',
    events: {
      events: [
        { t: 0, type: 'started' },
        ...(transcript ? [{ t: 900, type: 'turn', fields: { n: 1, transcript } }] : []),
      ],
      dropped: 0,
    },
  };
}

describe('voxstate maintenance', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxstate-maint-'));
    const store = await openCallStore({ dataDir: dir });
    const now = Date.now();
    await store.writeMany([
      call('old', now - 45 * DAY),
      call('week', now - 8 * DAY),
      call('new', now - DAY),
    ]);
    store.close();
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function cli(args: string[]) {
    const out = new PassThrough();
    const err = new PassThrough();
    const o: string[] = [];
    const e: string[] = [];
    out.on('data', (c) => o.push(String(c)));
    err.on('data', (c) => e.push(String(c)));
    return { code: await run(args, { out, err }), out: o.join(''), err: e.join('') };
  }

  it('deletes calls older than the retention period and compacts', async () => {
    const r = await cli(['--data-dir', dir, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ days: 30, deleted: 1, remaining: 2 });
    const r7 = await cli(['--data-dir', dir, '--retention-days', '7']);
    expect(r7.out).toMatch(/deleted 1 calls .*; 1 kept/);
    const store = await openCallStore({ dataDir: dir });
    expect((await store.queryCalls()).map((c) => c.id)).toEqual(['new']);
    store.close();
  });

  it('rejects a bad retention value with one line naming the flag, exit 2 (usage)', async () => {
    for (const value of ['-1', 'abc', '']) {
      const r = await cli(['--data-dir', dir, `--retention-days=${value}`]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(
        `voxstate maintenance: --retention-days must be a positive number of days, got "${value}"\n`,
      );
    }
  });
});

describe('retention of stored transcripts', () => {
  it('deletes an old call’s words from the disk, not only from queries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voxstate-retain-'));
    try {
      const store = await openCallStore({ dataDir: dir });
      const now = Date.now();
      await store.write(call('old', now - 45 * DAY, 'my old secret is Zanzibar'));
      await store.write(call('new', now - DAY, 'my new question is Kilimanjaro'));
      expect(await filesHolding(dir, 'Zanzibar')).not.toEqual([]);
      expect(await enforceRetention(store, 30, now)).toMatchObject({ deleted: 1 });
      // Compaction prunes the old versions too: no data file still holds the deleted text.
      expect(await filesHolding(dir, 'Zanzibar')).toEqual([]);
      expect(await filesHolding(dir, 'Kilimanjaro')).not.toEqual([]);
      expect((await store.queryCalls()).map((c) => c.id)).toEqual(['new']);
      store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
