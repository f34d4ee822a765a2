/**
 * Benchmark suite `ingest`: what `voxstate kb ingest` costs and whether concurrent ingests keep
 * the knowledge base whole, each measured on the real command in child processes.
 *
 * - **peakRssMb**: the peak resident set size (VmHWM) of `voxstate kb ingest` reading one 50 MB
 *   file that is a single line of prose (keyword-only, `--no-local`, so the figure is the
 *   ingest's own memory and not an embedding model's). Goal: under 500 MB. `baselineRssMb` is
 *   the same command on a one-line file, in the same run.
 * - **duplicateRows**: two `voxstate kb ingest` of the same folder (30 pages, 1,800 chunks)
 *   started at the same moment into one data folder; then every knowledge-base table's rows are
 *   counted against its distinct keys (`concurrentRows` is all of them). Goal: 0 duplicates, and
 *   both processes exit 0.
 *
 * Run: `npm run bench -- ingest [--json]`.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@lancedb/lancedb';
import { tempDir } from '../test/knowledge/helpers.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/voxstate.js');
const PRELOAD = join(ROOT, 'bench/peak-rss.cjs');
const FILE_BYTES = 50 * 1024 * 1024;
const WORDS = (
  'the bakery opens at seven and delivers fresh bread cakes pastries every morning to the city ' +
  'our shop sells rye wheat buns pies cookies with butter sugar flour milk eggs honey nuts seeds ' +
  'chocolate vanilla cream fruit apples cherries order pick up weekend sunday price card cash'
).split(' ');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  peakRssMb: number;
  seconds: number;
}

/** Runs `voxstate <args>` in a child process and reads its peak RSS when it exits. */
async function voxstate(args: string[], env: NodeJS.ProcessEnv, rssFile: string): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', PRELOAD, BIN, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      VOXSTATE_CLOUD_EMBED_MODEL: '',
      VOXSTATE_BENCH_PEAK_RSS_FILE: rssFile,
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  const bytes = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
  const seconds = (performance.now() - started) / 1000;
  return { code, stdout, stderr, peakRssMb: Math.round(bytes / 1024 / 1024), seconds };
}

/** Writes `bytes` of prose on one line (sentences, no line break), deterministically. */
async function writeSingleLine(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  let x = 0x2545f491;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  let written = 0;
  while (written < bytes) {
    const parts: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const word = WORDS[next() % WORDS.length]!;
      parts.push(next() % 14 === 0 ? `${word}. ` : `${word} `);
    }
    const piece = parts.join('').slice(0, bytes - written);
    written += piece.length;
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Rows beyond the first of each key, summed over the knowledge-base tables. */
async function duplicateRows(kbDir: string): Promise<{ rows: number; duplicates: number }> {
  const db = await connect(kbDir);
  let rows = 0;
  let duplicates = 0;
  try {
    for (const name of await db.tableNames()) {
      const key = name === 'kb_documents' ? 'doc' : 'id';
      const table = await db.openTable(name);
      const keys = (await table.query().select([key]).toArray()).map((r) => String(r[key]));
      rows += keys.length;
      duplicates += keys.length - new Set(keys).size;
      table.close();
    }
  } finally {
    db.close();
  }
  return { rows, duplicates };
}

export default async function run(_opts: { json: boolean }): Promise<Record<string, unknown>> {
  const { dir, cleanup } = await tempDir('voxstate-bench-ingest-');
  try {
    const big = join(dir, 'single-line.txt');
    await writeSingleLine(big, FILE_BYTES);
    const small = join(dir, 'one-line.txt');
    await writeFile(small, 'The bakery opens at seven.\n');

    const baseline = await voxstate(
      ['kb', 'ingest', small, '--no-local'],
      { VOXSTATE_DATA_DIR: join(dir, 'data-small') },
      join(dir, 'rss-small'),
    );
    const large = await voxstate(
      ['kb', 'ingest', big, '--no-local', '--json'],
      { VOXSTATE_DATA_DIR: join(dir, 'data-big') },
      join(dir, 'rss-big'),
    );
    if (large.code !== 0) throw new Error(`ingest of the 50 MB file failed: ${large.stderr}`);
    const summary = JSON.parse(large.stdout.trimEnd().split('\n').at(-1)!) as {
      chunks: number;
      seconds: number;
    };

    const pages = join(dir, 'pages');
    await mkdir(pages);
    for (let f = 0; f < 30; f++) {
      const sections = Array.from(
        { length: 60 },
        (_, s) => `## Topic ${f}-${s}\n\nPage ${f}, section ${s}: order ${f * 1000 + s} ships.\n`,
      );
      await writeFile(join(pages, `page-${f}.md`), `# Page ${f}\n\n${sections.join('\n')}`);
    }
    const env = { VOXSTATE_DATA_DIR: join(dir, 'data-race') };
    const [a, b] = await Promise.all([
      voxstate(['kb', 'ingest', pages, '--no-local'], env, join(dir, 'rss-a')),
      voxstate(['kb', 'ingest', pages, '--no-local'], env, join(dir, 'rss-b')),
    ]);
    const counted = await duplicateRows(join(dir, 'data-race', 'kb'));
    const waited = [a, b].some((r) => /another ingest .* is running/.test(r.stderr));

    return {
      fileMb: FILE_BYTES / 1024 / 1024,
      peakRssMb: large.peakRssMb,
      baselineRssMb: baseline.peakRssMb,
      peakRssGoalMb: 500,
      peakRssGoalMet: large.peakRssMb < 500,
      bigFileChunks: summary.chunks,
      bigFileIngestSeconds: Number(summary.seconds.toFixed(1)),
      concurrentExitCodes: [a.code, b.code],
      concurrentOneWaited: waited,
      concurrentRows: counted.rows,
      duplicateRows: counted.duplicates,
      duplicateRowsGoalMet: counted.duplicates === 0 && a.code === 0 && b.code === 0,
    };
  } finally {
    await cleanup();
  }
}
