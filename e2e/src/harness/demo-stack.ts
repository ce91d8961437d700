/**
 * The processes `npm start` runs, for one e2e scenario: `payme-server serve` on a copy of a demo
 * database (`payme-server init --demo --json`, made once per run: init takes half a minute and
 * its enrollment code is single-use, so every scenario gets its own copy with a fresh code),
 * the Daraja simulator when it is there, and `payme-till serve` enrolled with the demo code.
 * Each process can be stopped, killed and started again on the same port.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { startChild, waitForHealthy, type Child } from '@payme/till/cli/child-processes';
import { parseInitOutput, workspaceBin, type DemoInit } from '@payme/till/cli/demo-plan';
import { configureDemoMpesa } from '@payme/till/cli/demo-setup';
import { freePort } from './free-port.js';
import { repo_root } from './renderer-build.js';
import { tillRpc } from './till-rpc.js';
import { waitFor } from './wait-for.js';

const server_start_timeout_ms = 90_000;
const init_timeout_ms = 120_000;

/** What init printed: the demo logins and ids (DESIGN §11 names the first seven). */
export type DemoLogins = DemoInit & { cashier_id: string; manager_id: string; owner_id: string };

function serverBin(): string {
  const bin = workspaceBin(repo_root, '@payme/sync-server', 'payme-server');
  if (bin === null) throw new Error('payme-server is not in this checkout (node_modules/@payme/sync-server)');
  return bin;
}

/** The demo database, made once per e2e run and copied for each scenario (and each `npm start` test). */
export async function demoTemplate(): Promise<{ data: string; logins: DemoLogins }> {
  const dir = path.join(inject('payme_e2e_dir'), 'template');
  const loginsFile = path.join(dir, 'demo-logins.json');
  if (!existsSync(loginsFile)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(loginsFile, JSON.stringify(await initDemoBusiness(path.join(dir, 'server'), path.join(dir, 'init.log'))));
  }
  return { data: path.join(dir, 'server'), logins: JSON.parse(readFileSync(loginsFile, 'utf8')) as DemoLogins };
}

/** `payme-server init --demo --json` on a stopped server's data: one more demo business in it. */
async function initDemoBusiness(serverData: string, logFile: string): Promise<DemoLogins> {
  const init = startChild('server-init', process.execPath, [serverBin(), 'init', '--demo', '--json', '--data', serverData], { log_file: logFile });
  const line = await init.firstJson(init_timeout_ms);
  const code = await init.exited;
  if (line === null || code !== 0) throw new Error(`payme-server init --demo failed (exit ${code}); see ${init.log_file}`);
  parseInitOutput(JSON.stringify(line));
  return line as unknown as DemoLogins;
}

export interface DemoStack {
  readonly dir: string;
  readonly logins: DemoLogins;
  readonly serverUrl: string;
  readonly serverData: string;
  readonly tillUrl: string;
  readonly tillData: string;
  readonly simulatorUrl: string | null;
  /** A second demo business on the same server (`secondBusiness`), with no till: a stranger to the first. */
  readonly other: DemoLogins | null;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  startTill(): Promise<void>;
  /**
   * One more `payme-till serve` on this server, enrolled with `code` (one the owner made). With
   * `clockOffsetFile`, the till's wall clock is the real one plus what that file holds (see
   * shiftClock). Stopped with the stack, or earlier by its stop().
   */
  startAnotherTill(options: { name: string; code: string; clockOffsetFile?: string }): Promise<{ url: string; stop(): Promise<void> }>;
  /** SIGKILL: no shutdown handler runs (a power cut, a crash). */
  killTill(): Promise<void>;
  stop(): Promise<void>;
}

export interface DemoStackOptions {
  /** Point the demo business's M-Pesa account at this stack's Daraja simulator (as `npm start` does). */
  mpesa?: boolean;
  /** Create a second demo business in the same database before the server starts (tenant isolation). */
  secondBusiness?: boolean;
  /** The first till's data folder (default: `till` in the stack's folder), e.g. one on the power-cut filesystem. It is not made here: the till makes it. */
  tillData?: string;
}

export async function startDemoStack(name: string, options: DemoStackOptions = {}): Promise<DemoStack> {
  const template = await demoTemplate();
  const dir = mkdtempSync(path.join(inject('payme_e2e_dir'), `${name}-`));
  const logs = path.join(dir, 'logs');
  mkdirSync(logs);
  const serverData = path.join(dir, 'server');
  cpSync(template.data, serverData, { recursive: true });
  const tillData = options.tillData ?? path.join(dir, 'till');
  const [serverPort, simPort] = [await freePort(), await freePort()];
  // A till picks its own port (0) the first time, so no other process can take a port chosen for
  // it in between (a run with npm run sim beside it once lost that race); a restart keeps it.
  let tillPort = 0;
  const serverUrl = `http://127.0.0.1:${serverPort}`;
  let server: Child | null = null;
  let till: Child | null = null;
  let simulator: Child | null = null;
  let tillUrl = '';
  const others: Child[] = [];
  const other = options.secondBusiness === true ? await initDemoBusiness(serverData, path.join(logs, 'init-other.log')) : null;

  const startServer = async () => {
    server = startChild('server', process.execPath, [serverBin(), 'serve', '--data', serverData, '--port', String(serverPort)], { log_file: path.join(logs, 'server.log') });
    if (!(await waitForHealthy(`${serverUrl}/healthz`, server, server_start_timeout_ms, (ms) => sleep(ms)))) {
      throw new Error(`the sync server did not come up on ${serverUrl}; see ${server.log_file}`);
    }
  };
  /** `payme-till serve` enrolled with `code`, once its first pull brought the staff; its URL. */
  const serveTill = async (name: string, data: string, port: number, code: string, nodeArgs: string[] = [], env: NodeJS.ProcessEnv = process.env) => {
    const args = ['serve', '--server', serverUrl, '--data', data, '--port', String(port), '--json', '--enroll-code', code, '--name', name];
    const child = startChild(name, process.execPath, [...nodeArgs, path.join(repo_root, 'electron', 'bin', 'payme-till.mjs'), ...args], { log_file: path.join(logs, `${name.toLowerCase().replaceAll(' ', '-')}.log`), env });
    const ready = await child.firstJson(60_000);
    if (ready === null || typeof ready.till_url !== 'string' || ready.enrolled !== true) {
      // The log goes with the folder when the run ends: what it says is in the message.
      await Promise.race([child.exited, sleep(2_000)]);
      throw new Error(`payme-till serve did not start enrolled; ${child.log_file} ends:\n${tailOf(child.log_file)}\nthe server's log ends:\n${tailOf(path.join(logs, 'server.log'))}`);
    }
    const url = ready.till_url;
    // The staff and the catalogue come with the sync agent's first pull after enrollment.
    await waitFor(async () => ((await tillRpc(url, 'tillProfile', {})).staff.length > 0 ? true : null), 60_000);
    return { child, url };
  };
  const startTill = async () => {
    const started = await serveTill('Till 1', tillData, tillPort, template.logins.enrollment_code);
    tillPort = Number(new URL(started.url).port);
    till = started.child;
    tillUrl = started.url;
  };
  const startAnotherTill: DemoStack['startAnotherTill'] = async ({ name, code, clockOffsetFile }) => {
    const shifted = clockOffsetFile === undefined ? {} : { nodeArgs: ['--import', pathToFileURL(shifted_clock).href], env: { ...process.env, PAYME_E2E_CLOCK_OFFSET_FILE: clockOffsetFile } };
    const data = mkdtempSync(path.join(dir, 'till-'));
    const { child, url } = await serveTill(name, data, 0, code, shifted.nodeArgs, shifted.env);
    others.push(child);
    return { url, stop: () => child.stop() };
  };
  const startSimulator = async (): Promise<string | null> => {
    const bin = workspaceBin(repo_root, '@payme/sync-server', 'payme-daraja-sim');
    if (bin === null) return null;
    simulator = startChild('daraja-sim', process.execPath, [bin, '--port', String(simPort)], { log_file: path.join(logs, 'daraja-sim.log') });
    return (await simulator.firstJson(60_000)) === null ? null : `http://127.0.0.1:${simPort}`;
  };

  await startServer();
  const simulatorUrl = await startSimulator();
  if (options.mpesa === true) {
    if (simulatorUrl === null) throw new Error('the Daraja simulator (payme-daraja-sim) did not start; M-Pesa scenarios need it');
    await configureDemoMpesa((url, init) => fetch(url, init), serverUrl, { email: template.logins.owner_email, password: template.logins.owner_password }, simulatorUrl);
  }
  await startTill();
  return {
    dir,
    logins: template.logins,
    serverUrl,
    serverData,
    get tillUrl() {
      return tillUrl;
    },
    tillData,
    simulatorUrl,
    other,
    startServer,
    stopServer: async () => {
      await server?.stop();
    },
    startTill,
    startAnotherTill,
    killTill: async () => {
      const child = till as Child | null;
      if (child === null) return;
      child.process.kill('SIGKILL');
      await child.exited;
    },
    stop: async () => {
      for (const child of [...others, till, simulator, server] as (Child | null)[]) await child?.stop();
    },
  };
}

const shifted_clock = path.join(path.dirname(fileURLToPath(import.meta.url)), 'shifted-clock.mjs');

/** Sets the clock of the processes started with this offset file: real time plus `offsetMs`, at once. */
export function shiftClock(offsetFile: string, offsetMs: number): void {
  // Written beside it and renamed over it: the process reads it at every Date.now().
  writeFileSync(`${offsetFile}.next`, String(Math.round(offsetMs)));
  renameSync(`${offsetFile}.next`, offsetFile);
}

/** The last lines of a log file, for a failure message (the folder is gone once the run ends). */
function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
