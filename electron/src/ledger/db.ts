/**
 * Opens the till database: one writer connection, WAL, `synchronous=FULL` so a sale the cashier
 * saw succeed survives a power cut (DESIGN §4), foreign keys on, and a busy timeout so a second
 * process (a restarted till, a maintenance CLI) waits for the lock instead of failing.
 */
import Database from 'better-sqlite3';
import { wal_autocheckpoint_backstop_pages } from './idle-checkpoint.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/** How long a writer waits for another process's transaction before giving up. */
export const busy_timeout_ms = 5_000;

export interface OpenDatabaseOptions {
  /** A file path, or ':memory:' (benchmarks only: nothing survives). */
  path: string;
  /** `FULL` for money. `OFF` exists only so the benchmark can measure the fsync share. */
  synchronous?: 'FULL' | 'NORMAL' | 'OFF';
}

export function openDatabase({ path, synchronous = 'FULL' }: OpenDatabaseOptions): Db {
  return prepareConnection(new Database(path), synchronous);
}

/**
 * Sets the connection up and migrates it. Also used on an in-memory copy of a database (the
 * property test deserializes a prepared till a thousand times instead of copying files).
 */
export function prepareConnection(db: Db, synchronous: OpenDatabaseOptions['synchronous'] = 'FULL'): Db {
  try {
    db.pragma(`busy_timeout = ${busy_timeout_ms}`);
    if (!db.memory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`could not switch the till database to WAL (got ${String(mode)})`);
      // The ledger checkpoints when idle (idle-checkpoint.ts); SQLite's own is only the backstop.
      db.pragma(`wal_autocheckpoint = ${wal_autocheckpoint_backstop_pages}`);
    }
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
