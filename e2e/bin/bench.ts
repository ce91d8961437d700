/**
 * `npm run bench [-- <name> ...]`: runs every workspace's benchmarks, or only the named ones.
 *
 * A benchmark is a file `<workspace>/bench/<name>.bench.ts`. Each runs in its own child process
 * (`tsx <file>`, cwd = its workspace) so one benchmark's heap and JIT state never colour
 * another's. Its stdout must be JSON lines, one per scenario, each an object with `bench`
 * (= the file's name) and `scenario` (DESIGN §10); they are checked and forwarded to our stdout
 * unchanged, so `npm run bench` prints one JSON line per benchmark and scenario. Its stderr is
 * passed through for progress and diagnostics. Exits 1 when a benchmark fails or prints
 * something else, or when a name is unknown (listing the names that exist).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bench_suffix = '.bench.ts';

interface Benchmark {
  name: string;
  workspace: string;
  file: string;
}

function discoverBenchmarks(): Benchmark[] {
  const manifest = JSON.parse(readFileSync(path.join(repo_root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  const found: Benchmark[] = [];
  for (const workspace of manifest.workspaces ?? []) {
    const bench_dir = path.join(repo_root, workspace, 'bench');
    if (!existsSync(bench_dir)) continue;
    for (const entry of readdirSync(bench_dir).sort()) {
      if (!entry.endsWith(bench_suffix)) continue;
      found.push({ name: entry.slice(0, -bench_suffix.length), workspace: path.join(repo_root, workspace), file: path.join(bench_dir, entry) });
    }
  }
  const seen = new Map<string, string>();
  for (const bench of found) {
    const other = seen.get(bench.name);
    if (other !== undefined) throw new Error(`benchmark name ${bench.name} is used twice: ${other} and ${bench.file}`);
    seen.set(bench.name, bench.file);
  }
  return found;
}

/** Why a line of benchmark output is not a valid result, or null when it is. */
export function problemWithLine(line: string, bench: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (record['bench'] !== bench) return `"bench" must be "${bench}" (the file's name), got ${JSON.stringify(record['bench'])}`;
  if (typeof record['scenario'] !== 'string' || record['scenario'] === '') return '"scenario" must be a non-empty string';
  return null;
}

const tsx_cli = createRequire(import.meta.url).resolve('tsx/cli');

function runBenchmark(bench: Benchmark): Promise<{ ok: boolean; lines: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx_cli, bench.file], { cwd: bench.workspace, stdio: ['ignore', 'pipe', 'inherit'] });
    let ok = true;
    let lines = 0;
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (raw) => {
      const line = raw.trim();
      if (line === '') return;
      const problem = problemWithLine(line, bench.name);
      if (problem === null) {
        lines += 1;
        process.stdout.write(`${line}\n`);
      } else {
        ok = false;
        process.stderr.write(`bench ${bench.name}: invalid output line (${problem}): ${line}\n`);
      }
    });
    child.on('error', (error) => {
      process.stderr.write(`bench ${bench.name}: could not start: ${error.message}\n`);
      resolve({ ok: false, lines });
    });
    child.on('close', (code, signal) => {
      if (code !== 0) process.stderr.write(`bench ${bench.name}: exited with ${signal ?? `code ${code}`}\n`);
      resolve({ ok: ok && code === 0 && lines > 0, lines });
    });
  });
}

async function main(): Promise<number> {
  const available = discoverBenchmarks();
  const wanted = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = wanted.filter((name) => !available.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; available: ${available.map((bench) => bench.name).join(', ') || '(none)'}\n`);
    return 1;
  }
  const selected = wanted.length === 0 ? available : available.filter((bench) => wanted.includes(bench.name));
  let failed = 0;
  for (const bench of selected) {
    const { ok, lines } = await runBenchmark(bench);
    if (!ok) {
      failed += 1;
      if (lines === 0) process.stderr.write(`bench ${bench.name}: printed no result line\n`);
    }
  }
  if (failed > 0) process.stderr.write(`${failed} of ${selected.length} benchmarks failed\n`);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
