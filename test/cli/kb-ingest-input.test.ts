/**
 * `voxstate kb ingest` meets bad input as a user's folder holds it: invalid UTF-8, a binary file
 * named `.md`, empty files, a CSV that is not an FAQ, a malformed record. Each is said once, in
 * one line naming the file, and nothing wrong reaches the knowledge base.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from '@lancedb/lancedb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../knowledge/helpers.js';
import { voxstate } from './voxstate-process.js';

/** Deterministic bytes that look like nothing (xorshift). */
function noise(length: number, seed = 7): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function storedDocs(dataDir: string): Promise<string[]> {
  const db = await connect(join(dataDir, 'kb'));
  try {
    const rows = await (await db.openTable('kb_chunks')).query().select(['doc']).toArray();
    return [...new Set(rows.map((r) => String(r.doc)))].sort();
  } finally {
    db.close();
  }
}

describe('voxstate kb ingest: bad input', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let kb: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('voxstate-kb-input-'));
    kb = join(dir, 'kb');
    await mkdir(kb);
    await writeFile(join(kb, 'good.md'), '# Hours\n\nWe open at seven every morning.\n');
    await writeFile(
      join(kb, 'latin1.md'),
      Buffer.concat([
        Buffer.from('# Caf'),
        Buffer.from([0xe9]),
        Buffer.from('\n\nGood line.\nThe cr'),
        Buffer.from([0xe8]),
        Buffer.from('me br'),
        Buffer.from([0xfb]),
        Buffer.from('l'),
        Buffer.from([0xe9]),
        Buffer.from('e is sweet.\n'),
      ]),
    );
    await writeFile(join(kb, 'random.md'), noise(4096));
    await writeFile(join(kb, 'empty.md'), '');
    await writeFile(join(kb, 'blank.txt'), '\n   \n\t\n');
    await writeFile(join(kb, 'people.csv'), 'name,email\nBob,bob@example.com\n');
    await writeFile(
      join(kb, 'faq.csv'),
      'question,answer\n"Do you bake on Sunday?","Yes, from eight."\n"one field"\n',
    );
  });
  afterAll(() => cleanup());

  it('warns, refuses and reports each problem once, in one line naming the file', async () => {
    const dataDir = join(dir, 'data-human');
    const { code, stdout, stderr } = await voxstate(['kb', 'ingest', kb, '--no-local'], {
      VOXSTATE_DATA_DIR: dataDir,
    });
    const lines = stderr.trimEnd().split('\n');
    const about = (re: RegExp) => lines.filter((l) => re.test(l));

    // Invalid UTF-8: a warning naming the file and each line, the rest is kept.
    expect(about(/latin1\.md:1: .*invalid UTF-8/)).toHaveLength(1);
    expect(about(/latin1\.md:4: .*invalid UTF-8/)).toHaveLength(1);
    expect(about(/latin1\.md:[235]\b/)).toHaveLength(0);
    // A binary file: refused with one line saying why.
    expect(about(/random\.md/)).toHaveLength(1);
    expect(about(/random\.md/)[0]).toMatch(/refused: .*(binary|not UTF-8 text)/);
    // A CSV that is not an FAQ: refused, naming the header expected.
    expect(about(/people\.csv/)).toHaveLength(1);
    expect(about(/people\.csv/)[0]).toMatch(/refused: .*question,answer.*name,email/);
    // A malformed record: once (it used to be printed twice).
    expect(about(/faq\.csv:3: expected 2 fields, found 1/)).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);

    // Empty files are reported as empty and not counted as documents.
    expect(about(/empty\.md: empty file/)).toHaveLength(1);
    expect(about(/blank\.txt: empty file/)).toHaveLength(1);
    expect(stdout).toMatch(/^ingested 3 documents, /m);
    expect(stdout).toMatch(/2 empty files skipped/);
    expect(stdout).toMatch(/2 files refused/);
    // Files were refused: the run says so with its exit code; the good files are stored.
    expect(code).toBe(1);
    expect(await storedDocs(dataDir)).toEqual(['kb/faq.csv', 'kb/good.md', 'kb/latin1.md']);
  });

  it('--json lists the empty and refused files and the warnings', async () => {
    const { code, stdout } = await voxstate(['kb', 'ingest', kb, '--no-local', '--json'], {
      VOXSTATE_DATA_DIR: join(dir, 'data-json'),
    });
    expect(code).toBe(1);
    const summary = JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as {
      documents: number;
      empty: string[];
      refused: Array<{ source: string; reason: string }>;
      warnings: string[];
      errors: string[];
    };
    expect(summary.documents).toBe(3);
    expect(summary.empty.map((f) => f.replace(/.*\//, '')).sort()).toEqual([
      'blank.txt',
      'empty.md',
    ]);
    expect(summary.refused.map((r) => r.source.replace(/.*\//, '')).sort()).toEqual([
      'people.csv',
      'random.md',
    ]);
    expect(summary.warnings).toHaveLength(2);
    expect(summary.errors).toHaveLength(1);
  });

  it('a file given by name that is refused exits 1 and stores nothing', async () => {
    const dataDir = join(dir, 'data-one');
    const { code, stdout, stderr } = await voxstate(
      ['kb', 'ingest', join(kb, 'random.md'), '--no-local'],
      { VOXSTATE_DATA_DIR: dataDir },
    );
    expect(code).toBe(1);
    expect(
      stderr
        .trimEnd()
        .split('\n')
        .filter((l) => /random\.md/.test(l)),
    ).toHaveLength(1);
    expect(stdout).toMatch(/^ingested 0 documents/m);
  });
});

describe('voxstate kb search: bad options', () => {
  it('--lang with an unsupported language is one line and exit 2', async () => {
    const { dir, cleanup } = await tempDir('voxstate-kb-lang-');
    try {
      const { code, stdout, stderr } = await voxstate(
        ['kb', 'search', 'opening hours', '--lang', 'xx', '--no-local'],
        { VOXSTATE_DATA_DIR: dir },
      );
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^voxstate kb: --lang "xx" is not supported \(use en, ru, uk, he\)$/),
      ]);
    } finally {
      await cleanup();
    }
  });
});
