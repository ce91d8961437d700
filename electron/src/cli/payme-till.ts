/**
 * `payme-till serve --server URL --data DIR [--port N]` (DESIGN §11): the till in a browser.
 * Opens the ledger in the data folder, enrolls on request, starts the sync agent once enrolled,
 * and serves the cashier app and its API on loopback. This is the process edge: the real clock,
 * randomness, network and signals are handled here.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isPaymeError } from '@payme/shared';
import { buildHttpHost, listenOnLoopback } from '../host/http-host.js';
import { build_renderer_hint, default_renderer_dir, rendererBuilt } from '../host/renderer-files.js';
import { openTillHost } from '../host/till-host.js';
import { startTillSync } from '../host/till-sync.js';
import { repositoryReleaseVersion } from '../host/release-version.js';
import { startTillBackups } from '../backup/till-backups.js';
import { writeDiagnostics } from '../backup/diagnostics.js';
import { parseTillCommand, till_usage, type ServeOptions } from './till-options.js';
import { backupLedger, moveTillToNewIdentity, restoreLedger } from './till-maintenance.js';

const sync_stop_wait_ms = 3_000;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function serve(options: ServeOptions): Promise<void> {
  const host = openTillHost(options.data_dir, { serverUrlHint: options.server_url, ...(options.paper_mm === null ? {} : { paperMm: options.paper_mm }), onInternalError: (method, error) => say(`payme-till: ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`) });
  const sync = startTillSync(host, { appVersion: repositoryReleaseVersion() });
  const backups = startTillBackups(host, { log: say });
  const device = host.device();
  if (device === null && options.enroll_code !== null) {
    const result = await host.call('enroll', { server_url: options.server_url, code: options.enroll_code, name: options.name });
    if (!result.ok) throw Object.assign(new Error(`enrollment failed: ${result.error.code}: ${result.error.message}`), { exitCode: 1 });
    say(`payme-till: enrolled with ${options.server_url}`);
  } else if (device !== null && device.server_url !== options.server_url) {
    say(`payme-till: this till is enrolled with ${device.server_url} and keeps syncing there (--server ${options.server_url} is ignored)`);
  }
  const rendererDir = options.renderer_dir ?? default_renderer_dir;
  if (!rendererBuilt(rendererDir)) say(`payme-till: the cashier app is not built in ${rendererDir}. ${build_renderer_hint}`);
  const app = await buildHttpHost({ host, rendererDir, logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
  const url = await listenOnLoopback(app, options.port);
  const enrolled = host.device() !== null;
  if (options.json) process.stdout.write(`${JSON.stringify({ till_url: url, enrolled, data_dir: options.data_dir })}\n`);
  else process.stdout.write(`PayMe till: ${url}${enrolled ? '' : ' (not enrolled yet: the first screen asks for the server address and code)'}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    // A long-poll in flight may take its whole wait to end; the ledger is durable, so don't wait for it.
    await Promise.race([sync.stop(), sleep(sync_stop_wait_ms)]);
    await backups.stop();
    const unsynced = host.unsyncedCount();
    if (unsynced > 0) say(`payme-till: ${unsynced} change(s) not yet on the server; they are safe in ${options.data_dir} and sync on the next start`);
    host.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // Started by `npm start` (electron/src/cli/parent-watch.ts): stop with it, however it ends; with
  // nobody left to SIGKILL a shutdown that hangs, end it after the same grace `npm start` gives.
  if (process.env['PAYME_STOP_WITH_PARENT'] === '1') process.stdin.once('end', () => stopWithoutParent()).resume();
}

async function main(argv: string[]): Promise<void> {
  const command = parseTillCommand(argv, process.cwd());
  if (command.command === 'help') {
    process.stdout.write(`${till_usage}\n`);
    return;
  }
  if (command.command === 'backup') {
    process.stdout.write(`${JSON.stringify(await backupLedger(command.data_dir, command.to))}\n`);
    return;
  }
  if (command.command === 'restore') {
    const result = await restoreLedger(command);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.receipt_series !== null) say(`payme-till: restored offline; receipts are numbered ${result.receipt_series}-000001 onwards until the till reaches the server and recovers`);
    return;
  }
  if (command.command === 'diagnostics') {
    const result = await writeDiagnostics({ data_dir: command.data_dir, to: command.to, ...(command.logs_dir === null ? {} : { logs_dir: command.logs_dir }) });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (!result.ledger_ok) say(`payme-till: the ledger check found ${result.differences} difference(s) or could not read the ledger; send ${result.file} to support`);
    return;
  }
  if (command.command === 'move-to-new-till') {
    process.stdout.write(`${JSON.stringify(await moveTillToNewIdentity(command.data_dir, command.code))}\n`);
    return;
  }
  await serve(command);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isPaymeError(error)) say(`payme-till: ${error.message}\n${till_usage}`);
  else say(`payme-till: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(isPaymeError(error) ? 2 : 1);
});

/** As on SIGTERM; if that has not ended the process within 10 s (what `npm start` would wait), exit. */
function stopWithoutParent(): void {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 10_000).unref();
}
