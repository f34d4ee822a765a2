/**
 * Shared fast-check parameters of the fuzz suites: a fixed seed so every run explores the same
 * inputs (a failure reproduces as it is), and small run counts so the folder stays fast.
 *
 * @module
 */
import type fc from 'fast-check';

/** The seed of every fuzz property. Change it locally to explore other inputs. */
export const FUZZ_SEED = 0x5eed;

/** Parameters for `fc.assert`: the fixed seed and `numRuns` runs. */
export function fuzz<T>(numRuns: number): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns };
}
