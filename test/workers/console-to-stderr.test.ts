import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKERS = `${ROOT}src/workers/`;
const FIXTURE = `${ROOT}test/fixtures/workers/noisy-library.worker.ts`;

/** A process that runs one task on a real piscina pool of the fixture worker. */
const POOL_SCRIPT = `
import { Piscina } from 'piscina';
import { fileEntry } from './src/workers/worker-file.ts';
const pool = new Piscina(fileEntry(process.argv[1]));
process.stdout.write('result: ' + (await pool.run(null)) + '\\n');
await pool.destroy();
`;

describe('console output of worker threads', () => {
  it('goes to stderr, never to stdout (where serve writes JSON lines)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', POOL_SCRIPT, FIXTURE],
      { cwd: ROOT },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(err).toBe('info from a library in a worker\nmore info\n');
    expect(out).toBe('result: done\n');
    expect(code).toBe(0);
  }, 60_000);

  it('every worker file sets this up before anything else', () => {
    const files = readdirSync(WORKERS).filter((f) => f.endsWith('.worker.ts'));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const f of files) {
      const firstImport = /^import .*$/m.exec(readFileSync(`${WORKERS}${f}`, 'utf8'))?.[0];
      expect(firstImport, f).toBe("import './console-to-stderr.js';");
    }
  });
});
