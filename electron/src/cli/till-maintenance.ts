/**
 * `payme-till backup | restore | move-to-new-till` (DESIGN §5 "Diverged history"): the
 * operator's tools for a dead disk and a cloned PC. Process edge: real clock, randomness and
 * network. Every refusal is a PaymeError naming the flag and what to do.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PaymeError, cryptoRandom, systemClock, type Clock } from '@payme/shared';
import { openLedger, type Ledger } from '../ledger/ledger.js';
import { readTillDevice, writeTillDevice } from '../host/device-file.js';
import { syncDirectory } from '../host/durable-file.js';
import { readReplacedLedger, type ReplacedLedger } from './replaced-ledger.js';
import { checkLedgerFile, writeCheckedBackup } from '../backup/ledger-backup.js';
import { salvagedExtent, salvageLedgerFile, type SalvagedExtent } from '../backup/salvage.js';
import { ledger_file_name } from '../host/till-host.js';
import { createHttpTransport, createSyncAgent, ledgerForSync, realScheduler, type SyncAgent } from '../sync/index.js';

/** Steps one command lets the agent take to recover or push before it reports. */
const sync_steps_max = 200;
const health_timeout_ms = 5_000;

export function ledgerPath(dataDir: string): string {
  return path.join(dataDir, ledger_file_name);
}

/**
 * A consistent copy of the till's ledger while the till may be running (SQLite online backup),
 * integrity-checked before it is put at `to` (ledger-backup.ts). A data folder whose ledger is
 * damaged or is no till's is refused, and nothing is written.
 */
export async function backupLedger(dataDir: string, to: string): Promise<{ file: string; bytes: number }> {
  const source = ledgerPath(dataDir);
  if (!existsSync(source)) throw new PaymeError('invalid_input', `--data: no till ledger (${ledger_file_name}) in ${dataDir}`, 'data');
  if (existsSync(to)) throw new PaymeError('invalid_input', `--to: ${to} already exists; choose a new file name`, 'to');
  const check = checkLedgerFile(source);
  if (!check.ok) throw new PaymeError('invalid_input', `--data: the ledger in ${dataDir} cannot be backed up: ${check.reason}. Restore it from an earlier backup (payme-till restore)`, 'data');
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const written = await writeCheckedBackup(db, to);
    return { file: written.file, bytes: written.bytes };
  } finally {
    db.close();
  }
}

/** Checks `file` is a sound till ledger backup (integrity check, an identity); returns its till id. Reads only. */
function checkBackupFile(file: string): string {
  if (!existsSync(file)) throw new PaymeError('invalid_input', `--from: ${file} does not exist`, 'from');
  const check = checkLedgerFile(file);
  if (!check.ok) throw new PaymeError('invalid_input', `--from: ${file} is not a sound till ledger backup (${check.reason}); nothing was changed. Choose another backup`, 'from');
  return check.till_id;
}

async function serverReachable(serverUrl: string): Promise<boolean> {
  try {
    const answer = await fetch(`${serverUrl}/healthz`, { signal: AbortSignal.timeout(health_timeout_ms) });
    return answer.ok;
  } catch {
    return false;
  }
}

function agentFor(dataDir: string, ledger: Ledger, clock: Clock): SyncAgent {
  const device = readTillDevice(dataDir);
  if (device === null) throw new PaymeError('invalid_input', `--data: ${dataDir} has no till-device.json (the till was never enrolled here)`, 'data');
  return createSyncAgent({
    ledger: ledgerForSync(ledger),
    transport: createHttpTransport({ baseUrl: device.server_url, deviceToken: () => readTillDevice(dataDir)?.enrollment.device_token ?? null }),
    clock,
    random: cryptoRandom,
    scheduler: realScheduler,
    config: { pull_wait_seconds: 0 },
    onReenrolled: (enrollment) => writeTillDevice(dataDir, { ...(readTillDevice(dataDir) ?? device), enrollment }),
  });
}

/**
 * Pushes (recovering first when needed) until nothing is left or sync stops on something a person
 * must fix. `onRecovered` sees the ledger right after recovery adopted the server's history,
 * before anything is pushed on top of it.
 */
async function syncNow(agent: SyncAgent, onRecovered?: () => void): Promise<void> {
  let waiting = onRecovered !== undefined;
  for (let step = 0; step < sync_steps_max; step += 1) {
    const outcome = await agent.pushStep();
    if (waiting && agent.detail().recoveries > 0) {
      waiting = false;
      onRecovered?.();
    }
    if (outcome.kind === 'idle' || outcome.kind === 'blocked') return;
    if (outcome.kind === 'retry') await new Promise((resolve) => setTimeout(resolve, Math.min(outcome.delay_ms, 5_000)));
  }
}

export interface RestoreOptions {
  data_dir: string;
  from: string;
  force_offline: boolean;
  /** The current ledger cannot be read: restore anyway, without importing its events. */
  replace_unreadable: boolean;
}

export interface RestoreResult {
  restored_from: string;
  /** Where the replaced ledger was kept (never deleted), or null when there was none. */
  replaced_kept_as: string | null;
  /** What came over from the replaced ledger (null: there was none, or it could not be read). */
  imported: { events: number; unsynced_in_replaced: number; skipped: number } | null;
  /** Why the replaced ledger's events were not imported (only with --replace-unreadable). */
  not_imported_reason: string | null;
  /** What the salvage of an unreadable replaced ledger (sqlite3 .recover) gave, or null when none was needed. */
  salvage: { imported: boolean; file: string | null; note: string } | null;
  /**
   * What could not be recovered: the replaced ledger's events after the server's head that
   * neither it (unreadable) nor its salvage gave back. `*_to` is null when nothing of the file
   * could be read to say how far it went. Null when nothing is known lost.
   */
  unrecoverable: { server_head_seq: number; seq_from: number; seq_to: number | null; receipt_from: string; receipt_to: string | null } | null;
  online: boolean;
  recovered: boolean;
  receipt_series: string | null;
  unsynced_count: number;
}

/** Salvages an unreadable replaced ledger and reads the copy as a replaced ledger; the copy is kept beside it. */
function salvageReplaced(target: string, till_id: string, now: number): { replaced: ReplacedLedger | null; salvage: NonNullable<RestoreResult['salvage']>; extent: SalvagedExtent | null } {
  const copy = `${target}.salvaged-${now}`;
  const salvaged = salvageLedgerFile(target, copy);
  if (!salvaged.ok) return { replaced: null, salvage: { imported: false, file: null, note: salvaged.reason }, extent: null };
  const replaced = readReplacedLedger(copy, till_id, now);
  let prefix: string | null;
  try {
    prefix = readIdentityPrefix(copy);
  } catch {
    prefix = null; // the identity's page was lost too
  }
  const extent = salvagedExtent(copy, prefix ?? '');
  const note = replaced.readable ? 'sqlite3 .recover salvaged the whole journal' : `sqlite3 .recover salvaged part of the file; its journal cannot be imported (${replaced.reason})`;
  return { replaced: replaced.readable ? replaced : null, salvage: { imported: replaced.readable, file: copy, note }, extent };
}

function readIdentityPrefix(file: string): string | null {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT receipt_prefix FROM till_identity WHERE id = 1').pluck().get() as string | undefined) ?? null;
  } finally {
    db.close();
  }
}

function receiptOf(prefix: string, counter: number): string {
  return `${prefix}-${String(counter).padStart(6, '0')}`;
}

function moveDatabase(from: string, to: string): void {
  renameSync(from, to);
  for (const suffix of ['-wal', '-shm']) if (existsSync(`${from}${suffix}`)) renameSync(`${from}${suffix}`, `${to}${suffix}`);
}

function removeDatabase(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Puts a backup in place of the till's ledger and marks it restored (DESIGN §5). The events of
 * the ledger it replaces that the backup lacks are imported first (import-replaced.ts); a
 * replaced file that cannot be read is refused unless `replace_unreadable`. Online, it recovers
 * from the server at once; offline it refuses unless forced, and a forced restore sells in a new
 * receipt series until the agent has recovered. The restored ledger is built in a side file and
 * only then swapped in; the replaced file is kept aside, never deleted.
 */
export async function restoreLedger(options: RestoreOptions, clock: Clock = systemClock): Promise<RestoreResult> {
  const backupTill = checkBackupFile(options.from);
  const device = readTillDevice(options.data_dir);
  if (device === null) throw new PaymeError('invalid_input', `--data: ${options.data_dir} has no till-device.json; restore its device file (or enroll) first`, 'data');
  if (device.enrollment.till_id !== backupTill) {
    throw new PaymeError('invalid_input', `--from: the backup belongs to till ${backupTill}, this data folder to ${device.enrollment.till_id}`, 'from');
  }
  const target = ledgerPath(options.data_dir);
  let replaced: ReplacedLedger | null = existsSync(target) ? readReplacedLedger(target, backupTill, clock.now()) : null;
  let salvage: RestoreResult['salvage'] = null;
  let extent: SalvagedExtent | null = null;
  if (replaced !== null && !replaced.readable) {
    // Salvage what SQLite can still read before giving the file up: a whole journal is imported as if nothing were wrong.
    const salvaged = salvageReplaced(target, backupTill, clock.now());
    salvage = salvaged.salvage;
    extent = salvaged.extent;
    if (salvaged.replaced !== null) replaced = salvaged.replaced;
    else if (!options.replace_unreadable && salvage.file !== null) rmSync(salvage.file, { force: true });
  }
  if (replaced !== null && !replaced.readable && !options.replace_unreadable) {
    throw new PaymeError(
      'invalid_input',
      `--replace-unreadable: the ledger in ${options.data_dir} cannot be read (${replaced.reason}${salvage === null ? '' : `; ${salvage.note}`}), so the changes it holds that the server has not received cannot be imported; pass --replace-unreadable to keep that file aside and restore without them`,
      'replace-unreadable',
      { reason: replaced.reason },
    );
  }
  const online = await serverReachable(device.server_url);
  if (!online && !options.force_offline) {
    throw new PaymeError('offline', `--force-offline: the sync server ${device.server_url} cannot be reached; restore when it can, or pass --force-offline to sell in a new receipt series until the till recovers`, 'force-offline');
  }

  const building = `${target}.restoring-${clock.now()}`;
  removeDatabase(building);
  const source = new Database(options.from, { readonly: true });
  try {
    await source.backup(building);
  } finally {
    source.close();
  }
  let imported: RestoreResult['imported'] = null;
  let notImported: string | null = replaced !== null && !replaced.readable ? replaced.reason : null;
  try {
    const restoring = openLedger({ path: building, clock, random: cryptoRandom });
    try {
      if (replaced?.readable === true) {
        try {
          const result = restoring.importReplacedEvents(replaced.input);
          imported = { events: result.imported, unsynced_in_replaced: replaced.unsynced, skipped: result.skipped };
        } catch (error) {
          if (!(error instanceof PaymeError) && !(error instanceof Error && error.name === 'SqliteError')) throw error;
          // Nothing was written (one transaction); the operator decides whether to go on without them.
          notImported = `its events do not fit the backup: ${error.message}`;
          if (!options.replace_unreadable) {
            throw new PaymeError(
              'invalid_input',
              `--replace-unreadable: the events of the ledger in ${options.data_dir} could not be imported into the backup (${error.message}); pass --replace-unreadable to keep that file aside and restore without them`,
              'replace-unreadable',
              { reason: notImported },
            );
          }
        }
      }
      restoring.markRestored({ forced_offline: !online });
    } finally {
      restoring.close();
    }
  } catch (error) {
    removeDatabase(building);
    throw error;
  }

  let keptAs: string | null = null;
  if (existsSync(target)) {
    keptAs = `${target}.replaced-${clock.now()}`;
    moveDatabase(target, keptAs);
  }
  moveDatabase(building, target);
  // The swap must survive a power cut: the renames are only durable once the folder is flushed.
  syncDirectory(path.dirname(target));
  const ledger = openLedger({ path: target, clock, random: cryptoRandom });
  try {
    let recovered = false;
    let unrecoverable: RestoreResult['unrecoverable'] = null;
    if (online) {
      const agent = agentFor(options.data_dir, ledger, clock);
      const lostEvents = keptAs !== null && imported === null;
      await syncNow(agent, () => {
        if (!lostEvents) return;
        // Right after recovery: acked_seq is the server's head, the receipt counter one past its highest.
        const head = ledger.ackedSeq();
        const prefix = ledger.identity()?.receipt_prefix ?? '';
        const next = ledger.nextReceiptNumber();
        const seqTo = extent?.last_seq ?? null;
        const receiptTo = extent?.last_receipt ?? null;
        if (seqTo !== null && seqTo <= head) return;
        unrecoverable = { server_head_seq: head, seq_from: head + 1, seq_to: seqTo, receipt_from: receiptOf(prefix, next), receipt_to: receiptTo !== null && receiptTo >= receiptOf(prefix, next) ? receiptTo : null };
      });
      recovered = ledger.restoreState().restored_at === null;
    }
    return {
      restored_from: options.from,
      replaced_kept_as: keptAs,
      imported,
      not_imported_reason: notImported,
      salvage,
      unrecoverable,
      online,
      recovered,
      receipt_series: ledger.restoreState().receipt_series,
      unsynced_count: ledger.unsyncedCount(),
    };
  } finally {
    ledger.close();
  }
}

/**
 * The operator's answer to a fenced clone (DESIGN §5): enroll this PC as a new till with the
 * owner's `code` and push its unacknowledged events under the new id.
 */
export async function moveTillToNewIdentity(dataDir: string, code: string, clock: Clock = systemClock): Promise<{ till_id: string; reappended: number; unsynced_count: number }> {
  const ledger = openLedger({ path: ledgerPath(dataDir), clock, random: cryptoRandom });
  try {
    const agent = agentFor(dataDir, ledger, clock);
    await syncNow(agent);
    if (agent.detail().mode !== 'needs_enrollment') {
      throw new PaymeError('not_fenced', `--code: the server did not fence this till (${agent.status().alarm?.message ?? 'it accepts its pushes'}); there is nothing to move`, 'code');
    }
    const moved = await agent.moveToNewTill(code);
    await syncNow(agent);
    return { ...moved, unsynced_count: ledger.unsyncedCount() };
  } finally {
    ledger.close();
  }
}
