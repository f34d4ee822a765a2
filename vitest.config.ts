import { defineConfig } from 'vitest/config';

/**
 * Tests that play calls in real time or drive the command line as a process: the end-to-end calls,
 * the fault drills and the CLI. Everything else is the `unit` project.
 */
const E2E = [
  'test/e2e/**/*.test.ts',
  'test/faults/**/*.test.ts',
  'test/cli/**/*.test.ts',
  // The simulator's transfers and outbound callees play their audio in real time.
  'test/simulator/transfer.test.ts',
  'test/simulator/outbound-callees.test.ts',
];

/**
 * Options both projects share. The unit project reuses one module graph per worker
 * (`isolate: false`: about half the CPU time of a fresh one per file, which is mostly imports), so
 * a unit test file restores whatever global state it changes (timers, environment variables,
 * process listeners). Two workers overlap the tests that wait on sockets, Redis or worker threads.
 * The e2e project keeps a fresh module graph per file and starts when the unit project has
 * finished (`groupOrder`): calls play in real time and must get the CPU when their audio is due.
 * Two files run at once: most of an e2e file's time is waiting for audio in real time, so two
 * share the two cores without starving each other (all 47 files passed this way on a quiet
 * machine in 636 s, against 1,187 s one at a time; see docs/testing.md).
 */
const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks',
} as const;

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: E2E,
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: E2E,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
