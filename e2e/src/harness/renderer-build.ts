/**
 * The e2e tests drive the built pages: the cashier app (what `payme-till serve` serves) and the
 * owner web view (what `payme-server serve` serves at `/`). The renderer's own build script
 * decides what is stale (`--if-stale`: a page older than any of its sources, renderer and shared
 * code alike), so the harness, `npm install` and `npm start` keep one rule.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const repo_root = path.resolve(import.meta.dirname, '../../..');
export const renderer_dist = path.join(repo_root, 'renderer', 'dist', 'till');
export const owner_view_dist = path.join(repo_root, 'renderer', 'dist', 'owner');

export function ensureRendererBuilt(): void {
  // A production build whatever the caller's NODE_ENV (vitest sets it to test, which would give
  // React's development build: a bigger, slower bundle than cashiers get); the script sets it too.
  const built = spawnSync('npm', ['run', 'build', '-w', '@payme/renderer', '--silent', '--', '--if-stale'], {
    cwd: repo_root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build -w @payme/renderer failed:\n${built.stdout}\n${built.stderr}`);
}
