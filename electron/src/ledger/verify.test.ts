import { rawDb } from './raw-db.js';
import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

describe('verifyLedger', () => {
  it('is clean after ordinary work and names a tampered cached stock figure', () => {
    till = createTestTill();
    cashSale(till, [{ product_id: ids.soap, quantity: 2 }]);
    expect(till.ledger.verifyLedger()).toEqual([]);
    rawDb(till.ledger).prepare('UPDATE products SET on_hand = 99 WHERE product_id = ?').run(ids.soap);
    expect(till.ledger.verifyLedger()).toEqual([{ check: 'balance', kind: 'stock', id: ids.soap, cached: 99, expected: 18 }]);
  });

  it('the outbox refuses edits and deletion of unacknowledged rows', () => {
    till = createTestTill();
    const db = rawDb(till.ledger);
    expect(() => db.prepare("UPDATE outbox SET type = 'x' WHERE seq = 1").run()).toThrow(/never edited/);
    expect(() => db.prepare('DELETE FROM outbox WHERE seq = 1').run()).toThrow(/never deleted/);
  });

  it('finds an event whose bytes were changed behind the triggers, and a sale missing its lines', () => {
    till = createTestTill();
    const sale = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    const db = rawDb(till.ledger);
    db.exec('DROP TRIGGER outbox_rows_are_never_edited');
    const row = db.prepare('SELECT seq, envelope FROM outbox WHERE seq = 2').get() as { seq: number; envelope: string };
    const tampered = row.envelope.replace('"total":10000', '"total":1000');
    db.prepare('UPDATE outbox SET envelope = ? WHERE seq = 2').run(tampered);
    db.prepare('DELETE FROM sale_lines WHERE sale_id = ?').run(sale.sale_id);
    const problems = till.ledger.verifyLedger();
    expect(problems).toContainEqual(expect.objectContaining({ check: 'chain', seq: 2, problem: 'hash_mismatch' }));
    expect(problems).toContainEqual(expect.objectContaining({ check: 'event_schema', seq: 2 }));
    expect(problems).toContainEqual(expect.objectContaining({ check: 'sale', sale_id: sale.sale_id, problem: 'sale lines missing' }));
  });

  it('refuses commands before the till is enrolled, and a different till id once events exist', () => {
    till = createTestTill();
    expect(() => till.ledger.setIdentity({ till_id: till.id(), business_id: ids.business, store_id: ids.store, receipt_prefix: 'T9', epoch: 2, server_public_key: 'k' })).toThrow(
      /another till/,
    );
    expect(till.ledger.identity()?.receipt_prefix).toBe('T1');
  });
});

describe('an unenrolled till', () => {
  it('refuses every command until it has an identity', async () => {
    const { openLedger } = await import('./ledger.js');
    const { ManualClock, SeededRandom } = await import('@payme/shared');
    const { tempDir } = await import('../../test/ledger-fixture.js');
    const { rmSync } = await import('node:fs');
    const dir = tempDir();
    const ledger = openLedger({ path: `${dir}/till.db`, clock: new ManualClock(), random: new SeededRandom(3) });
    try {
      expect(ledger.identity()).toBeNull();
      ledger.applyServerBatch({ changes: [{ cursor: '1', kind: 'staff', id: ids.cashier, data: { name: 'A', role: 'cashier', pin_hash: 'scrypt$x' } }], acked_seq: 0, cursor: '1' });
      let code = '';
      try {
        ledger.openShift(ids.cashier, { command_id: '01930000-0000-7000-8000-0000000000e1', shift_id: '01930000-0000-7000-8000-0000000000e2', float: 0 });
      } catch (error) {
        code = (error as { code: string }).code;
      }
      expect(code).toBe('till_not_enrolled');
      expect(ledger.unsyncedCount()).toBe(0);
    } finally {
      ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
