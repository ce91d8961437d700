import { describe, expect, it } from 'vitest';
import { ledgerChange, ledgerChanges } from './feed-compat.js';

const scope = { till_id: 'till-1', store_id: 'store-1' };
const change = (kind: string, id: string, data: unknown) => ({ cursor: '5', kind, id, data });

describe('feed bridge (server feed records → ledger shapes)', () => {
  it('renames the server\'s cents fields to the ledger\'s names', () => {
    expect(ledgerChange(change('product', 'p', { name: 'Soap', price_cents: 9_950 }), scope)?.data).toEqual({ name: 'Soap', unit_price: 9_950 });
    expect(ledgerChange(change('price', 'p', { price_cents: 1 }), scope)?.data).toEqual({ unit_price: 1 });
    expect(ledgerChange(change('customer', 'c', { name: 'A', credit_limit_cents: 5 }), scope)?.data).toEqual({ name: 'A', credit_limit: 5 });
    expect(ledgerChange(change('credit_balance', 'c', { balance_cents: -3 }), scope)?.data).toEqual({ balance: -3 });
    // Already in the ledger's names: unchanged.
    expect(ledgerChange(change('price', 'p', { unit_price: 7, price_cents: 9 }), scope)?.data).toEqual({ unit_price: 7, price_cents: 9 });
  });

  it('keeps only this store\'s stock levels, keyed by product, and only this till\'s till_state', () => {
    expect(ledgerChange(change('stock_level', 'store-1:p1', { store_id: 'store-1', product_id: 'p1', on_hand: 4 }), scope)).toEqual(change('stock_level', 'p1', { store_id: 'store-1', product_id: 'p1', on_hand: 4 }));
    expect(ledgerChange(change('stock_level', 'store-2:p1', { store_id: 'store-2', product_id: 'p1', on_hand: 4 }), scope)).toBeNull();
    expect(ledgerChange(change('till_state', 'till-2', { till_id: 'till-2', acked_seq: 3 }), scope)).toBeNull();
    expect(ledgerChange(change('till_state', 'till-1', { till_id: 'till-1', acked_seq: 3 }), scope)?.id).toBe('till-1');
  });

  it('drops kinds the till keeps nothing of, passes deletions, and disables staff without a PIN', () => {
    const page = { cursor: '9', acked_seq: 0, changes: [change('store', 's', {}), change('till', 't', {}), change('product', 'p', null), change('setting', 'k', [1])] };
    expect(ledgerChanges(page, scope).map((c) => [c.kind, c.data])).toEqual([['product', null], ['setting', [1]]]);
    expect(ledgerChange(change('staff', 'o', { name: 'Owner', role: 'owner', pin_hash: null }), scope)?.data).toEqual({ name: 'Owner', role: 'owner', pin_hash: 'no-pin', active: false });
    expect(ledgerChange(change('staff', 'c', { name: 'C', role: 'cashier', pin_hash: 'h' }), scope)?.data).toEqual({ name: 'C', role: 'cashier', pin_hash: 'h' });
  });
});
