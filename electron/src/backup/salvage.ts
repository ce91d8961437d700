/**
 * Salvage of a damaged ledger file before a restore replaces it (DESIGN §5, issue 15): SQLite's
 * own `.recover` (the sqlite3 command-line program: it reads every page it still can, tables
 * whose schema was lost go to `lost_and_found`) writes what it can read into a fresh database.
 * That copy is then read like any replaced ledger: if its journal is whole, every event is
 * imported; if not, it still tells how far the dead file went (its last seq and receipt
 * number), so the restore can say exactly what could not be recovered.
 *
 * better-sqlite3 does not build SQLite's recovery extension, and rewriting a page-level reader
 * would be a second, weaker copy of it; so salvage needs the `sqlite3` program (Debian package
 * `sqlite3`; on Windows and macOS the sqlite-tools download), found on PATH or through
 * PAYME_SQLITE3. Without it the restore says so and goes on without salvage.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

/** Larger salvage output than this is refused rather than held in memory. */
const salvage_sql_bytes_max = 1024 * 1024 * 1024;
const salvage_timeout_ms = 10 * 60_000;

export type Salvage = { ok: true; file: string } | { ok: false; reason: string };

export function sqlite3Program(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.PAYME_SQLITE3 ?? 'sqlite3';
}

export function sqlite3Available(program = sqlite3Program()): boolean {
  const probe = spawnSync(program, ['-version'], { encoding: 'utf8' });
  return probe.status === 0 && /^3\.\d+/.test(probe.stdout);
}

/** Runs `sqlite3 damaged .recover | sqlite3 to`; `to` must not exist. */
export function salvageLedgerFile(damaged: string, to: string, program = sqlite3Program()): Salvage {
  if (existsSync(to)) return { ok: false, reason: `${to} already exists` };
  if (!sqlite3Available(program)) return { ok: false, reason: `the sqlite3 program (${program}) is not installed, so nothing could be salvaged (Debian: apt-get install sqlite3)` };
  // .recover cannot run on a read-only connection; it reads a scratch copy, so the damaged file stays as it is.
  const scratch = `${to}.source`;
  copyFileSync(damaged, scratch);
  let recovered;
  try {
    recovered = spawnSync(program, [scratch, '.recover'], { maxBuffer: salvage_sql_bytes_max, timeout: salvage_timeout_ms });
  } finally {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${scratch}${suffix}`, { force: true });
  }
  if (recovered.status !== 0 || recovered.stdout.length === 0) {
    return { ok: false, reason: `sqlite3 .recover could not read it (${recovered.stderr.toString('utf8').trim() || `exit ${recovered.status ?? recovered.signal}`})` };
  }
  const loaded = spawnSync(program, [to], { input: recovered.stdout, maxBuffer: 16 * 1024 * 1024, timeout: salvage_timeout_ms });
  if (loaded.status !== 0) {
    rmSync(to, { force: true });
    return { ok: false, reason: `the salvaged rows could not be written (${loaded.stderr.toString('utf8').trim()})` };
  }
  return { ok: true, file: to };
}

export interface SalvagedExtent {
  /** The highest journal seq the salvaged file still holds, or null when none could be read. */
  last_seq: number | null;
  /** The highest receipt number of `prefix` it still holds, or null. */
  last_receipt: string | null;
}

/** How far a salvaged (or any) ledger file went: what a lost-events report is bounded by. */
export function salvagedExtent(file: string, receiptPrefix: string): SalvagedExtent {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const read = <T>(query: string, ...params: unknown[]): T | null => {
    try {
      return (db.prepare(query).pluck().get(...params) as T | undefined) ?? null;
    } catch {
      return null; // the table's schema was lost with its page
    }
  };
  try {
    return {
      last_seq: read<number>('SELECT max(seq) FROM outbox'),
      last_receipt: read<string>('SELECT max(receipt_no) FROM sales WHERE receipt_no LIKE ?', `${receiptPrefix}-%`),
    };
  } finally {
    db.close();
  }
}
