import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { migrate, migrations, schema_version_latest } from './migrations.js';
import { openDatabase } from './db.js';
import { tempDir } from '../../test/ledger-fixture.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function freshFile(): string {
  const dir = tempDir('payme-migrate-');
  dirs.push(dir);
  return path.join(dir, 'till.db');
}

describe('migrations', () => {
  it('opens a new database at the latest schema with WAL, FULL sync and foreign keys', () => {
    const db = openDatabase({ path: freshFile() });
    expect(db.pragma('user_version', { simple: true })).toBe(schema_version_latest);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('migration 2 applies on a version-1 database and keeps its rows', () => {
    const db = new Database(freshFile());
    migrate(db, 1);
    db.prepare("INSERT INTO staff (staff_id, name, role, pin_hash) VALUES ('s1', 'Achieng', 'cashier', 'x')").run();
    expect(migrate(db, 2)).toBe(2);
    expect(db.prepare('SELECT name FROM staff').get()).toEqual({ name: 'Achieng' });
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sales'").get()).toEqual({ n: 1 });
    db.close();
  });

  it('migration 3 indexes the products a version-2 database already holds', () => {
    const db = new Database(freshFile());
    migrate(db, 2);
    db.prepare(
      "INSERT INTO products (product_id, name, sku, barcode, unit, unit_price, vat_class, stock_policy) VALUES ('p1', 'Kimbo fat 1kg', 'KIM-1', '600123', 'piece', 40000, 'standard', 'block')",
    ).run();
    expect(migrate(db, 3)).toBe(3);
    expect(db.prepare("SELECT rowid FROM products_fts WHERE products_fts MATCH 'kim*'").all()).toHaveLength(1);
    db.close();
  });

  it('migration 4 keeps the outbox guard: an unacknowledged row leaves only once kept as superseded', () => {
    const db = new Database(freshFile());
    migrate(db, 3);
    db.prepare("INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope) VALUES (1, 'e1', 't', 'x', 'c1', 'p', 'h', '{}')").run();
    expect(migrate(db, 4)).toBe(4);
    expect(() => db.prepare('DELETE FROM outbox WHERE seq = 1').run()).toThrow(/never deleted/);
    db.prepare("INSERT INTO outbox_superseded (original_seq, event_id, envelope, epoch) VALUES (1, 'e1', '{}', 2)").run();
    expect(db.prepare('DELETE FROM outbox WHERE seq = 1').run().changes).toBe(1);
    db.close();
  });

  it('migration 5 adds quarantine marks to a version-4 database, keeping its journal', () => {
    const db = new Database(freshFile());
    migrate(db, 4);
    db.prepare("INSERT INTO outbox (seq, event_id, type, occurred_at, command_id, prev_hash, hash, envelope) VALUES (1, 'e1', 't', 'x', 'c1', 'p', 'h', '{}')").run();
    expect(() => db.prepare('SELECT count(*) FROM quarantine_marks').get()).toThrow(/no such table/);
    expect(migrate(db, 5)).toBe(5);
    db.prepare("INSERT INTO quarantine_marks (seq, event_id, reason) VALUES (1, 'e1', 'bad')").run();
    expect(db.prepare('SELECT seq, event_id, reason FROM quarantine_marks').all()).toEqual([{ seq: 1, event_id: 'e1', reason: 'bad' }]);
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    db.close();
  });

  it('refuses a database written by a newer till', () => {
    const file = freshFile();
    const db = new Database(file);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase({ path: file })).toThrow(/newer than this till/);
  });
});
