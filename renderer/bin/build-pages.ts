/**
 * `npm run build -w @payme/renderer [-- --if-stale] [-- --page till|owner]`: builds the cashier
 * app to `dist/till` and the owner web view to `dist/owner` (Vite, one build per page, each with
 * its own assets: the till host never serves the owner's, nor the server the till's).
 *
 * `--if-stale` builds only a page whose `index.html` is missing or older than a source it is
 * built from (its own folder, `src/common`, its html, the Vite config, the package manifest and
 * shared's sources). The root `prepare` script (run by `npm install` and `npm ci`), `npm start`
 * and the e2e harness all use it, so a fresh clone gets both pages and an up-to-date checkout
 * pays only for the check.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from '../vite.config.js';

const pages: readonly Page[] = ['till', 'owner'];

const renderer_root = path.resolve(import.meta.dirname, '..');
const repo_root = path.resolve(renderer_root, '..');

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

function pageIndex(page: Page): string {
  return path.join(renderer_root, 'dist', page, 'index.html');
}

function pageStale(page: Page): boolean {
  const built = pageIndex(page);
  if (!existsSync(built)) return true;
  const sources = [`src/${page}`, 'src/common', `${page}.html`, 'vite.config.ts', 'package.json'].map((part) => path.join(renderer_root, part));
  sources.push(path.join(repo_root, 'shared', 'src'));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false }, page: { type: 'string', multiple: true } } });
  const chosen = (values.page ?? [...pages]) as Page[];
  const unknown = chosen.filter((page) => !(pages as readonly string[]).includes(page));
  if (unknown.length > 0) throw new Error(`--page: ${unknown.join(', ')} is not a page (${pages.join(', ')})`);
  // A production build whatever NODE_ENV the caller had (see productionNodeEnv in vite.config.ts).
  process.env.NODE_ENV = 'production';
  for (const page of chosen) {
    if (values['if-stale'] && !pageStale(page)) {
      console.log(`renderer: dist/${page} is up to date`);
      continue;
    }
    // Loaded only when a page needs building: the up-to-date check stays a few milliseconds.
    const [{ build }, { pageConfig }] = await Promise.all([import('vite'), import('../vite.config.js')]);
    await build({ ...pageConfig(page), configFile: false, mode: 'production', logLevel: 'warn' });
    console.log(`renderer: built dist/${page}`);
  }
}

main().catch((error: unknown) => {
  console.error(`renderer build failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
