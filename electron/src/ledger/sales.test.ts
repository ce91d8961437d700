import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, expectedTotal, ids, pins, type TestTill, refusal } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

function onHand(product_id: string): number {
  return till.ledger.stockOnHand({ product_ids: [product_id] }).levels[0]!.on_hand;
}

describe('completeSale', () => {
  it('sells 1.25 kg of sugar and 2 soaps: totals, VAT, rounding, stock down by exactly the quantities, one event', () => {
    till = createTestTill();
    const before = till.ledger.unsyncedCount();
    const lines = [
      { product_id: ids.sugar, quantity: 1_250 },
      { product_id: ids.soap, quantity: 2 },
    ];
    const result = cashSale(till, lines);
    // 1.25 kg × 160.00 = 200.00; 2 × 99.50 = 199.00 → 399.00
    expect(result.subtotal).toBe(39_900);
    expect(result.total).toBe(expectedTotal(lines));
    expect(result.receipt_no).toBe('T1-000001');
    expect(result.vat_total).toBe(Math.round((20_000 * 16) / 116) + Math.round((19_900 * 16) / 116));
    expect(onHand(ids.sugar)).toBe(50_000 - 1_250);
    expect(onHand(ids.soap)).toBe(18);
    expect(till.ledger.unsyncedCount()).toBe(before + 1);
    expect(till.ledger.verifyLedger()).toEqual([]);
  });

  it('rounds the payable total to whole shillings with a visible rounding line', () => {
    till = createTestTill();
    // 333 ml of oil at 330.00 per litre = 109.89 → 110.00, rounding +0.11
    const result = cashSale(till, [{ product_id: ids.oil, quantity: 333 }]);
    expect(result.subtotal).toBe(10_989);
    expect(result.rounding).toBe(11);
    expect(result.total).toBe(11_000);
  });

  it('gives change on cash and numbers receipts gaplessly', () => {
    till = createTestTill();
    const first = till.ledger.completeSale(ids.cashier, {
      command_id: till.id(),
      sale_id: till.id(),
      lines: [{ product_id: ids.soap, quantity: 1 }],
      tenders: [{ kind: 'cash', amount: 10_000, tendered: 20_000 }],
    });
    // 99.50 rounds to 100.00 payable
    expect(first.rounding).toBe(50);
    expect(first.change).toBe(10_000);
    const second = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    expect(second.receipt_no).toBe('T1-000002');
    expect(till.ledger.getSale({ receipt_no: 'T1-000002' }).sale.sale_id).toBe(second.sale_id);
  });

  it('refuses to sell beyond stock under "block" and writes nothing', () => {
    till = createTestTill();
    const before = till.ledger.unsyncedCount();
    const error = refusal(() => cashSale(till, [{ product_id: ids.soap, quantity: 21 }]));
    expect(error.code).toBe('stock_insufficient');
    expect(error.field).toBe('lines.0.quantity');
    expect(onHand(ids.soap)).toBe(20);
    expect(till.ledger.unsyncedCount()).toBe(before);
  });

  it('sells beyond stock under "allow_with_override" only with a manager PIN, and records the approver', () => {
    till = createTestTill();
    const lines = [{ product_id: ids.bread, quantity: 7 }];
    const total = expectedTotal(lines);
    const base = { sale_id: till.id(), lines, tenders: [{ kind: 'cash', amount: total }] };
    const error = refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...base }));
    expect(error.code).toBe('stock_insufficient');
    expect(error.details['override_allowed']).toBe(true);
    const result = till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...base, approval: { manager_id: ids.manager, pin: pins.manager } });
    expect(onHand(ids.bread)).toBe(-2);
    const event = till.ledger.pendingEvents(100).at(-1)!;
    expect(event.approver_id).toBe(ids.manager);
    expect(event.type === 'sale_completed' && event.payload.stock_overrides).toEqual([{ product_id: ids.bread, on_hand_before: 5, approved_by: ids.manager }]);
    expect(result.total).toBe(total);
  });

  it('refuses tenders that do not add up to the total', () => {
    till = createTestTill();
    const error = refusal(() =>
      till.ledger.completeSale(ids.cashier, {
        command_id: till.id(),
        sale_id: till.id(),
        lines: [{ product_id: ids.soap, quantity: 1 }],
        tenders: [{ kind: 'cash', amount: 100 }],
      }),
    );
    expect(error.code).toBe('invalid_amount');
    expect(error.field).toBe('tenders');
  });
});

describe('discounts and price overrides', () => {
  it('a line discount or a price override needs a manager, who is recorded on the line; VAT is split on what was charged', () => {
    till = createTestTill();
    const approval = { manager_id: ids.manager, pin: pins.manager };
    const discounted = { product_id: ids.soap, quantity: 2, discount_bp: 1_000 }; // 10 % off 199.00 = 19.90
    const base = { sale_id: till.id(), lines: [discounted], tenders: [{ kind: 'cash', amount: 17_900 }] };
    expect(refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...base })).code).toBe('approval_required');
    const sale = till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...base, approval });
    expect([sale.subtotal, sale.discount, sale.rounding, sale.total]).toEqual([19_900, 1_990, -10, 17_900]);
    const line = till.ledger.getSale({ sale_id: sale.sale_id }).sale.lines[0]!;
    expect(line).toMatchObject({ gross: 17_910, discount: 1_990, vat: 2_470, net: 15_440, override_approved_by: ids.manager });
    const override = { sale_id: till.id(), lines: [{ product_id: ids.bread, quantity: 1, unit_price: 6_000 }], tenders: [{ kind: 'cash', amount: 6_000 }] };
    expect(refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...override })).code).toBe('approval_required');
    expect(till.ledger.completeSale(ids.manager, { command_id: till.id(), ...override }).total).toBe(6_000);
  });

  it('quotes a cart exactly as the sale will charge it, writing nothing', () => {
    till = createTestTill();
    const lines = [{ product_id: ids.soap, quantity: 2, discount_bp: 1_000 }, { product_id: ids.oil, quantity: 333 }];
    const quote = till.ledger.quoteSale({ lines });
    expect(quote.needs_approval).toBe(true);
    expect(till.ledger.unsyncedCount()).toBe(1);
    const sale = till.ledger.completeSale(ids.manager, { command_id: till.id(), sale_id: till.id(), lines, tenders: [{ kind: 'cash', amount: quote.total }] });
    expect([sale.subtotal, sale.discount, sale.vat_total, sale.rounding, sale.total]).toEqual([quote.subtotal, quote.discount, quote.vat_total, quote.rounding, quote.total]);
    expect(till.ledger.quoteSale({ lines: [{ product_id: ids.soap, quantity: 1 }] }).needs_approval).toBe(false);
  });

  it('a sale discount within the cashier allowance set by the server needs nobody', () => {
    till = createTestTill();
    till.ledger.applyServerBatch({ changes: [{ cursor: '1', kind: 'setting', id: 'cashier_discount_bp_max', data: { value: 500 } }], acked_seq: 0, cursor: '1' });
    const sale = till.ledger.completeSale(ids.cashier, {
      command_id: till.id(),
      sale_id: till.id(),
      discount_bp: 500,
      lines: [{ product_id: ids.sugar, quantity: 1_000 }],
      tenders: [{ kind: 'cash', amount: 15_200 }],
    });
    expect([sale.discount, sale.total]).toEqual([800, 15_200]);
    expect(till.ledger.pendingEvents(50).at(-1)!.approver_id).toBeUndefined();
  });
});

describe('idempotency', () => {
  it('replaying a command id returns the first result and changes nothing', () => {
    till = createTestTill();
    const input = {
      command_id: till.id(),
      sale_id: till.id(),
      lines: [{ product_id: ids.soap, quantity: 3 }],
      tenders: [{ kind: 'cash', amount: expectedTotal([{ product_id: ids.soap, quantity: 3 }]) }],
    };
    const first = till.ledger.completeSale(ids.cashier, input);
    const events = till.ledger.unsyncedCount();
    const again = till.ledger.completeSale(ids.cashier, input);
    expect(again).toEqual(first);
    expect(till.ledger.unsyncedCount()).toBe(events);
    expect(onHand(ids.soap)).toBe(17);
  });

  it('the same command id with different content is a conflict naming both hashes', () => {
    till = createTestTill();
    const command_id = till.id();
    till.ledger.completeSale(ids.cashier, {
      command_id,
      sale_id: till.id(),
      lines: [{ product_id: ids.soap, quantity: 1 }],
      tenders: [{ kind: 'cash', amount: 10_000 }],
    });
    const error = refusal(() =>
      till.ledger.completeSale(ids.cashier, {
        command_id,
        sale_id: till.id(),
        lines: [{ product_id: ids.soap, quantity: 2 }],
        tenders: [{ kind: 'cash', amount: 19_900 }],
      }),
    );
    expect(error.code).toBe('command_conflict');
    expect(error.details).toMatchObject({ command_id });
    expect(error.details['first_hash']).not.toEqual(error.details['new_hash']);
  });
});
