/**
 * `npm start`: the whole demo on one machine (DESIGN §9, §11). The sync server on embedded
 * PGlite (`init --demo --json` on the first run), the Daraja simulator when it is there, one
 * enrolled till (Electron when its runtime is present, otherwise the browser host), then the
 * till's URL, the server's URL and the demo logins. Data persists in one folder (`.payme/demo`
 * under the repository root); Ctrl-C, SIGTERM or SIGHUP stops everything, and so does the end of
 * the process that started it (parent-watch.ts).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPaymeError } from '@payme/shared';
import { rendererBuilt, default_renderer_dir } from '../host/renderer-files.js';
import { readJsonFile, writeFileDurably } from '../host/durable-file.js';
import { openTillHost } from '../host/till-host.js';
import { startTillSync } from '../host/till-sync.js';
import { repositoryReleaseVersion } from '../host/release-version.js';
import { startChild, waitForHealthy, type Child } from './child-processes.js';
import { stopWithParentOrSignal } from './parent-watch.js';
import { bookOpeningCredit, configureDemoMpesa, receiveOpeningStock, type OpeningStockResult, type TillCall } from './demo-setup.js';
import { demoInitSchema, demoPaths, demoSummary, findElectronBinary, parseInitOutput, parseStartOptions, start_usage, workspaceBin, type DemoInit, type StartOptions } from './demo-plan.js';

const repo_root = path.resolve(import.meta.dirname, '../../..');
const server_start_timeout_ms = 180_000;
const children: Child[] = [];

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

class DemoFailure extends Error {}

function logFile(options: StartOptions, name: string): string {
  const dir = path.join(options.demo_dir, 'logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, `${name}.log`);
}

/** The first run creates the demo business; later runs reuse its logins. */
async function demoLogins(options: StartOptions, serverBin: string): Promise<DemoInit> {
  const paths = demoPaths(options.demo_dir);
  const kept = readJsonFile(paths.demo_file, demoInitSchema, {
    what: "the demo shop's logins",
    remedy: `Delete ${options.demo_dir} to create the demo shop afresh.`,
  });
  if (kept !== null) return kept;
  say('First run: creating the demo shop (this takes a minute)…');
  const init = startChild('server-init', process.execPath, [serverBin, 'init', '--demo', '--json', '--data', paths.server_data, '--port', String(options.server_port)], {
    log_file: logFile(options, 'server-init'),
  });
  const line = await init.firstJson(server_start_timeout_ms);
  const code = await init.exited;
  if (line === null || code !== 0) throw new DemoFailure(`payme-server init --demo failed (exit ${code}); see ${init.log_file}`);
  const logins = parseInitOutput(JSON.stringify(line));
  // Passwords and PINs of a demo shop: still kept from other users of this PC.
  writeFileDurably(paths.demo_file, `${JSON.stringify(line, null, 2)}\n`, { mode: 0o600 });
  return logins;
}

async function startServer(options: StartOptions, serverBin: string): Promise<string> {
  const url = `http://127.0.0.1:${options.server_port}`;
  const server = startChild('server', process.execPath, [serverBin, 'serve', '--data', demoPaths(options.demo_dir).server_data, '--port', String(options.server_port)], {
    log_file: logFile(options, 'server'),
  });
  children.push(server);
  if (!(await waitForHealthy(`${url}/healthz`, server, server_start_timeout_ms, (ms) => sleep(ms)))) {
    throw new DemoFailure(`the sync server did not come up on ${url} (is the port taken?); see ${server.log_file}`);
  }
  return url;
}

async function startSimulator(options: StartOptions): Promise<string | null> {
  const simBin = workspaceBin(repo_root, '@payme/sync-server', 'payme-daraja-sim');
  if (simBin === null) {
    say('Note: the Daraja simulator (payme-daraja-sim) is not there; M-Pesa payments will not complete in this demo.');
    return null;
  }
  const sim = startChild('daraja-sim', process.execPath, [simBin, '--port', String(options.sim_port)], { log_file: logFile(options, 'daraja-sim') });
  children.push(sim);
  const ready = await sim.firstJson(60_000);
  if (ready === null) {
    say(`Note: the Daraja simulator did not start; see ${sim.log_file}. Carrying on without it.`);
    return null;
  }
  return `http://127.0.0.1:${options.sim_port}`;
}

/**
 * Enrolls the demo till with the first run's one-time code (done here, so Electron starts
 * enrolled), lets its first sync bring the staff and catalogue, and has the manager receive the
 * shop's first delivery (skipped once the till holds stock), pushed before the till starts.
 */
async function prepareTill(options: StartOptions, serverUrl: string, logins: DemoInit): Promise<OpeningStockResult> {
  const host = openTillHost(demoPaths(options.demo_dir).till_data);
  const sync = startTillSync(host, { appVersion: repositoryReleaseVersion() });
  try {
    if (host.device() === null) {
      const result = await host.call('enroll', { server_url: serverUrl, code: logins.enrollment_code, name: 'Till 1' });
      if (!result.ok) {
        throw new DemoFailure(`the demo till could not enroll (${result.error.code}: ${result.error.message}). Delete ${options.demo_dir} to start the demo over.`);
      }
    }
    const call: TillCall = async (method, input) => {
      const result = await host.call(method, input);
      if (!result.ok) throw new DemoFailure(`${method}: ${result.error.code}: ${result.error.message}`);
      return result.value as never;
    };
    if (!(await waitUntil(async () => (await call('tillProfile', {})).staff.length > 0, till_sync_timeout_ms))) {
      return { skipped: 'the till\'s first sync did not bring the staff in time' };
    }
    const stocked = await receiveOpeningStock(call, logins.manager_pin, () => randomUUID());
    // The customers come with the same first sync as the staff; a till that has none yet skips this.
    await bookOpeningCredit(call, logins.manager_pin, () => randomUUID());
    // The delivery reaches the server before the till process takes the ledger over.
    await waitUntil(async () => host.unsyncedCount() === 0, till_sync_timeout_ms);
    return stocked;
  } finally {
    await sync.stop();
    host.close();
  }
}

const till_sync_timeout_ms = 60_000;

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(250);
  }
  return false;
}

/** Points the demo business's M-Pesa at this run's simulator (its port may differ between runs). */
async function configureMpesa(serverUrl: string, simUrl: string | null, logins: DemoInit): Promise<string> {
  if (simUrl === null) return 'M-Pesa: not configured (no simulator)';
  try {
    const { till_number } = await configureDemoMpesa((url, init) => fetch(url, init), serverUrl, { email: logins.owner_email, password: logins.owner_password }, simUrl);
    return `M-Pesa: the demo business pays through the Daraja simulator at ${simUrl} (till ${till_number}, made-up credentials)`;
  } catch (error) {
    return `M-Pesa: could not be configured (${error instanceof Error ? error.message : String(error)}); STK payments will say M-Pesa is unavailable`;
  }
}

/** Both pages (cashier app, owner view), built when missing or older than their sources. */
function ensurePagesBuilt(): void {
  const built = spawnSync('npm', ['run', 'build', '-w', '@payme/renderer', '--silent', '--', '--if-stale'], { cwd: repo_root, stdio: 'inherit' });
  if (built.status !== 0 || !rendererBuilt(default_renderer_dir)) throw new DemoFailure('the cashier app and owner view did not build: run `npm run build -w @payme/renderer` and read its errors');
}

async function startTill(options: StartOptions, serverUrl: string): Promise<{ url: string; kind: 'electron' | 'browser' }> {
  const tillData = demoPaths(options.demo_dir).till_data;
  const electronDir = path.join(repo_root, 'node_modules', 'electron');
  const electron = options.force_browser ? null : findElectronBinary(process.env, existsSync(electronDir) ? electronDir : null, process.platform);
  if (electron !== null) {
    const { buildElectron } = await import('./build-electron.js');
    const main = await buildElectron();
    const till = startChild('till-electron', electron, [main, '--data', tillData], { log_file: logFile(options, 'till'), env: { ...process.env, PAYME_TILL_RENDERER: default_renderer_dir } });
    children.push(till);
    return { url: 'electron', kind: 'electron' };
  }
  say('No Electron runtime on this machine: serving the till to a browser instead.');
  const tillBin = path.join(repo_root, 'electron', 'bin', 'payme-till.mjs');
  const till = startChild('till', process.execPath, [tillBin, 'serve', '--server', serverUrl, '--data', tillData, '--port', String(options.till_port), '--json'], {
    log_file: logFile(options, 'till'),
  });
  children.push(till);
  const ready = await till.firstJson(60_000);
  if (ready === null || typeof ready.till_url !== 'string') throw new DemoFailure(`the till did not start (is port ${options.till_port} taken?); see ${till.log_file}`);
  return { url: ready.till_url, kind: 'browser' };
}

let stopping: Promise<void> | null = null;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    // The till first (it syncs its last events on the way out), the server last.
    for (const child of [...children].reverse()) await child.stop();
  })();
  return stopping;
}

async function main(): Promise<number> {
  const options = parseStartOptions(process.argv.slice(2), process.env, repo_root);
  if (options.help) {
    say(start_usage);
    return 0;
  }
  const serverBin = workspaceBin(repo_root, '@payme/sync-server', 'payme-server');
  if (serverBin === null) throw new DemoFailure('the sync server (payme-server) is not in this checkout yet; `npx payme-till serve --server URL --data DIR` runs a till against another server');
  mkdirSync(options.demo_dir, { recursive: true, mode: 0o700 });
  stopWithParentOrSignal((why) => {
    say(`\nStopping the demo (${why})…`);
    void stopAll().then(() => process.exit(0));
  });
  ensurePagesBuilt();
  const logins = await demoLogins(options, serverBin);
  const serverUrl = await startServer(options, serverBin);
  const simUrl = await startSimulator(options);
  say(await configureMpesa(serverUrl, simUrl, logins));
  const stocked = await prepareTill(options, serverUrl, logins);
  say('received' in stocked ? `Opening stock: the manager received the first delivery of ${stocked.received} products at the till` : `Opening stock: skipped (${stocked.skipped})`);
  const till = await startTill(options, serverUrl);
  say(demoSummary(logins, { till: till.url, server: serverUrl, simulator: simUrl }, till.kind, options.demo_dir));
  // Any child that dies takes the demo down with it, saying which and where its log is.
  const first = await Promise.race(children.map((child) => child.exited.then((code) => ({ child, code }))));
  if (stopping !== null) {
    await stopping;
    return 0;
  }
  say(`${first.child.name} stopped (exit ${first.code}); see ${first.child.log_file}. Stopping the rest.`);
  await stopAll();
  return 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
    if (isPaymeError(error)) process.stderr.write(`${start_usage}\n`);
    await stopAll();
    process.exit(1);
  },
);
