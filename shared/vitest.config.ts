import { defineConfig } from 'vitest/config';

// Coverage of the shared domain model is a promise of the foundation issue: 80 % of lines and
// branches, enforced (the run fails below it). Index files only re-export and schemas/ index
// likewise; nothing else is excluded.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Every fast-check property prints its seed (test/fast-check-seed.ts).
    setupFiles: ['test/fast-check-seed.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/index.ts', 'src/**/*.d.ts', 'src/**/types.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 80, branches: 80 },
    },
  },
});
