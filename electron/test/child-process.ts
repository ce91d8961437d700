/**
 * Runs test/ledger-child.ts as a real process. It is bundled once per test file with esbuild
 * (better-sqlite3 stays external and resolves through NODE_PATH), because starting a child
 * through the TypeScript loader costs most of a second, and the crash test starts a hundred.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo_node_modules = path.resolve(here, '../../node_modules');

export async function bundleChild(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'ledger-child.cjs');
  await build({
    entryPoints: [path.join(here, 'ledger-child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['better-sqlite3'],
    logLevel: 'error',
  });
  return outfile;
}

export function spawnChild(bundle: string, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bundle, ...args], {
    env: { ...process.env, NODE_PATH: repo_node_modules },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Resolves with the first line equal to `line` on the child's stdout, or rejects on exit. */
export function waitForLine(child: ChildProcessWithoutNullStreams, line: string, onLine?: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let index = buffer.indexOf('\n');
      while (index >= 0) {
        const text = buffer.slice(0, index);
        buffer = buffer.slice(index + 1);
        onLine?.(text);
        if (text === line) resolve();
        index = buffer.indexOf('\n');
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before "${line}": ${stderr}`)));
  });
}
