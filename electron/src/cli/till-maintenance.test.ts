/**
 * `payme-till backup | restore | move-to-new-till` on real ledger files. The server is
 * unreachable here (a closed loopback port), which is exactly what the offline refusals and the
 * forced offline restore need; recovery against a real server is covered by
 * e2e/tests/clone-and-restore.test.ts.
 */
import { rawDb } from '../ledger/raw-db.js';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, uuidv7 } from '@payme/shared';
import { asyncRefusal, cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { writeTillDevice } from '../host/device-file.js';
import { openLedger } from '../ledger/ledger.js';
import { backupLedger, ledgerPath, moveTillToNewIdentity, restoreLedger } from './till-maintenance.js';
import { parseTillCommand } from './till-options.js';

let till: TestTill | null = null;
let dataDir = '';
afterEach(() => {
  till?.cleanup();
  till = null;
  if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
});

/** A data folder like `payme-till serve` keeps: till.db and till-device.json, server unreachable. */
function dataFolder(): string {
  till = createTestTill();
  cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
  till.ledger.markAcked(2, till.ledger.chainHead().hash);
  dataDir = mkdtempSync(path.join(tmpdir(), 'payme-maint-'));
  rawDb(till.ledger).exec(`VACUUM INTO '${ledgerPath(dataDir)}'`);
  writeTillDevice(dataDir, {
    server_url: 'http://127.0.0.1:9',
    enrollment: { till_id: ids.till, device_token: 'device-token-0123456789', epoch: 1, server_public_key: 'ab'.repeat(32), business_id: ids.business, store_id: ids.store, receipt_prefix: 'T1' },
    shop_name: 'Duka',
    enrolled_at: '2026-11-26T05:00:00.000Z',
  });
  return dataDir;
}

function sellOn(file: string, clock: ManualClock, seed: number, count: number) {
  const random = new SeededRandom(seed);
  const live = openLedger({ path: file, clock, random });
  try {
    return Array.from({ length: count }, () =>
      live.completeSale(ids.cashier, {
        command_id: uuidv7(clock, random),
        sale_id: uuidv7(clock, random),
        lines: [{ product_id: ids.soap, quantity: 1 }],
        tenders: [{ kind: 'cash', amount: 10_000, tendered: 10_000 }],
      }),
    );
  } finally {
    live.close();
  }
}

describe('payme-till backup and restore', () => {
  it('backs up a running ledger; an offline restore is refused unless forced; a forced one imports what only the replaced file held and sells in a new receipt series', async () => {
    const dir = dataFolder();
    const backup = path.join(dir, 'backup.db');
    expect((await backupLedger(dir, backup)).bytes).toBeGreaterThan(0);
    expect(await asyncRefusal(backupLedger(dir, backup))).toMatchObject({ field: 'to' });
    expect(await asyncRefusal(backupLedger(path.join(dir, 'nowhere'), path.join(dir, 'b2.db')))).toMatchObject({ field: 'data' });
    const inBackup = openLedger({ path: backup, clock: new ManualClock(), random: new SeededRandom(1) });
    const backupEvents = inBackup.chainHead().seq;
    inBackup.close();

    // The till sold on after the backup, and those sales are not on the server yet.
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 9, 0, 0));
    const later = sellOn(ledgerPath(dir), clock, 5, 2);
    expect(await asyncRefusal(restoreLedger({ data_dir: dir, from: backup, force_offline: false, replace_unreadable: false }, clock))).toMatchObject({ code: 'offline', field: 'force-offline' });
    expect(await asyncRefusal(restoreLedger({ data_dir: dir, from: path.join(dir, 'missing.db'), force_offline: true, replace_unreadable: false }, clock))).toMatchObject({ field: 'from' });

    const result = await restoreLedger({ data_dir: dir, from: backup, force_offline: true, replace_unreadable: false }, clock);
    expect(result).toMatchObject({ online: false, recovered: false, imported: { events: 2, unsynced_in_replaced: 2, skipped: backupEvents }, not_imported_reason: null, unsynced_count: 2 });
    expect(result.receipt_series).toMatch(/^T1R[A-Z0-9]{2}$/);
    expect(result.replaced_kept_as !== null && existsSync(result.replaced_kept_as)).toBe(true);

    const restored = openLedger({ path: ledgerPath(dir), clock, random: new SeededRandom(6) });
    try {
      expect(restored.restoreState().restored_at).not.toBeNull();
      // The sales only the replaced file held are back, once each, with their receipt numbers.
      for (const sale of later) expect(restored.getSale({ sale_id: sale.sale_id }).sale.receipt_no).toBe(sale.receipt_no);
      expect(rawDb(restored).prepare("SELECT count(*) AS n FROM outbox WHERE type = 'sale_completed'").get()).toEqual({ n: 3 });
      expect(restored.pendingEvents(10).map((event) => event.event_id)).toEqual(
        (rawDb(restored).prepare("SELECT event_id FROM outbox WHERE seq > ? ORDER BY seq").all(backupEvents) as { event_id: string }[]).map((row) => row.event_id),
      );
      const sale = restored.completeSale(ids.cashier, { command_id: '01930000-0000-7000-8000-0000000001b1', sale_id: '01930000-0000-7000-8000-0000000001b2', lines: [{ product_id: ids.soap, quantity: 1 }], tenders: [{ kind: 'cash', amount: 10_000, tendered: 10_000 }] });
      // No number the replaced disk gave is given again.
      expect(sale.receipt_no).toBe(`${result.receipt_series}-000001`);
      expect(restored.verifyLedger()).toEqual([]);
    } finally {
      restored.close();
    }
  });

  it('a replaced ledger that cannot be read is refused unless --replace-unreadable, and then kept aside unimported', async () => {
    const dir = dataFolder();
    const backup = path.join(dir, 'backup.db');
    await backupLedger(dir, backup);
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 9, 0, 0));
    sellOn(ledgerPath(dir), clock, 7, 1);
    // A tampered journal: the file opens, but its chain no longer verifies.
    const raw = new Database(ledgerPath(dir));
    raw.exec('DROP TRIGGER outbox_rows_are_never_edited');
    raw.prepare("UPDATE outbox SET envelope = replace(envelope, '\"quantity\":1', '\"quantity\":9') WHERE seq = (SELECT max(seq) FROM outbox)").run();
    raw.close();
    expect(await asyncRefusal(restoreLedger({ data_dir: dir, from: backup, force_offline: true, replace_unreadable: false }, clock))).toMatchObject({
      field: 'replace-unreadable',
      details: { reason: expect.stringContaining('journal breaks') },
    });
    // Not a database at all.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${ledgerPath(dir)}${suffix}`, { force: true });
    writeFileSync(ledgerPath(dir), 'this is not a database, the disk garbled it'.repeat(200));
    expect(await asyncRefusal(restoreLedger({ data_dir: dir, from: backup, force_offline: true, replace_unreadable: false }, clock))).toMatchObject({ field: 'replace-unreadable' });
    const result = await restoreLedger({ data_dir: dir, from: backup, force_offline: true, replace_unreadable: true }, clock);
    expect(result).toMatchObject({ imported: null, not_imported_reason: expect.any(String), unsynced_count: 0 });
    expect(existsSync(result.replaced_kept_as!)).toBe(true);
  });

  it('refuses a backup of another till and a data folder never enrolled', async () => {
    const dir = dataFolder();
    const other = path.join(dir, 'other.db');
    copyFileSync(ledgerPath(dir), other);
    const db = openLedger({ path: other, clock: new ManualClock(), random: new SeededRandom(1) });
    rawDb(db).prepare("UPDATE till_identity SET till_id = '01930000-0000-7000-8000-0000000000ee'").run();
    db.close();
    expect(await asyncRefusal(restoreLedger({ data_dir: dir, from: other, force_offline: true, replace_unreadable: true }))).toMatchObject({ field: 'from' });
    rmSync(path.join(dir, 'till-device.json'));
    expect(await asyncRefusal(restoreLedger({ data_dir: dir, from: other, force_offline: true, replace_unreadable: true }))).toMatchObject({ field: 'data' });
  });

  it('restore refuses a wrong or truncated backup and backup refuses a damaged ledger, with the reason and nothing changed', async () => {
    const dir = dataFolder();
    const backup = path.join(dir, 'backup.db');
    await backupLedger(dir, backup);
    const folderBefore = () => readdirSync(dir).sort().map((name) => `${name}:${readFileSync(path.join(dir, name)).length}`);
    const ledgerBefore = readFileSync(ledgerPath(dir));
    const truncated = path.join(dir, 'truncated.db');
    writeFileSync(truncated, readFileSync(backup).subarray(0, Math.floor(readFileSync(backup).length / 3)));
    const text = path.join(dir, 'notes.db');
    writeFileSync(text, 'this is not a backup\n');
    const listing = folderBefore();
    for (const from of [truncated, text]) {
      const refusal = await asyncRefusal(restoreLedger({ data_dir: dir, from, force_offline: true, replace_unreadable: true }));
      expect(refusal).toMatchObject({ code: 'invalid_input', field: 'from' });
      expect(refusal.message).toMatch(/is not a sound till ledger backup \(.+\); nothing was changed/);
      expect(folderBefore()).toEqual(listing);
      expect(readFileSync(ledgerPath(dir)).equals(ledgerBefore)).toBe(true);
    }
    // A data folder whose ledger is damaged is refused by backup, and no file is written.
    const damaged = mkdtempSync(path.join(tmpdir(), 'payme-maint-damaged-'));
    writeFileSync(ledgerPath(damaged), readFileSync(truncated));
    const refusal = await asyncRefusal(backupLedger(damaged, path.join(damaged, 'b.db')));
    expect(refusal).toMatchObject({ field: 'data', message: expect.stringContaining('cannot be backed up') });
    expect(readdirSync(damaged)).toEqual(['till.db']);
    rmSync(damaged, { recursive: true, force: true });
  });

  it('move-to-new-till refuses a till the server never fenced (here: cannot reach it)', async () => {
    const dir = dataFolder();
    expect(await asyncRefusal(moveTillToNewIdentity(dir, 'ABCD-EFGH-JKMN'))).toMatchObject({ code: 'not_fenced', field: 'code' });
  });

  it('parses the commands, naming the missing flag', () => {
    expect(parseTillCommand(['backup', '--data', 'd', '--to', 'b.db'], '/x')).toEqual({ command: 'backup', data_dir: '/x/d', to: '/x/b.db' });
    expect(parseTillCommand(['restore', '--data', 'd', '--from', 'b.db', '--force-offline'], '/x')).toEqual({ command: 'restore', data_dir: '/x/d', from: '/x/b.db', force_offline: true, replace_unreadable: false });
    expect(parseTillCommand(['move-to-new-till', '--data', 'd', '--code', ' AB-CD '], '/x')).toEqual({ command: 'move-to-new-till', data_dir: '/x/d', code: 'AB-CD' });
    expect(() => parseTillCommand(['restore', '--data', 'd'], '/x')).toThrow(expect.objectContaining({ field: 'from' }));
    expect(() => parseTillCommand(['backup', '--to', 'b.db'], '/x')).toThrow(expect.objectContaining({ field: 'data' }));
    expect(() => parseTillCommand(['move-to-new-till', '--data', 'd'], '/x')).toThrow(expect.objectContaining({ field: 'code' }));
  });
});
