/**
 * Benchmark runner: `npm run bench -- <suite> [--json]`.
 *
 * Each suite is `bench/<suite>.bench.ts` with a default export
 * `run({ json }): Promise<Record<string, unknown>>`. Without `--json` the figures are printed as
 * a table; with `--json` the suite's result is printed as one JSON object on the last line.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Suite = { default: (opts: { json: boolean }) => Promise<Record<string, unknown>> };

const dir = fileURLToPath(new URL('.', import.meta.url));
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();

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
