/**
 * The e2e tests drive the built cashier app (what `payme-till serve` serves): build it when
 * `renderer/dist/till` is missing or older than any of its sources (renderer and shared code).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const repo_root = path.resolve(import.meta.dirname, '../../..');
export const renderer_dist = path.join(repo_root, 'renderer', 'dist', 'till');

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) {
    if (child === 'node_modules' || child === 'dist' || child === 'coverage') continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

export function rendererStale(): boolean {
  const built = path.join(renderer_dist, 'index.html');
  if (!existsSync(built)) return true;
  const sources = ['renderer/src', 'renderer/till.html', 'renderer/vite.config.ts', 'renderer/package.json', 'shared/src'].map((part) => path.join(repo_root, part));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

export function ensureRendererBuilt(): void {
  if (!rendererStale()) return;
  // A production build whatever the caller's NODE_ENV (vitest sets it to test, which would give
  // React's development build: a bigger, slower bundle than cashiers get).
  const built = spawnSync('npm', ['run', 'build', '-w', '@payme/renderer'], {
    cwd: repo_root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`npm run build -w @payme/renderer failed:\n${built.stdout}\n${built.stderr}`);
}
