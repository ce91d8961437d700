/**
 * The bench runner (`npm run bench`, e2e/bin/bench.ts): validates each benchmark's output,
 * refuses unknown names with the list of known ones, and forwards one JSON line per scenario.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemWithLine } from '../bin/bench.js';

const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx_cli = createRequire(import.meta.url).resolve('tsx/cli');

function runBench(...names: string[]) {
  return spawnSync(process.execPath, [tsx_cli, 'e2e/bin/bench.ts', ...names], { cwd: repo_root, encoding: 'utf8', timeout: 120_000 });
}

describe('problemWithLine', () => {
  it('accepts an object naming its benchmark and scenario', () => {
    expect(problemWithLine('{"bench":"till-sale","scenario":"file-wal-full","p50_ms":1.2}', 'till-sale')).toBeNull();
  });

  it.each([
    ['p50_ms=3', 'not JSON'],
    ['[1,2]', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['{"bench":"other","scenario":"x"}', '"bench" must be "till-sale"'],
    ['{"bench":"till-sale"}', '"scenario" must be'],
    ['{"bench":"till-sale","scenario":""}', '"scenario" must be'],
  ])('refuses %s', (line, problem) => {
    expect(problemWithLine(line, 'till-sale')).toContain(problem);
  });
});

describe('npm run bench', () => {
  it('exits 1 on an unknown name and lists the available ones', () => {
    const run = runBench('no-such-bench');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown benchmark no-such-bench');
    expect(run.stderr).toContain('event-hash');
    expect(run.stdout).toBe('');
  });

  it('runs the named benchmark and prints one JSON line per scenario with the DESIGN §10 fields', () => {
    const run = runBench('event-hash');
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(result).toMatchObject({ bench: 'event-hash', scenario: 'node', n: 10_000 });
    for (const field of ['p50_ms', 'p99_ms', 'ops_per_s', 'ratio'] as const) {
      expect(result[field], field).toBeGreaterThan(0);
    }
    const baseline = result['baseline'] as Record<string, number>;
    expect(baseline['p50_ms']).toBeGreaterThan(0);
    expect(result['ratio']).toBeCloseTo((result['p50_ms'] as number) / baseline['p50_ms']!, 1);
  });
});
