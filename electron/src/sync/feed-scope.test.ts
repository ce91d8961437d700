import { describe, expect, it } from 'vitest';
import { ledgerChange, ledgerChanges } from './feed-scope.js';

const scope = { till_id: 'till-1', store_id: 'store-1' };
const change = (kind: string, id: string, data: unknown) => ({ cursor: '5', kind, id, data });

describe('what a till keeps of the feed', () => {
  it('passes the server\'s records through in the server\'s names', () => {
    expect(ledgerChange(change('product', 'p', { name: 'Soap', price_cents: 9_950 }), scope)).toEqual(change('product', 'p', { name: 'Soap', price_cents: 9_950 }));
    expect(ledgerChange(change('customer', 'c', { name: 'A', credit_limit_cents: 5 }), scope)?.data).toEqual({ name: 'A', credit_limit_cents: 5 });
    expect(ledgerChange(change('credit_balance', 'c', { balance_cents: -3 }), scope)?.data).toEqual({ balance_cents: -3 });
  });

  it('keeps only this store\'s stock levels, keyed by product, and only this till\'s till_state', () => {
    expect(ledgerChange(change('stock_level', 'store-1:p1', { store_id: 'store-1', product_id: 'p1', on_hand: 4 }), scope)).toEqual(change('stock_level', 'p1', { store_id: 'store-1', product_id: 'p1', on_hand: 4 }));
    expect(ledgerChange(change('stock_level', 'store-2:p1', { store_id: 'store-2', product_id: 'p1', on_hand: 4 }), scope)).toBeNull();
    expect(ledgerChange(change('till_state', 'till-2', { till_id: 'till-2', acked_seq: 3 }), scope)).toBeNull();
    expect(ledgerChange(change('till_state', 'till-1', { till_id: 'till-1', acked_seq: 3 }), scope)?.id).toBe('till-1');
  });

  it('drops kinds the till keeps nothing of and passes deletions', () => {
    const page = { cursor: '9', acked_seq: 0, changes: [change('store', 's', {}), change('till', 't', {}), change('product', 'p', null), change('setting', 'k', [1])] };
    expect(ledgerChanges(page, scope).map((c) => [c.kind, c.data])).toEqual([['product', null], ['setting', [1]]]);
  });
});
