import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wavHeader } from '../../src/audio/wav.js';
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

  it('deletes recordings past their own retention and finishes those a crash left open', async () => {
    const now = Date.now();
    const put = async (path: string, ageDays: number, header: Buffer) => {
      const file = join(dir, path);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, Buffer.concat([header, Buffer.alloc(4 * 160)]));
      const at = (now - ageDays * DAY) / 1000;
      await utimes(file, at, at);
      return file;
    };
    await put('recordings/2026-10-01/old.wav', 20, wavHeader(640, 16_000, 2));
    const crashed = await put('recordings/2026-12-01/crashed.wav', 2, wavHeader(0, 16_000, 2));
    const r = await cli(['--data-dir', dir, '--json', '--recording-retention-days', '10']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).recordings).toMatchObject({
      days: 10,
      deleted: 1,
      kept: 1,
      repaired: ['recordings/2026-12-01/crashed.wav'],
    });
    expect((await readFile(crashed)).readUInt32LE(40)).toBe(640);
    const text = await cli(['--data-dir', dir, '--recording-retention-days', '1']);
    expect(text.out).toMatch(/recordings 1 days: deleted 1 last written before .*; 0 kept\n/);
    const bad = await cli(['--data-dir', dir, '--recording-retention-days', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--recording-retention-days must be a positive number of days/);
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
