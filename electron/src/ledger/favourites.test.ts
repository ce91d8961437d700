import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { favourites_window_days } from './favourites.js';

let till: TestTill;
afterEach(() => till?.cleanup());

const day_ms = 86_400_000;
const favourites = (limit?: number) => till.ledger.favouriteProducts(limit === undefined ? {} : { limit }).products.map((p) => p.product_id);

describe('favouriteProducts', () => {
  it('is empty on a till that has sold nothing (an empty search is no favourites list)', () => {
    till = createTestTill();
    expect(favourites()).toEqual([]);
    expect(till.ledger.searchProducts({ query: '' }).products).toEqual([]);
  });

  it('lists what this till sold on the most sales, ties by name, within the limit', () => {
    till = createTestTill();
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }, { product_id: ids.sugar, quantity: 2_000 }]);
    cashSale(till, [{ product_id: ids.soap, quantity: 5 }]);
    cashSale(till, [{ product_id: ids.bread, quantity: 1 }]);
    // Per sale, not per quantity: 2 kg of sugar on one sale is not 2,000 favourites.
    // Soap is on two sales; sugar and bread on one each, so by name: "Sugar loose" before "Supaloaf bread".
    expect(favourites()).toEqual([ids.soap, ids.sugar, ids.bread]);
    expect(favourites(1)).toEqual([ids.soap]);
    expect(till.ledger.favouriteProducts({}).products[0]).toMatchObject({ product_id: ids.soap, name: 'Geisha soap 225g', unit: 'piece', unit_price: 9_950 });
  });

  it('leaves out voided sales, sales older than the window, and products no longer on sale', () => {
    till = createTestTill();
    const old = cashSale(till, [{ product_id: ids.oil, quantity: 500 }]);
    expect(old.total).toBeGreaterThan(0);
    till.clock.advance(favourites_window_days * day_ms);
    const voided = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    till.ledger.voidSale(ids.manager, { command_id: till.id(), sale_id: voided.sale_id, reason: 'Wrong item' });
    cashSale(till, [{ product_id: ids.bread, quantity: 1 }]);
    cashSale(till, [{ product_id: ids.sugar, quantity: 1_000 }]);
    expect(favourites()).toEqual([ids.sugar, ids.bread]);
    till.ledger.applyServerBatch({ changes: [{ cursor: '90', kind: 'product', id: ids.bread, data: null }], acked_seq: 0, cursor: '90' });
    expect(favourites()).toEqual([ids.sugar]);
  });
});
