/**
 * The till's automatic backups on real ledger files: online backup while selling, integrity
 * check of every copy, rotation, the off-site copy, and refusal of files that are not sound.
 */
import { rawDb } from '../ledger/raw-db.js';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, ids, tempDir, type TestTill } from '../../test/ledger-fixture.js';
import { openLedger } from '../ledger/ledger.js';
import { backupFileName, backups_kept, checkLedgerFile, listBackups, rotateBackups, writeCheckedBackup } from './ledger-backup.js';
import { backup_interval_ms, createTillBackups, readBackupSettings } from './till-backups.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function till(): TestTill {
  const made = createTestTill();
  cleanups.push(() => made.cleanup());
  return made;
}

function salesIn(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM sales').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function backupsFor(t: TestTill, offsite_dir: string | null = null) {
  return createTillBackups({ db: () => rawDb(t.ledger), changeMark: () => t.ledger.chainHead().seq, dataDir: t.dir, clock: t.clock, settings: { offsite_dir } });
}

describe('online backups of the till ledger', () => {
  it('copies the ledger while it sells: the copy passes integrity_check and holds every sale committed before it', async () => {
    const t = till();
    for (let i = 0; i < 30; i += 1) cashSale(t, [{ product_id: ids.sugar, quantity: 100 }]);
    const file = path.join(t.dir, 'copy.db');
    const backup = writeCheckedBackup(rawDb(t.ledger), file);
    // Sales made while the backup runs land in the ledger; the copy is one consistent state.
    cashSale(t, [{ product_id: ids.bread, quantity: 1 }]);
    await backup;
    expect(checkLedgerFile(file)).toMatchObject({ ok: true, till_id: ids.till });
    expect(salesIn(file)).toBeGreaterThanOrEqual(30);
    const restored = openLedger({ path: file, clock: t.clock, random: t.random });
    expect(restored.verifyLedger()).toEqual([]);
    restored.close();
    expect(readdirSync(t.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('takes an hourly backup only when due and the ledger changed, and a shift-close backup at once; each copy goes off the PC too', async () => {
    const t = till();
    const offsite = tempDir('payme-offsite-');
    cleanups.push(() => rmSync(offsite, { recursive: true, force: true }));
    const backups = backupsFor(t, offsite);
    cashSale(t, [{ product_id: ids.soap, quantity: 1 }]);
    await backups.tick();
    expect(listBackups(path.join(t.dir, 'backups')).map((entry) => entry.kind)).toEqual(['hourly']);
    t.clock.advance(backup_interval_ms / 2);
    cashSale(t, [{ product_id: ids.soap, quantity: 1 }]);
    await backups.tick();
    expect(listBackups(path.join(t.dir, 'backups'))).toHaveLength(1); // not due yet
    t.clock.advance(backup_interval_ms);
    await backups.tick();
    expect(listBackups(path.join(t.dir, 'backups'))).toHaveLength(2);
    t.clock.advance(backup_interval_ms);
    await backups.tick();
    expect(listBackups(path.join(t.dir, 'backups'))).toHaveLength(2); // nothing changed: no copy of the same ledger
    const status = await backups.backupNow('shift-close');
    expect(status).toMatchObject({ last_error: null, last_backup: { kind: 'shift-close' }, last_offsite_copy: { file: path.join(offsite, path.basename(status.last_backup!.file)) } });
    expect(listBackups(offsite).map((entry) => entry.kind)).toEqual(['hourly', 'hourly', 'shift-close']);
    for (const entry of listBackups(offsite)) expect(checkLedgerFile(entry.file)).toMatchObject({ ok: true });
    expect(salesIn(listBackups(offsite).at(-1)!.file)).toBe(2);
  });

  it('keeps the named count of each kind, oldest removed first, on the PC and off it', () => {
    const dir = tempDir('payme-rotate-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const start = Date.UTC(2026, 10, 1);
    for (let hour = 0; hour < backups_kept.hourly + 3; hour += 1) writeFileSync(path.join(dir, backupFileName('hourly', start + hour * 3_600_000)), 'x');
    writeFileSync(path.join(dir, backupFileName('shift-close', start)), 'x');
    writeFileSync(path.join(dir, 'notes.txt'), 'IT notes');
    const removed = rotateBackups(dir, 'hourly');
    expect(removed.map((file) => path.basename(file))).toEqual([0, 1, 2].map((hour) => backupFileName('hourly', start + hour * 3_600_000)));
    expect(listBackups(dir).filter((entry) => entry.kind === 'hourly')).toHaveLength(backups_kept.hourly);
    expect(existsSync(path.join(dir, 'notes.txt')) && listBackups(dir).some((entry) => entry.kind === 'shift-close')).toBe(true);
  });

  it('a missing or unwritable off-site folder fails the copy, not the backup, and says so until a later backup succeeds', async () => {
    const t = till();
    const blocked = path.join(t.dir, 'stick');
    writeFileSync(blocked, 'a file where the stick folder should be');
    const status = await backupsFor(t, path.join(blocked, 'payme')).backupNow('manual');
    expect(status.last_backup).toMatchObject({ kind: 'manual' });
    expect(existsSync(status.last_backup!.file)).toBe(true);
    expect(status.last_error).toMatch(/manual backup at .* failed: .*(ENOTDIR|EEXIST)/);
  });

  it('writes nothing when the copy does not check out', async () => {
    const t = till();
    const file = path.join(t.dir, 'never.db');
    const stranger = new Database(':memory:');
    await expect(writeCheckedBackup(stranger, file)).rejects.toThrow(/did not check out: it is an SQLite file, but not a till ledger/);
    stranger.close();
    expect(readdirSync(t.dir).filter((name) => name.startsWith('never.db'))).toEqual([]);
  });
});

describe('a file that is not a sound till ledger is named for what it is', () => {
  it('refuses a missing, empty, text, foreign SQLite, truncated or damaged file, and changes none of them', async () => {
    const t = till();
    for (let i = 0; i < 200; i += 1) cashSale(t, [{ product_id: ids.sugar, quantity: 100 }]);
    const good = path.join(t.dir, 'good.db');
    await writeCheckedBackup(rawDb(t.ledger), good);
    const cases: [string, (file: string) => void, RegExp][] = [
      ['empty.db', (file) => writeFileSync(file, ''), /empty/],
      ['text.db', (file) => writeFileSync(file, 'not a database\n'.repeat(100)), /SQLite cannot read it/],
      ['foreign.db', (file) => new Database(file).exec('CREATE TABLE t (x)').close(), /not a till ledger/],
      ['truncated.db', (file) => (copyFileSync(good, file), truncateSync(file, Math.floor(readFileSync(good).length / 2))), /damaged|cannot read/],
      [
        'damaged.db',
        (file) => {
          const bytes = readFileSync(good);
          bytes.fill(0x5a, 8 * 4096, 12 * 4096); // pages in the middle overwritten
          writeFileSync(file, bytes);
        },
        /damaged|cannot read/,
      ],
    ];
    expect(checkLedgerFile(path.join(t.dir, 'missing.db'))).toEqual({ ok: false, reason: 'the file does not exist' });
    for (const [name, make, reason] of cases) {
      const file = path.join(t.dir, name);
      make(file);
      const before = readFileSync(file);
      const check = checkLedgerFile(file);
      expect({ name, ok: check.ok }).toEqual({ name, ok: false });
      if (!check.ok) expect(check.reason).toMatch(reason);
      expect(readFileSync(file).equals(before)).toBe(true);
    }
  });

  it('reads backup-settings.json, and names a damaged one', () => {
    const dir = tempDir('payme-settings-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    expect(readBackupSettings(dir)).toEqual({ offsite_dir: null });
    writeFileSync(path.join(dir, 'backup-settings.json'), JSON.stringify({ offsite_dir: '/media/usb/payme' }));
    expect(readBackupSettings(dir)).toEqual({ offsite_dir: '/media/usb/payme' });
    writeFileSync(path.join(dir, 'backup-settings.json'), '{"offsite_dir": ');
    expect(() => readBackupSettings(dir)).toThrow(/where the till copies its backups.*Write it again/);
  });
});
