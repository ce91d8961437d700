/**
 * The barcode index's reads (issue 17): the renderer keeps the catalogue in memory and asks the
 * ledger only for what changed after the change number it has. A price from the feed, a stock
 * level, this till's own sale and a product taken off the catalogue each come back once, in
 * change order; nothing else does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

describe('barcodeIndex', () => {
  it('pages through the whole catalogue from 0, then answers nothing until a row changes', () => {
    till = createTestTill();
    const first = till.ledger.barcodeIndex({ since: 0, limit: 3 });
    expect(first.products).toHaveLength(3);
    expect(first.more).toBe(true);
    expect(first.reset).toBe(false);
    const rest = till.ledger.barcodeIndex({ since: first.change_no, limit: 3 });
    const all = [...first.products, ...rest.products].map((p) => p.product_id);
    expect(new Set(all)).toEqual(new Set([ids.sugar, ids.soap, ids.bread, ids.oil]));
    expect(all).toHaveLength(4);
    expect(rest.more).toBe(false);
    expect(till.ledger.barcodeIndex({ since: rest.change_no })).toEqual({ products: [], change_no: rest.change_no, more: false, reset: false });
  });

  it("a price from the feed, this till's own sale and a removed product each come back once, in that order", () => {
    till = createTestTill();
    const loaded = till.ledger.barcodeIndex({});
    const soap = loaded.products.find((p) => p.product_id === ids.soap)!;
    till.ledger.applyServerBatch({ changes: [{ cursor: '40', kind: 'price', id: ids.soap, data: { price_cents: soap.unit_price + 500 } }], acked_seq: 0, cursor: '40' });
    const priced = till.ledger.barcodeIndex({ since: loaded.change_no });
    expect(priced.products).toEqual([{ ...soap, unit_price: soap.unit_price + 500 }]);

    cashSale(till, [{ product_id: ids.bread, quantity: 2 }]);
    const sold = till.ledger.barcodeIndex({ since: priced.change_no });
    expect(sold.products.map((p) => [p.product_id, p.on_hand])).toEqual([[ids.bread, 3]]);

    till.ledger.applyServerBatch({ changes: [{ cursor: '41', kind: 'product', id: ids.oil, data: null }], acked_seq: 0, cursor: '41' });
    const removed = till.ledger.barcodeIndex({ since: sold.change_no });
    expect(removed.products.map((p) => [p.product_id, p.active])).toEqual([[ids.oil, false]]);
    expect(removed.change_no).toBeGreaterThan(sold.change_no);
  });

  it('a change number beyond the ledger (a restored ledger) starts again from 0 and says so', () => {
    till = createTestTill();
    const loaded = till.ledger.barcodeIndex({});
    const again = till.ledger.barcodeIndex({ since: loaded.change_no + 1_000 });
    expect(again.reset).toBe(true);
    expect(again.products.map((p) => p.product_id).sort()).toEqual(loaded.products.map((p) => p.product_id).sort());
  });

  it('refuses a negative change number with the field named', () => {
    till = createTestTill();
    expect(() => till.ledger.barcodeIndex({ since: -1 })).toThrow(/since/);
  });
});
