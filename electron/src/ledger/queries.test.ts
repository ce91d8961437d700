import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError, type SettingKey } from '@payme/shared';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { businessDay } from './settings.js';
import { ftsQuery } from './queries.js';

let till: TestTill;
afterEach(() => till?.cleanup());

describe('todaySales', () => {
  it("counts the business day in Nairobi time, not UTC, and leaves voids out of the takings", () => {
    till = createTestTill();
    till.clock.set(Date.UTC(2026, 10, 26, 20, 59)); // 23:59 in Nairobi on the 26th
    const late = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    till.clock.set(Date.UTC(2026, 10, 26, 21, 1)); // 00:01 on the 27th
    const first = cashSale(till, [{ product_id: ids.soap, quantity: 2 }]);
    const voided = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    till.ledger.voidSale(ids.manager, { command_id: till.id(), sale_id: voided.sale_id, reason: 'Wrong item' });
    const today = till.ledger.todaySales({});
    expect(today.business_day).toBe('2026-11-27');
    expect(today.count).toBe(1);
    expect(today.total).toBe(first.total);
    expect(today.by_tender).toEqual([{ tender: 'cash', amount: first.total }]);
    expect(today.sales.map((sale) => [sale.sale_id, sale.status])).toEqual([
      [voided.sale_id, 'voided'],
      [first.sale_id, 'completed'],
    ]);
    expect(today.sales.map((sale) => sale.sale_id)).not.toContain(late.sale_id);
  });

  it('honours a business-day cutoff and time zone from the server settings, as the server sends them', () => {
    expect(businessDay(Date.UTC(2026, 10, 26, 23, 30), 'Africa/Nairobi', 4 * 60)).toBe('2026-11-26'); // 02:30 next day, before a 04:00 cutoff
    till = createTestTill();
    // The owner's settings, named and shaped as the server's feed carries them (owner/settings.ts:
    // id = the key of shared's setting_schemas, data = { key, value }). The till used to read a
    // 'business_day_cutoff_hour' nobody sends, so its days always turned at midnight.
    const setting = (cursor: string, key: SettingKey, value: unknown) => ({ cursor, kind: 'setting' as const, id: key, data: { key, value } });
    till.ledger.applyServerBatch({ changes: [setting('1', 'time_zone', 'UTC'), setting('2', 'business_day_cutoff', '02:30')], acked_seq: 0, cursor: '2' });
    till.clock.set(Date.UTC(2026, 10, 27, 2, 29));
    expect(till.ledger.todaySales({}).business_day).toBe('2026-11-26');
    till.clock.set(Date.UTC(2026, 10, 27, 2, 30));
    expect(till.ledger.todaySales({}).business_day).toBe('2026-11-27');
    till.clock.set(Date.UTC(2026, 10, 27, 1, 0));
    expect(till.ledger.todaySales({}).business_day).toBe('2026-11-26');
    till.ledger.applyServerBatch({ changes: [{ cursor: '3', kind: 'setting', id: 'time_zone', data: { value: 'Not/AZone' } }], acked_seq: 0, cursor: '3' });
    expect(till.ledger.todaySales({}).business_day).toBe('2026-11-27'); // back to Nairobi
  });
});

describe('sales, payments and search', () => {
  it('finds a sale by receipt number, and says so when there is none', () => {
    till = createTestTill();
    const sale = cashSale(till, [{ product_id: ids.bread, quantity: 1 }]);
    expect(till.ledger.getSale({ receipt_no: sale.receipt_no }).sale.total).toBe(sale.total);
    expect(() => till.ledger.getSale({ receipt_no: 'T1-999999' })).toThrow(PaymeError);
    expect(() => till.ledger.getSale({ sale_id: till.id() })).toThrow(/no sale/);
  });

  it('reports a payment from the feed, and an unknown one as not found', () => {
    till = createTestTill();
    const payment_id = till.id();
    till.ledger.applyServerBatch({
      changes: [{ cursor: '5', kind: 'payment', id: payment_id, data: { state: 'failed', amount: 10_000, result_code: 1032, cashier_message: 'Customer cancelled' } }],
      acked_seq: 0,
      cursor: '5',
    });
    expect(till.ledger.getPayment({ payment_id })).toMatchObject({ payment_id, state: 'failed', result_code: 1032, cashier_message: 'Customer cancelled' });
    expect(() => till.ledger.getPayment({ payment_id: till.id() })).toThrow(/not heard/);
  });

  it('turns typed text into a safe FTS5 prefix query', () => {
    expect(ftsQuery('sug 2kg')).toBe('"sug"* "2kg"*');
    expect(ftsQuery('NEAR(a b) "x')).toBe('"NEAR"* "a"* "b"* "x"*');
    expect(ftsQuery(' ** ')).toBeNull();
  });
});
