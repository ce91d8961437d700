/**
 * The ledger's own connection, for tests and the benchmark only (to read every table, plant a
 * damaged row, serialize a template). Production code reaches the ledger through its methods
 * alone: lint refuses an import of this module anywhere in electron/src but ledger.ts and tests.
 */
import type Database from 'better-sqlite3';

const connections = new WeakMap<object, Database.Database>();

/** ledger.ts: remembers the connection a ledger object was made on. */
export function registerRawDb(ledger: object, db: Database.Database): void {
  connections.set(ledger, db);
}

/** The connection under `ledger`; never write through it outside a test's deliberate damage. */
export function rawDb(ledger: object): Database.Database {
  const db = connections.get(ledger);
  if (db === undefined) throw new Error('rawDb: this object is not a ledger made by createLedger');
  return db;
}
