/**
 * The demo's child processes: each one's output goes to its own log file under the demo folder
 * (the terminal keeps the summary readable), a first JSON line can be awaited, and stopping is
 * SIGTERM, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { stop_with_parent_env } from './parent-watch.js';

export const stop_grace_ms = 10_000;

export interface Child {
  name: string;
  process: ChildProcess;
  log_file: string;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>;
  /** Resolves once the log file holds everything the child wrote and is closed. */
  log_closed: Promise<void>;
  /** The first stdout line that parses as a JSON object, or null if the process exits first. */
  firstJson(timeoutMs: number): Promise<Record<string, unknown> | null>;
  stop(): Promise<void>;
}

export function startChild(name: string, command: string, args: readonly string[], options: { log_file: string; env?: NodeJS.ProcessEnv; cwd?: string }): Child {
  const log = createWriteStream(options.log_file, { flags: 'a', mode: 0o600 });
  // stdin is a pipe the demo never writes to: when the demo is gone, however it ended (SIGKILL
  // too), the pipe closes and the child stops itself (parent-watch.ts).
  const env = { ...(options.env ?? process.env), [stop_with_parent_env]: '1' };
  const child = spawn(command, [...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr?.pipe(log, { end: false });
  const jsonLines: Record<string, unknown>[] = [];
  const waiters: ((value: Record<string, unknown> | null) => void)[] = [];
  if (child.stdout !== null) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      if (!line.trimStart().startsWith('{')) return;
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
          jsonLines.push(value as Record<string, unknown>);
          for (const waiter of waiters.splice(0)) waiter(value as Record<string, unknown>);
        }
      } catch {
        // Not JSON after all: only logged.
      }
    });
  }
  const log_closed = new Promise<void>((resolve) => log.on('close', () => resolve()));
  let logEnded = false;
  const endLog = () => {
    if (logEnded) return;
    logEnded = true;
    log.end();
  };
  // The log ends once the child's pipes have closed, not at its exit: what it wrote just before
  // exiting may still be in the pipes then, and would be lost.
  child.on('close', endLog);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const waiter of waiters.splice(0)) waiter(null);
      resolve(code ?? signal ?? 'unknown');
    });
    child.on('error', (error) => {
      if (!logEnded) log.write(`${name} could not start: ${error.message}\n`);
      for (const waiter of waiters.splice(0)) waiter(null);
      resolve('spawn_failed');
      endLog();
    });
  });
  return {
    name,
    process: child,
    log_file: options.log_file,
    exited,
    log_closed,
    firstJson(timeoutMs) {
      if (jsonLines[0] !== undefined) return Promise.resolve(jsonLines[0]);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(null);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        waiters.push((value) => {
          clearTimeout(timer);
          resolve(value);
        });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stop_grace_ms);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx, the child dies, or time runs out. */
export async function waitForHealthy(url: string, child: Child, timeoutMs: number, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void child.exited.then(() => (dead = true));
  while (!dead && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await sleep(500);
  }
  return false;
}
