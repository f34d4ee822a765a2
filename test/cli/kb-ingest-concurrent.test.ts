/**
 * Two `voxstate kb ingest` processes into one data folder at the same moment: no row is written
 * twice, neither fails with an internal message, and a folder that already holds duplicate rows
 * (written by an older version) is healed by the next ingest instead of being reported unchanged.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acquireWriteLock } from '../../src/knowledge/write-lock.js';
import { tempDir } from '../knowledge/helpers.js';
import { startVoxstate, voxstate } from './voxstate-process.js';

/** Rows and distinct keys of every knowledge-base table. */
async function tableCounts(
  dataDir: string,
): Promise<Record<string, { rows: number; distinct: number }>> {
  const db = await connect(join(dataDir, 'kb'));
  const out: Record<string, { rows: number; distinct: number }> = {};
  try {
    for (const name of await db.tableNames()) {
      const key = name === 'kb_documents' ? 'doc' : 'id';
      const table = await db.openTable(name);
      const rows = await table.query().select([key]).toArray();
      out[name] = { rows: rows.length, distinct: new Set(rows.map((r) => String(r[key]))).size };
      table.close();
    }
  } finally {
    db.close();
  }
  return out;
}

/** A knowledge base of `files` Markdown files with `sections` sections each. */
async function writeKb(root: string, files: number, sections: number): Promise<void> {
  await mkdir(root, { recursive: true });
  for (let f = 0; f < files; f++) {
    const body = Array.from(
      { length: sections },
      (_, s) =>
        `## Topic ${f}-${s}\n\nSection ${s} of page ${f} says the bakery delivers order ${f * 1000 + s} on day ${s % 7}.\n`,
    ).join('\n');
    await writeFile(join(root, `page-${f}.md`), `# Page ${f}\n\n${body}`);
  }
}

describe('voxstate kb ingest: concurrent writers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let kb: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('voxstate-kb-race-'));
    kb = join(dir, 'kb');
    await writeKb(kb, 30, 60);
  });
  afterAll(() => cleanup());

  it('two ingests at the same moment write every row once and both succeed', async () => {
    const env = { VOXSTATE_DATA_DIR: join(dir, 'race') };
    const [a, b] = await Promise.all([
      voxstate(['kb', 'ingest', kb, '--no-local'], env),
      voxstate(['kb', 'ingest', kb, '--no-local'], env),
    ]);
    for (const r of [a, b]) {
      expect(r.stderr).not.toMatch(/conflict|lance error|\n\s+at /i);
      expect(r.code).toBe(0);
    }
    const counts = await tableCounts(env.VOXSTATE_DATA_DIR);
    expect(counts.kb_chunks!.distinct).toBeGreaterThanOrEqual(30 * 60);
    expect(counts.kb_chunks!.rows).toBe(counts.kb_chunks!.distinct);
    expect(counts.kb_documents).toEqual({ rows: 30, distinct: 30 });
  });

  it('an ingest that finds another one running says so in one line and waits', async () => {
    const dataDir = join(dir, 'wait');
    const kbDir = join(dataDir, 'kb');
    await mkdir(kbDir, { recursive: true });
    const held = await acquireWriteLock(kbDir);
    const child = startVoxstate(['kb', 'ingest', kb, '--no-local'], {
      VOXSTATE_DATA_DIR: dataDir,
    });
    try {
      await vi.waitFor(() => expect(child.stderr()).toMatch(/another ingest/), {
        timeout: 20_000,
        interval: 50,
      });
      const waiting = child
        .stderr()
        .split('\n')
        .filter((l) => /another ingest/.test(l));
      expect(waiting).toHaveLength(1);
      expect(waiting[0]).toMatch(/is running.*waiting/);
      expect(child.stdout()).toBe('');
    } finally {
      await held.release();
    }
    const { code, stdout } = await child.done;
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ingested 30 documents/m);
  });

  it('a folder holding duplicate rows is healed by the next ingest', async () => {
    const dataDir = join(dir, 'heal');
    const env = { VOXSTATE_DATA_DIR: dataDir };
    expect((await voxstate(['kb', 'ingest', kb, '--no-local'], env)).code).toBe(0);
    // Duplicate every row as the concurrent ingests of older versions did.
    const db = await connect(join(dataDir, 'kb'));
    for (const name of ['kb_chunks', 'kb_documents']) {
      const table = await db.openTable(name);
      await table.add(await table.query().toArrow());
      table.close();
    }
    db.close();
    const before = await tableCounts(dataDir);
    expect(before.kb_chunks!.rows).toBe(2 * before.kb_chunks!.distinct);

    const { code, stdout } = await voxstate(['kb', 'ingest', kb, '--no-local', '--json'], env);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as { repaired: number };
    expect(summary.repaired).toBe(before.kb_chunks!.distinct + 30);
    const after = await tableCounts(dataDir);
    expect(after.kb_chunks).toEqual({
      rows: before.kb_chunks!.distinct,
      distinct: before.kb_chunks!.distinct,
    });
    expect(after.kb_documents).toEqual({ rows: 30, distinct: 30 });
    // Search still works on the healed table (its full-text index was rebuilt).
    const search = await voxstate(['kb', 'search', 'order 7042', '--no-local', '--json'], env);
    expect(search.code).toBe(0);
    const found = JSON.parse(search.stdout) as { passages: Array<{ text: string }> };
    expect(found.passages[0]!.text).toContain('order 7042');
    // Three CLI processes in a row (each starts TypeScript through tsx): seconds each on a busy machine.
  }, 90_000);
});
