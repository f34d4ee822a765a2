/**
 * The benchmark suites `npm run bench -- <suite>` knows (one `bench/<suite>.bench.ts` each) and
 * the flags of the runner, shared by `bench/run.ts` and the docs test.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of the suites. */
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Flags of `npm run bench -- <suite>`. */
export const BENCH_FLAGS = ['--json'] as const;

/** Flags one suite reads beside the runner's (suite name to its flags). */
export const SUITE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  kbquality: ['--misses'],
  cost: ['--only'],
};

/** The suite names, sorted. */
export function benchSuites(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''))
    .sort();
}
