/**
 * `npm run test:workspaces`: runs each workspace's `npm test` in the order of the root
 * package.json, one after another, and keeps going after a failure so one run shows every broken
 * workspace. Ends with a summary on stdout (workspace, result, seconds) and exits 1 when any
 * workspace failed: npm's own `--workspaces` run reports a failure only on stderr, far above the
 * end of a long CI log, which left a red CI run with no visible cause.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Outcome {
  workspace: string;
  status: number;
  seconds: number;
}

function workspacesWithTests(): { dir: string; name: string }[] {
  const manifest = JSON.parse(readFileSync(path.join(repo_root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  return (manifest.workspaces ?? []).flatMap((dir) => {
    const file = path.join(repo_root, dir, 'package.json');
    if (!existsSync(file)) return [];
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; scripts?: Record<string, string> };
    return pkg.scripts?.['test'] === undefined ? [] : [{ dir, name: pkg.name ?? dir }];
  });
}

function main(): number {
  const outcomes: Outcome[] = [];
  for (const { dir, name } of workspacesWithTests()) {
    process.stdout.write(`\n== test: ${name} (${dir})\n`);
    const start = performance.now();
    const run = spawnSync('npm', ['test', '--silent'], { cwd: path.join(repo_root, dir), stdio: 'inherit' });
    const status = run.status ?? 1;
    if (run.error !== undefined) process.stdout.write(`== test: ${name} could not start: ${run.error.message}\n`);
    if (run.signal !== null) process.stdout.write(`== test: ${name} was killed by ${run.signal}\n`);
    outcomes.push({ workspace: name, status, seconds: Math.round((performance.now() - start) / 1000) });
  }
  process.stdout.write('\n== test summary\n');
  for (const outcome of outcomes) {
    process.stdout.write(`${outcome.status === 0 ? 'passed' : `FAILED (exit ${outcome.status})`}  ${outcome.workspace}  ${outcome.seconds} s\n`);
  }
  const failed = outcomes.filter((outcome) => outcome.status !== 0);
  if (failed.length > 0) process.stdout.write(`== ${failed.length} workspace(s) failed: ${failed.map((f) => f.workspace).join(', ')}\n`);
  return failed.length === 0 && outcomes.length > 0 ? 0 : 1;
}

process.exitCode = main();
