/**
 * `npm start` stops all of its processes however it is ended (issue 17). Killing the `npm start`
 * process with SIGTERM used to leave `npm run`, tsx, the demo, the sync server, the simulator and
 * the till running, with their ports held: npm does not pass SIGTERM on. Here the real command
 * runs on a copy of the e2e demo database and is ended twice: SIGTERM to npm itself (the demo
 * sees a process above it go), then SIGKILL to the demo's own process (its children see their
 * stdin close). Each time every process under npm must be gone and every port free.
 * SIGINT, SIGTERM and SIGHUP to the demo itself: electron/src/cli/parent-watch.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { demoTemplate } from '../src/harness/demo-stack.js';
import { freePort } from '../src/harness/free-port.js';
import { repo_root } from '../src/harness/renderer-build.js';
import { waitFor } from '../src/harness/wait-for.js';

const start_timeout_ms = 180_000;
// Each child stops itself within its 10 s grace (parent-watch.ts); on a loaded CI machine the
// start of that takes a while, so the wait is generous: a passing run does not wait it out.
const stop_timeout_ms = 60_000;

/** Every process below `root` (Linux /proc), with its command line. */
function descendants(root: number): { pid: number; cmd: string }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: { pid: number; cmd: string }[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      let cmd: string;
      try {
        cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      } catch {
        continue;
      }
      found.push({ pid: child, cmd });
      walk(child);
    }
  };
  walk(root);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** A process's state letter and what it waits in (Linux /proc), for a failure message. */
function procState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const wchan = readFileSync(`/proc/${pid}/wchan`, 'utf8');
    return `state ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]} wchan ${wchan || '-'}`;
  } catch {
    return 'state unknown';
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

interface Demo {
  dir: string;
  npm: ChildProcess;
  ports: number[];
  output: () => string;
}

async function startDemo(dir: string, ports: number[]): Promise<Demo> {
  const [server, sim, till] = ports as [number, number, number];
  const npm = spawn('npm', ['start', '--', '--dir', dir, '--server-port', String(server), '--sim-port', String(sim), '--till-port', String(till), '--browser'], {
    cwd: repo_root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(async () => {
    if (npm.exitCode !== null) throw new Error(`npm start exited (${npm.exitCode}) before the demo was up:\n${output}`);
    return output.includes('Ctrl-C') ? true : null;
  }, start_timeout_ms, 500);
  return { dir, npm, ports, output: () => output };
}

/** The last lines of each of the demo's logs, for a failure message. */
function logTails(dir: string): string {
  const logs = path.join(dir, 'logs');
  return readdirSync(logs)
    .map((name) => `--- ${name}\n${readFileSync(path.join(logs, name), 'utf8').split('\n').slice(-8).join('\n')}`)
    .join('\n');
}

async function expectAllGone(demo: Demo, pids: { pid: number; cmd: string }[]): Promise<void> {
  await waitFor(async () => (pids.every((p) => !alive(p.pid)) ? true : null), stop_timeout_ms, 250).catch(() => undefined);
  const left = pids.filter((p) => alive(p.pid));
  // What is left, and in what state, comes first: a CI report may keep only the start of the message.
  const states = left.map((p) => `${p.pid} ${procState(p.pid)} ${p.cmd}`).join('\n');
  expect(left.map((p) => p.cmd), `still running ${stop_timeout_ms} ms after the demo was ended:\n${states}\nits output:\n${demo.output()}\n${logTails(demo.dir)}`).toEqual([]);
  for (const port of demo.ports) expect(await listening(port), `port ${port} is still held`).toBe(false);
}

describe('npm start ends with all of its processes', () => {
  let leftover: number[] = [];
  afterAll(() => {
    for (const pid of leftover) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('SIGTERM to npm, then SIGKILL to the demo process: no process and no port is left behind either time', async () => {
    const template = await demoTemplate();
    const dir = mkdtempSync(path.join(inject('payme_e2e_dir'), 'npm-start-'));
    mkdirSync(dir, { recursive: true });
    cpSync(template.data, path.join(dir, 'server'), { recursive: true });
    writeFileSync(path.join(dir, 'demo-logins.json'), JSON.stringify(template.logins));
    const ports = [await freePort(), await freePort(), await freePort()];

    const first = await startDemo(dir, ports);
    const firstPids = descendants(first.npm.pid!);
    leftover = firstPids.map((p) => p.pid);
    // The demo really runs its three servers under npm.
    expect(firstPids.filter((p) => /payme-server\.mjs serve|payme-daraja-sim|payme-till\.mjs serve/.test(p.cmd))).toHaveLength(3);
    for (const port of ports) expect(await listening(port)).toBe(true);
    first.npm.kill('SIGTERM');
    await expectAllGone(first, firstPids);

    const second = await startDemo(dir, ports);
    const secondPids = descendants(second.npm.pid!);
    leftover = [second.npm.pid!, ...secondPids.map((p) => p.pid)];
    const demoProcess = secondPids.find((p) => p.cmd.includes('src/cli/start.ts') && !p.cmd.includes('.bin/tsx') && !p.cmd.startsWith('sh '));
    expect(demoProcess, secondPids.map((p) => p.cmd).join('\n')).toBeDefined();
    process.kill(demoProcess!.pid, 'SIGKILL');
    await expectAllGone(second, secondPids);
    second.npm.kill('SIGKILL');
  }, 2 * start_timeout_ms + 3 * stop_timeout_ms);
});
