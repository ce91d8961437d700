import { defineConfig } from 'vitest/config';

// Coverage floors (DESIGN §10): 80 % of lines and branches for the ledger and the sync agent, enforced.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests run the ledger with its event schema check on (see src/ledger/outbox.ts).
    env: { PAYME_LEDGER_CHECK_EVENTS: '1' },
    // Every fast-check property prints its seed (shared/test/fast-check-seed.ts).
    setupFiles: ['../shared/test/fast-check-seed.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Crash and concurrency tests spawn processes; two cores are shared with other suites.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['src/ledger/**/*.ts', 'src/sync/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/sync/index.ts', 'src/sync/test-doubles/**'],
      // The ledger (issue 3) and the sync agent (issue 5) each hold their own floor.
      thresholds: {
        lines: 80,
        branches: 80,
        'src/ledger/**/*.ts': { lines: 80, branches: 80 },
        'src/sync/**/*.ts': { lines: 80, branches: 80 },
      },
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
