import { defineConfig } from 'vitest/config';

/**
 * Tests that play calls in real time or drive the command line as a process: the end-to-end calls,
 * the fault drills and the CLI. Everything else is the `unit` project.
 */
const E2E = ['test/e2e/**/*.test.ts', 'test/faults/**/*.test.ts', 'test/cli/**/*.test.ts'];

/** Options both projects share. */
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
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'tsconfig.json' },
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: E2E,
        },
      },
    ],
  },
});
