/**
 * `npm run test:workspaces`: runs each workspace's `npm test` in the order of the root
 * package.json, one after another, and keeps going after a failure so one run shows every broken
 * workspace. Ends with a summary on stdout (workspace, result, seconds) and exits 1 when any
 * workspace failed: npm's own `--workspaces` run reports a failure only on stderr, far above the
 * end of a long CI log, which left a red CI run with no visible cause.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Outcome {
  workspace: string;
  status: number;
  seconds: number;
  /** Failed tests as vitest's JSON report named them, for the summary at the end of the log. */
  failures: string[];
}

interface VitestJsonReport {
  testResults?: {
    name?: string;
    status?: string;
    message?: string;
    assertionResults?: { fullName?: string; status?: string; failureMessages?: string[] }[];
  }[];
}

/** The failed tests of one workspace's JSON report, one line each with the first line of why. */
function failuresOf(reportFile: string, dir: string): string[] {
  if (!existsSync(reportFile)) return [];
  let report: VitestJsonReport;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJsonReport;
  } catch {
    return [`(the JSON report ${reportFile} could not be read)`];
  }
  const firstLine = (text: string | undefined) => (text ?? '').split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '';
  return (report.testResults ?? []).flatMap((file) => {
    const name = path.relative(path.join(repo_root, dir), file.name ?? '');
    const failed = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (failed.length === 0) return file.status === 'failed' ? [`${name}: ${firstLine(file.message)}`] : [];
    return failed.map((test) => `${name} > ${test.fullName ?? '?'}: ${firstLine(test.failureMessages?.[0])}`);
  });
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
  const reports = mkdtempSync(path.join(tmpdir(), 'payme-test-reports-'));
  for (const { dir, name } of workspacesWithTests()) {
    process.stdout.write(`\n== test: ${name} (${dir})\n`);
    const start = performance.now();
    // Every workspace's `npm test` is `vitest run …`: a JSON report beside the usual one lets
    // the summary name the failed tests at the end of the log, where CI's tail shows them.
    const reportFile = path.join(reports, `${dir.replace(/[^\w-]/g, '_')}.json`);
    const run = spawnSync('npm', ['test', '--silent', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`], {
      cwd: path.join(repo_root, dir),
      stdio: 'inherit',
    });
    const status = run.status ?? 1;
    if (run.error !== undefined) process.stdout.write(`== test: ${name} could not start: ${run.error.message}\n`);
    if (run.signal !== null) process.stdout.write(`== test: ${name} was killed by ${run.signal}\n`);
    outcomes.push({ workspace: name, status, seconds: Math.round((performance.now() - start) / 1000), failures: status === 0 ? [] : failuresOf(reportFile, dir) });
  }
  rmSync(reports, { recursive: true, force: true });
  process.stdout.write('\n== test summary\n');
  for (const outcome of outcomes) {
    process.stdout.write(`${outcome.status === 0 ? 'passed' : `FAILED (exit ${outcome.status})`}  ${outcome.workspace}  ${outcome.seconds} s\n`);
    for (const failure of outcome.failures) process.stdout.write(`    failed: ${failure}\n`);
    if (outcome.status !== 0 && outcome.failures.length === 0) {
      process.stdout.write('    no test failed: look above for an unhandled error, a coverage threshold or a crashed worker\n');
    }
  }
  const failed = outcomes.filter((outcome) => outcome.status !== 0);
  if (failed.length > 0) process.stdout.write(`== ${failed.length} workspace(s) failed: ${failed.map((f) => f.workspace).join(', ')}\n`);
  return failed.length === 0 && outcomes.length > 0 ? 0 : 1;
}

process.exitCode = main();
