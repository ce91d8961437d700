import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError, hashSecret } from '@payme/shared';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

const onHand = (product_id: string) => till.ledger.stockOnHand({ product_ids: [product_id] }).levels[0]!.on_hand;

describe('applyServerBatch', () => {
  it('on hand = server level at the cursor + own movements beyond the acked seq (DESIGN §4)', () => {
    till = createTestTill();
    cashSale(till, [{ product_id: ids.soap, quantity: 2 }]); // seq 2 (seq 1 opened the shift)
    cashSale(till, [{ product_id: ids.soap, quantity: 3 }]); // seq 3
    expect(onHand(ids.soap)).toBe(15);
    // The server has applied seq 2 (and another till sold 4): its level is 20 - 2 - 4 = 14.
    till.ledger.applyServerBatch({ changes: [{ cursor: '40', kind: 'stock_level', id: ids.soap, data: { on_hand: 14 } }], acked_seq: 2, cursor: '40' });
    expect(onHand(ids.soap)).toBe(14 - 3);
    expect(till.ledger.unsyncedCount()).toBe(1);
    expect(till.ledger.ackedSeq()).toBe(2);
    expect(till.ledger.feedCursor()).toBe('40');
    expect(till.ledger.eventsFrom(2, 10).map((event) => event.seq)).toEqual([2, 3]);
    expect(till.ledger.verifyLedger()).toEqual([]);
  });

  it('a push acknowledgement alone does not drop own movements from the figure', () => {
    till = createTestTill();
    cashSale(till, [{ product_id: ids.soap, quantity: 2 }]);
    const head = till.ledger.chainHead();
    till.ledger.markAcked(head.seq, head.hash);
    expect(till.ledger.unsyncedCount()).toBe(0);
    expect(till.ledger.pendingEvents(10)).toEqual([]);
    expect(onHand(ids.soap)).toBe(18);
  });

  it('refuses an ack for a seq this till never wrote or with another hash', () => {
    till = createTestTill();
    const head = till.ledger.chainHead();
    expect(() => till.ledger.markAcked(head.seq + 5, head.hash)).toThrow(PaymeError);
    expect(() => till.ledger.markAcked(head.seq, 'f'.repeat(64))).toThrow(/differs/);
  });

  it('recomputes credit balances by the same formula', () => {
    till = createTestTill();
    till.ledger.recordCreditPayment(ids.cashier, { command_id: till.id(), entry_id: till.id(), customer_id: ids.wanjiku, amount: 5_000, tender: 'cash' });
    expect(till.ledger.searchCustomers({ query: 'Wanjiku' }).customers[0]!.balance).toBe(-5_000);
    till.ledger.applyServerBatch({ changes: [{ cursor: '41', kind: 'credit_balance', id: ids.wanjiku, data: { balance_cents: 20_000 } }], acked_seq: 0, cursor: '41' });
    expect(till.ledger.searchCustomers({ query: 'Wanjiku' }).customers[0]!.balance).toBe(15_000);
  });

  it('applies prices, settings, payments and deactivations; skips levels of unknown products', () => {
    till = createTestTill();
    const unknown = '01930000-0000-7000-8000-00000000ffff';
    const result = till.ledger.applyServerBatch({
      changes: [
        { cursor: '50', kind: 'price', id: ids.soap, data: { price_cents: 12_000 } },
        { cursor: '51', kind: 'stock_level', id: unknown, data: { on_hand: 3 } },
        { cursor: '52', kind: 'setting', id: 'time_zone', data: { value: 'Africa/Kampala' } },
        { cursor: '53', kind: 'product', id: ids.oil, data: null },
        { cursor: '54', kind: 'till_state', id: ids.till, data: { receipt_counter: 41 } },
      ],
      acked_seq: 0,
      cursor: '54',
    });
    expect(result.skipped).toEqual([{ index: 1, kind: 'stock_level', id: unknown, reason: 'unknown product' }]);
    expect(till.ledger.lookupBarcode({ barcode: '6001000000028' }).product?.unit_price).toBe(12_000);
    expect(till.ledger.searchProducts({ query: 'oil' }).products).toEqual([]);
    expect(cashSale(till, [{ product_id: ids.sugar, quantity: 1_000 }]).receipt_no).toBe('T1-000042');
  });

  it('keeps a staff member without a PIN (an owner who only signs in on the web) unable to sign in on the till', () => {
    till = createTestTill();
    const owner = '01930000-0000-7000-8000-00000000eeee';
    till.ledger.applyServerBatch({ changes: [{ cursor: '55', kind: 'staff', id: owner, data: { name: 'Mama Duka', role: 'owner', pin_hash: null } }], acked_seq: 0, cursor: '55' });
    let refused: unknown;
    try {
      till.ledger.login({ staff_id: owner, pin: '0000' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PaymeError);
    expect((refused as PaymeError).code).toBe('not_found');
    // Once the owner sets a PIN, the same record (now with its hash) lets them sign in.
    const pin_hash = hashSecret('4821', till.random);
    till.ledger.applyServerBatch({ changes: [{ cursor: '56', kind: 'staff', id: owner, data: { name: 'Mama Duka', role: 'owner', pin_hash } }], acked_seq: 0, cursor: '56' });
    expect(till.ledger.login({ staff_id: owner, pin: '4821' }).staff).toMatchObject({ staff_id: owner, name: 'Mama Duka' });
  });

  it('refuses a malformed change, naming it, and applies nothing of the batch', () => {
    till = createTestTill();
    let error: unknown;
    try {
      till.ledger.applyServerBatch({
        changes: [
          { cursor: '60', kind: 'price', id: ids.soap, data: { price_cents: 1 } },
          { cursor: '61', kind: 'price', id: ids.bread, data: { price_cents: -5 } },
        ],
        acked_seq: 0,
        cursor: '61',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PaymeError);
    expect((error as PaymeError).field).toBe('changes.1.data.price_cents');
    expect(till.ledger.lookupBarcode({ barcode: '6001000000028' }).product?.unit_price).toBe(9_950);
  });
});

describe('product search', () => {
  it('finds by name prefix, SKU and barcode prefix; exact barcode lookup', () => {
    till = createTestTill();
    expect(till.ledger.searchProducts({ query: 'gei so' }).products.map((p) => p.product_id)).toEqual([ids.soap]);
    expect(till.ledger.searchProducts({ query: 'BRD' }).products.map((p) => p.product_id)).toEqual([ids.bread]);
    expect(till.ledger.searchProducts({ query: '600100000004' }).products.map((p) => p.product_id)).toEqual([ids.oil]);
    expect(till.ledger.searchProducts({ query: '  "  ' }).products).toEqual([]);
    expect(till.ledger.searchProducts({ query: 'soap OR "' }).products).toEqual([]);
    expect(till.ledger.lookupBarcode({ barcode: '6001000000011' }).product?.name).toBe('Sugar loose');
    expect(till.ledger.lookupBarcode({ barcode: '600100000001' }).product).toBeNull();
  });

  it('keeps the index in step when the server renames a product', () => {
    till = createTestTill();
    const catalogEntry = { sku: 'SOAP-225', barcode: '6001000000028', unit: 'piece', price_cents: 9_950, vat_class: 'standard', stock_policy: 'block' };
    till.ledger.applyServerBatch({ changes: [{ cursor: '70', kind: 'product', id: ids.soap, data: { name: 'Menengai bar soap', ...catalogEntry } }], acked_seq: 0, cursor: '70' });
    expect(till.ledger.searchProducts({ query: 'geisha' }).products).toEqual([]);
    expect(till.ledger.searchProducts({ query: 'menen' }).products.map((p) => p.product_id)).toEqual([ids.soap]);
  });
});
