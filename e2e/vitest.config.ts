import { defineConfig } from 'vitest/config';

// End-to-end tests start real processes and a real browser: generous timeouts, one file at a
// time on the 2-core machines, and no coverage (they test from the outside).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // The built cashier app (rebuilt when stale) and a scratch folder for the till scenarios.
    globalSetup: ['src/harness/global-setup.ts'],
    // Every fast-check property prints its seed (shared/test/fast-check-seed.ts).
    setupFiles: ['../shared/test/fast-check-seed.ts'],
  },
});
