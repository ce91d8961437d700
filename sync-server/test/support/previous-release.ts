/**
 * The previous release's server code, for the rollback test (DESIGN §13: release N−1 runs on
 * schema N): a `git worktree` of the commit before the one that added the newest migration, with
 * a node_modules that links every installed package of this checkout except the workspaces
 * (`@payme/*`), which link to the old checkout's own folders, so the old server runs its own
 * sources of every workspace through tsx.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMigrations, migrations_dir } from '../../src/db/migrate.js';

export const repo_root = fileURLToPath(new URL('../../../', import.meta.url));

export interface PreviousRelease {
  /** The commit checked out: the parent of `newest_commit`. */
  commit: string;
  /** The commit that added the newest migration. */
  newest_commit: string;
  newest_migration: string;
  /** The old checkout's root. */
  dir: string;
  /** Its `payme-server.mjs`. */
  bin: string;
  remove(): void;
}

function git(args: string[]): string {
  return execFileSync('git', ['-C', repo_root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Why the previous release cannot be checked out here, or null when it can. */
export function previousReleaseUnavailable(): string | null {
  try {
    git(['rev-parse', '--git-dir']);
  } catch {
    return 'this checkout is not a git repository (the rollback test checks out the previous release with git worktree)';
  }
  if (git(['rev-parse', '--is-shallow-repository']) === 'true') return 'this clone is shallow: the commit before the newest migration may be missing (clone with full history)';
  return null;
}

export async function newestMigrationFile(): Promise<string> {
  const all = await loadMigrations();
  const newest = all.at(-1);
  if (!newest) throw new Error('no migrations');
  return `${String(newest.version).padStart(3, '0')}_${newest.name}.sql`;
}

/** Checks the previous release out into `into` (a folder that does not exist yet). */
export async function checkOutPreviousRelease(into: string): Promise<PreviousRelease> {
  const newest_migration = await newestMigrationFile();
  const file = path.relative(repo_root, path.join(migrations_dir, newest_migration));
  const newest_commit = git(['log', '-1', '--format=%H', '--diff-filter=A', '--', file]);
  if (newest_commit === '') throw new Error(`git log finds no commit that added ${file} (is it committed?)`);
  const commit = git(['rev-parse', `${newest_commit}^`]);
  git(['worktree', 'add', '--detach', into, commit]);
  linkNodeModules(path.join(repo_root, 'node_modules'), path.join(into, 'node_modules'));
  const bin = path.join(into, 'sync-server', 'bin', 'payme-server.mjs');
  if (!existsSync(bin)) throw new Error(`the previous release (${commit}) has no sync-server/bin/payme-server.mjs`);
  return {
    commit,
    newest_commit,
    newest_migration,
    dir: into,
    bin,
    remove() {
      git(['worktree', 'remove', '--force', into]);
    },
  };
}

/** This checkout's packages for the old one; its workspace links (relative) point into the old one. */
function linkNodeModules(from: string, to: string): void {
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    if (name === '@payme') {
      mkdirSync(target);
      for (const workspace of readdirSync(source)) {
        const link = path.join(source, workspace);
        if (lstatSync(link).isSymbolicLink()) symlinkSync(readlinkSync(link), path.join(target, workspace));
      }
    } else symlinkSync(source, target);
  }
}
