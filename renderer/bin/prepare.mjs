#!/usr/bin/env node
// The root `prepare` script (npm runs it after `npm install` and `npm ci`): builds whichever of
// the two pages (the cashier app, the owner web view) is missing or older than its sources, so a
// fresh clone serves both with no further step, and an up-to-date checkout pays only the check.
// An install without dev dependencies (no Vite, no tsx) cannot build: it says so and goes on,
// because a failing prepare would fail the whole install.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const renderer = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(renderer, 'package.json'));
const missing = ['vite', 'tsx'].filter((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  console.warn(`renderer: not building the pages (${missing.join(', ')} not installed: an install without dev dependencies). Run \`npm run build -w @payme/renderer\` where they are.`);
  process.exit(0);
}
const built = spawnSync(process.execPath, ['--import', 'tsx', path.join(renderer, 'bin', 'build-pages.ts'), '--if-stale'], { cwd: renderer, stdio: 'inherit' });
process.exit(built.status ?? 1);
