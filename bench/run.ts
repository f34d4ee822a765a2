/**
 * Benchmark runner: `npm run bench -- <suite> [--json]`.
 *
 * Each suite is `bench/<suite>.bench.ts` with a default export
 * `run({ json }): Promise<Record<string, unknown>>`. Without `--json` the figures are printed as
 * a table; with `--json` the suite's result is printed as one JSON object on the last line.
 *
 * @module
 */
import { pathToFileURL } from 'node:url';
import { benchSuites, BENCH_DIR as dir } from './suites.js';

type Suite = { default: (opts: { json: boolean }) => Promise<Record<string, unknown>> };

const suites = benchSuites();

const args = process.argv.slice(2);
const json = args.includes('--json');
const name = args.find((a) => !a.startsWith('-'));

if (!name || !suites.includes(name)) {
  console.error(`usage: npm run bench -- <suite> [--json]\nsuites: ${suites.join(', ')}`);
  process.exit(name ? 1 : 0);
}

const suite = (await import(pathToFileURL(`${dir}${name}.bench.ts`).href)) as Suite;
const result = await suite.default({ json });
if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  console.log(`\n${name}`);
  for (const [key, value] of Object.entries(result)) {
    console.log(
      `  ${key.padEnd(34)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    );
  }
}
process.exit(0);
