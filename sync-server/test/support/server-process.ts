/**
 * `payme-server serve` as a real process for the suites that need several (two instances on one
 * PostgreSQL) or another release's code (the rollback test): started on port 0, its address read
 * from its "payme-server listening" log line, its log kept in a file and in memory, stopped with
 * SIGTERM (SIGKILL after a grace).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const payme_server_bin = fileURLToPath(new URL('../../bin/payme-server.mjs', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly process: ChildProcess;
  /** Every log line so far (pino JSON, parsed where it parses). */
  readonly lines: ReadonlyArray<Record<string, unknown>>;
  readonly log_file: string;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** The `payme-server.mjs` to run (another checkout's for the rollback test). */
  bin?: string;
  cwd?: string;
  data: string;
  env: Record<string, string>;
  log_file: string;
  start_timeout_ms?: number;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const log = createWriteStream(options.log_file, { flags: 'a' });
  const child = spawn(process.execPath, [options.bin ?? payme_server_bin, 'serve', '--port', '0', '--data', options.data], {
    cwd: options.cwd,
    env: { ...process.env, LOG_LEVEL: 'info', PAYME_HASH_THREADS: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let onListening: ((url: string) => void) | null = null;
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  const read = (stream: NodeJS.ReadableStream) =>
    createInterface({ input: stream }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        if (parsed.msg === 'payme-server listening' && typeof parsed.address === 'string') onListening?.(parsed.address);
      } catch {
        lines.push({ text: line });
      }
    });
  if (child.stdout) read(child.stdout);
  if (child.stderr) read(child.stderr);
  const timeoutMs = options.start_timeout_ms ?? 90_000;
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    listening,
    exited.then((code) => Promise.reject(new Error(`payme-server exited (${code}) before listening; see ${options.log_file}`))),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`payme-server did not listen within ${timeoutMs} ms; see ${options.log_file}`)), timeoutMs))),
  ])
    .catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    })
    .finally(() => clearTimeout(timer));
  return {
    url,
    process: child,
    lines,
    log_file: options.log_file,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      log.end();
    },
  };
}

/** A JSON request to a server process: the status and the parsed body (`{}` when empty). */
export async function httpJson(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
