/**
 * `payme-till diagnostics --data DATA --to FILE` (issue 15): one file IT can send when a till
 * misbehaves, taken while the till may be running. It holds what support asks first:
 * - the release, Node/Electron and OS versions;
 * - the enrollment (server address, till, business, when), with the device token only said to be
 *   sealed or in clear, never written;
 * - the ledger's own verification (verifyLedger) and its sync state: chain head, acknowledged
 *   seq, unsynced and quarantined events, the feed cursor, restore state;
 * - the backups on the till and the off-site folder setting;
 * - the newest lines of the till's log files.
 * The ledger is read from a checked online-backup copy (so a running till is not disturbed and its
 * file is never migrated or written), and the whole bundle goes through the same redaction the
 * server's logs use (shared/src/redact.ts: phone numbers, tokens, PINs, secrets), written 0600.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PaymeError, cryptoRandom, isoAt, scrubText, scrubValue, systemClock, type Clock } from '@payme/shared';
import { openLedger } from '../ledger/ledger.js';
import { writeFileDurably } from '../host/durable-file.js';
import { deviceFilePath } from '../host/device-file.js';
import { repositoryReleaseVersion } from '../host/release-version.js';
import { backups_dir_name, listBackups } from './ledger-backup.js';
import { readBackupSettings } from './till-backups.js';
import { backupLedger, ledgerPath } from '../cli/till-maintenance.js';

export const diagnostics_format = 'payme-till-diagnostics/1';
/** Lines kept from the end of each log file. */
export const log_tail_lines = 400;
/** Bytes read from the end of each log file (a long line is cut, never the bundle's size). */
const log_tail_bytes = 256 * 1024;
/** Verification differences listed one by one; the count is always whole. */
const differences_listed_max = 50;

export interface DiagnosticsOptions {
  data_dir: string;
  to: string;
  /** Folder of the till's log files (`*.log`); default DATA/logs. A missing folder is said, not refused. */
  logs_dir?: string;
  clock?: Clock;
}

export interface DiagnosticsResult {
  file: string;
  bytes: number;
  ledger_ok: boolean;
  differences: number;
}

/** Writes the bundle to `to` (a new file); returns where and what the ledger check found. */
export async function writeDiagnostics(options: DiagnosticsOptions): Promise<DiagnosticsResult> {
  if (existsSync(options.to)) throw new PaymeError('invalid_input', `--to: ${options.to} already exists; choose a new file name`, 'to');
  if (!existsSync(options.data_dir)) throw new PaymeError('invalid_input', `--data: ${options.data_dir} does not exist; name the till's data folder`, 'data');
  const clock = options.clock ?? systemClock;
  const ledger = await ledgerReport(options.data_dir, clock);
  const bundle = {
    format: diagnostics_format,
    taken_at: isoAt(clock.now()),
    versions: { release: repositoryReleaseVersion() ?? null, node: process.versions.node, electron: process.versions.electron ?? null, platform: `${os.platform()} ${os.release()} ${os.arch()}` },
    data_dir: options.data_dir,
    device: deviceReport(options.data_dir),
    ledger,
    backups: backupsReport(options.data_dir),
    logs: logsReport(options.logs_dir ?? path.join(options.data_dir, 'logs')),
  };
  // Every value scrubbed, then the text once more: nothing nested past scrubValue's depth limit slips by.
  const text = scrubText(`${JSON.stringify(scrubValue(bundle), null, 2)}\n`);
  writeFileDurably(options.to, text, { mode: 0o600 });
  return { file: options.to, bytes: Buffer.byteLength(text), ledger_ok: ledger.ok, differences: ledger.differences };
}

interface LedgerReport {
  ok: boolean;
  /** Why the ledger could not be read, in words; null when it was. */
  unreadable: string | null;
  differences: number;
  listed: unknown[];
  state: Record<string, unknown> | null;
}

async function ledgerReport(dataDir: string, clock: Clock): Promise<LedgerReport> {
  if (!existsSync(ledgerPath(dataDir))) return { ok: false, unreadable: 'no till ledger in this folder', differences: 0, listed: [], state: null };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'payme-diagnostics-'));
  try {
    const copy = path.join(scratch, 'till.db');
    try {
      await backupLedger(dataDir, copy);
    } catch (error) {
      return { ok: false, unreadable: error instanceof Error ? error.message : String(error), differences: 0, listed: [], state: null };
    }
    const ledger = openLedger({ path: copy, clock, random: cryptoRandom });
    try {
      const differences = ledger.verifyLedger();
      const identity = ledger.identity();
      return {
        ok: differences.length === 0,
        unreadable: null,
        differences: differences.length,
        listed: differences.slice(0, differences_listed_max),
        state: {
          till_id: identity?.till_id ?? null,
          business_id: identity?.business_id ?? null,
          receipt_prefix: identity?.receipt_prefix ?? null,
          epoch: identity?.epoch ?? null,
          chain_head: ledger.chainHead(),
          acked_seq: ledger.ackedSeq(),
          unsynced_events: ledger.unsyncedCount(),
          quarantined_events: ledger.quarantinedCount(),
          feed_cursor: ledger.feedCursor(),
          restore: ledger.restoreState(),
          next_receipt_number: ledger.nextReceiptNumber(),
        },
      };
    } finally {
      ledger.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The enrollment as the file holds it, read raw (no keyring needed): the token only as sealed or clear. */
function deviceReport(dataDir: string): Record<string, unknown> {
  const file = deviceFilePath(dataDir);
  if (!existsSync(file)) return { enrolled: false };
  const mode = `0${(statSync(file).mode & 0o777).toString(8)}`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { enrolled: null, file_mode: mode, damaged: error instanceof Error ? error.message : String(error) };
  }
  const device = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const enrollment = (typeof device.enrollment === 'object' && device.enrollment !== null ? device.enrollment : {}) as Record<string, unknown>;
  const token = typeof device.device_token_sealed === 'string' ? 'sealed (OS keyring)' : typeof enrollment.device_token === 'string' ? 'in clear, in a 0600 file' : 'missing';
  return {
    enrolled: true,
    file_mode: mode,
    server_url: device.server_url ?? null,
    shop_name: device.shop_name ?? null,
    enrolled_at: device.enrolled_at ?? null,
    till_id: enrollment.till_id ?? null,
    store_id: enrollment.store_id ?? null,
    server_key_id: enrollment.server_key_id ?? null,
    token_storage: token,
  };
}

function backupsReport(dataDir: string): Record<string, unknown> {
  const dir = path.join(dataDir, backups_dir_name);
  let offsite: unknown;
  try {
    offsite = readBackupSettings(dataDir).offsite_dir;
  } catch (error) {
    offsite = { damaged: error instanceof Error ? error.message : String(error) };
  }
  const files = listBackups(dir).map((entry) => {
    const stat = statSync(entry.file);
    return { name: path.basename(entry.file), kind: entry.kind, bytes: stat.size, modified_at: stat.mtime.toISOString() };
  });
  return { dir, offsite_dir: offsite, count: files.length, newest: files.slice(-10) };
}

function logsReport(dir: string): Record<string, unknown> {
  if (!existsSync(dir)) return { dir, found: false };
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => ({ name, ...tail(path.join(dir, name)) }));
  return { dir, found: true, files };
}

/** The last `log_tail_lines` lines of a file, redacted line by line. */
function tail(file: string): { bytes: number; lines: string[] } {
  const size = statSync(file).size;
  const text = readFileSync(file).subarray(Math.max(0, size - log_tail_bytes)).toString('utf8');
  const lines = text.split('\n');
  if (size > log_tail_bytes) lines.shift();
  if (lines.at(-1) === '') lines.pop();
  return { bytes: size, lines: lines.slice(-log_tail_lines).map(scrubLine) };
}

/** A JSON log line (pino's) is scrubbed field by field, so `"pin":"1234"` goes too; any other line as text. */
function scrubLine(line: string): string {
  if (line.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null) return JSON.stringify(scrubValue(value));
    } catch {
      // Not JSON after all: scrubbed as text below.
    }
  }
  return scrubText(line);
}
