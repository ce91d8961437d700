/**
 * The till's automatic backups (DESIGN §13): an online SQLite backup of the ledger (better-sqlite3
 * `backup()`, consistent while the till sells), integrity-checked after it is written (the copy
 * is opened and `PRAGMA integrity_check` must answer ok, and it must hold this till's identity),
 * put in place durably (durable-file.ts), and rotated: each kind keeps a named count. A second
 * copy goes off the PC, to the folder IT names (a USB stick or a network share), checked the
 * same way, so a disk that dies takes only the PC.
 *
 * Backup files are named `till-<UTC time>-<kind>.db`, so their names sort by time.
 */
import { copyFileSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeDirectoryDurably, moveIntoPlaceDurably, syncDirectory, temporaryPathFor } from '../host/durable-file.js';

export type BackupKind = 'hourly' | 'shift-close' | 'manual';

/** How many of each kind are kept, on the PC and in the off-site folder: a day of hours, a month of shifts. */
export const backups_kept: Readonly<Record<BackupKind, number>> = { hourly: 24, 'shift-close': 31, manual: 10 };

export const backups_dir_name = 'backups';

const backup_name = /^till-(\d{8}T\d{6}\d{3}Z)-(hourly|shift-close|manual)\.db$/;

export type LedgerFileCheck = { ok: true; till_id: string; pages: number } | { ok: false; reason: string };

/**
 * Whether `file` is a sound till ledger: SQLite opens it, `PRAGMA integrity_check` is ok, and it
 * holds an enrolled till's identity. Read-only: it changes nothing, whatever the file is.
 */
export function checkLedgerFile(file: string): LedgerFileCheck {
  if (!existsSync(file)) return { ok: false, reason: 'the file does not exist' };
  if (statSync(file).size === 0) return { ok: false, reason: 'the file is empty' };
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = (db.pragma('integrity_check(5)') as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') return { ok: false, reason: `SQLite finds it damaged (${problems.join('; ')})` };
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'till_identity'").get();
    if (table === undefined) return { ok: false, reason: 'it is an SQLite file, but not a till ledger' };
    const row = db.prepare('SELECT till_id FROM till_identity WHERE id = 1').get() as { till_id: string } | undefined;
    if (row === undefined) return { ok: false, reason: 'it holds no enrolled till' };
    return { ok: true, till_id: row.till_id, pages: db.pragma('page_count', { simple: true }) as number };
  } catch (error) {
    return { ok: false, reason: `SQLite cannot read it (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    db?.close();
  }
}

/**
 * Writes a checked copy of the open ledger `source` to `file`: backup into a temporary file
 * beside it, integrity check, then moved into place durably. Nothing is left at `file` unless the
 * copy checked out; the temporary file is removed on any failure.
 */
/** What an online backup is taken from: the ledger (its `backup` method) or, in tests, a connection. */
export interface BackupSource {
  backup(file: string): Promise<unknown>;
}

export async function writeCheckedBackup(source: BackupSource, file: string): Promise<{ file: string; bytes: number; till_id: string }> {
  const temporary = temporaryPathFor(file);
  try {
    await source.backup(temporary);
    const check = checkLedgerFile(temporary);
    if (!check.ok) throw new Error(`the backup written to ${file} did not check out: ${check.reason}`);
    moveIntoPlaceDurably(temporary, file);
    return { file, bytes: statSync(file).size, till_id: check.till_id };
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Copies a checked backup to another folder (off the PC), checks the copy, and puts it in place durably. */
export function copyCheckedBackup(file: string, toDir: string): string {
  makeDirectoryDurably(toDir);
  const target = path.join(toDir, path.basename(file));
  const temporary = temporaryPathFor(target);
  try {
    copyFileSync(file, temporary);
    const check = checkLedgerFile(temporary);
    if (!check.ok) throw new Error(`the copy in ${toDir} did not check out: ${check.reason}`);
    moveIntoPlaceDurably(temporary, target);
    return target;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function backupFileName(kind: BackupKind, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `till-${stamp}-${kind}.db`;
}

export interface BackupEntry {
  file: string;
  kind: BackupKind;
}

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): BackupEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, match: backup_name.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((entry) => ({ file: path.join(dir, entry.name), kind: entry.match[2] as BackupKind }));
}

/** Removes the oldest backups of `kind` in `dir` beyond `backups_kept[kind]`; returns what it removed. */
export function rotateBackups(dir: string, kind: BackupKind, keep = backups_kept[kind]): string[] {
  const ofKind = listBackups(dir).filter((entry) => entry.kind === kind);
  const removed = ofKind.slice(0, Math.max(0, ofKind.length - keep)).map((entry) => entry.file);
  for (const file of removed) rmSync(file, { force: true });
  if (removed.length > 0) syncDirectory(dir);
  return removed;
}
