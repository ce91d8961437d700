import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, expectedTotal, ids, pins, type TestTill, refusal } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

const approval = { manager_id: ids.manager, pin: pins.manager };
const onHand = (product_id: string) => till.ledger.stockOnHand({ product_ids: [product_id] }).levels[0]!.on_hand;
const balance = (customer_id: string) => till.ledger.customerStatement({ customer_id }).customer.balance;

function creditSale(quantity: number) {
  const lines = [{ product_id: ids.soap, quantity }];
  return till.ledger.completeSale(ids.cashier, {
    command_id: till.id(),
    sale_id: till.id(),
    customer_id: ids.wanjiku,
    lines,
    tenders: [{ kind: 'credit', amount: expectedTotal(lines) }],
  });
}

describe('voidSale', () => {
  it('needs a manager, then returns stock and the drawer cash; the sale shows as voided', () => {
    till = createTestTill();
    const sale = cashSale(till, [{ product_id: ids.soap, quantity: 4 }]);
    const input = { command_id: till.id(), sale_id: sale.sale_id, reason: 'Customer changed mind' };
    expect(refusal(() => till.ledger.voidSale(ids.cashier, input)).code).toBe('approval_required');
    till.ledger.voidSale(ids.cashier, { ...input, approval });
    expect(onHand(ids.soap)).toBe(20);
    expect(till.ledger.getSale({ sale_id: sale.sale_id }).status).toBe('voided');
    expect(till.ledger.todaySales({}).count).toBe(0);
    expect(refusal(() => till.ledger.voidSale(ids.manager, { command_id: till.id(), sale_id: sale.sale_id, reason: 'again' })).code).toBe(
      'sale_not_refundable',
    );
    const report = till.ledger.closeShift(ids.cashier, { command_id: till.id(), counted: [{ tender: 'cash', amount: 500_000 }] });
    expect(report.variance.find((row) => row.tender === 'cash')!.amount).toBe(0);
    expect(report.voids_count).toBe(1);
  });

  it('a voided credit sale takes the debt off the customer', () => {
    till = createTestTill();
    const sale = creditSale(2);
    expect(balance(ids.wanjiku)).toBe(19_900);
    till.ledger.voidSale(ids.manager, { command_id: till.id(), sale_id: sale.sale_id, reason: 'Wrong customer' });
    expect(balance(ids.wanjiku)).toBe(0);
    expect(till.ledger.verifyLedger()).toEqual([]);
  });
});

describe('refundSale', () => {
  it('refunds part of a line to cash, then the rest; all refunds add up to the sale total', () => {
    till = createTestTill();
    const sale = cashSale(till, [{ product_id: ids.soap, quantity: 3 }]);
    const line_id = till.ledger.getSale({ sale_id: sale.sale_id }).sale.lines[0]!.line_id;
    const base = { sale_id: sale.sale_id, tender: 'cash', reason: 'Damaged', approval };
    const first = till.ledger.refundSale(ids.cashier, { ...base, command_id: till.id(), refund_id: till.id(), lines: [{ line_id, quantity: 1 }] });
    expect(first.total).toBe(9_950);
    expect(till.ledger.getSale({ sale_id: sale.sale_id }).status).toBe('partially_refunded');
    const over = refusal(() => till.ledger.refundSale(ids.cashier, { ...base, command_id: till.id(), refund_id: till.id(), lines: [{ line_id, quantity: 3 }] }));
    expect(over.code).toBe('sale_not_refundable');
    expect(over.field).toBe('lines.0.quantity');
    // The quantities are checked before a manager is asked for (issue 17): without approval too.
    const { approval: _none, ...unapproved } = base;
    expect(refusal(() => till!.ledger.refundSale(ids.cashier, { ...unapproved, command_id: till!.id(), refund_id: till!.id(), lines: [{ line_id, quantity: 3 }] })).code).toBe('sale_not_refundable');
    // What each line has had refunded, for the refund screen.
    expect(till.ledger.getSale({ sale_id: sale.sale_id }).refunded_lines).toEqual([{ line_id, quantity: 1, amount: 9_950 }]);
    const rest = till.ledger.refundSale(ids.cashier, { ...base, command_id: till.id(), refund_id: till.id(), lines: [{ line_id, quantity: 2 }] });
    expect(first.total + rest.total).toBe(sale.total);
    expect(onHand(ids.soap)).toBe(20);
    expect(till.ledger.getSale({ sale_id: sale.sale_id }).status).toBe('refunded');
    expect(refusal(() => till.ledger.voidSale(ids.manager, { command_id: till.id(), sale_id: sale.sale_id, reason: 'x' })).code).toBe('sale_not_refundable');
  });

  it('refunds a credit sale onto the account, never more than was on credit', () => {
    till = createTestTill();
    const sale = creditSale(1);
    const line_id = till.ledger.getSale({ sale_id: sale.sale_id }).sale.lines[0]!.line_id;
    const input = { command_id: till.id(), refund_id: till.id(), sale_id: sale.sale_id, lines: [{ line_id, quantity: 1 }], tender: 'credit', reason: 'Returned' };
    till.ledger.refundSale(ids.manager, input);
    expect(balance(ids.wanjiku)).toBe(0);
    const cash = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    const cashLine = till.ledger.getSale({ sale_id: cash.sale_id }).sale.lines[0]!.line_id;
    const error = refusal(() =>
      till.ledger.refundSale(ids.manager, { ...input, command_id: till.id(), refund_id: till.id(), sale_id: cash.sale_id, lines: [{ line_id: cashLine, quantity: 1 }] }),
    );
    expect(error.code).toBe('sale_not_refundable');
    expect(error.field).toBe('tender');
  });

  it('never refunds cash for goods taken on credit', () => {
    till = createTestTill();
    const sale = creditSale(1);
    const line_id = till.ledger.getSale({ sale_id: sale.sale_id }).sale.lines[0]!.line_id;
    const error = refusal(() =>
      till.ledger.refundSale(ids.manager, { command_id: till.id(), refund_id: till.id(), sale_id: sale.sale_id, lines: [{ line_id, quantity: 1 }], tender: 'cash', reason: 'x' }),
    );
    expect(error.code).toBe('sale_not_refundable');
    expect(error.details['left']).toBe(0);
  });

  it('refuses a line of another sale', () => {
    till = createTestTill();
    const sale = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    const error = refusal(() =>
      till.ledger.refundSale(ids.manager, {
        command_id: till.id(),
        refund_id: till.id(),
        sale_id: sale.sale_id,
        lines: [{ line_id: till.id(), quantity: 1 }],
        tender: 'cash',
        reason: 'x',
      }),
    );
    expect(error.field).toBe('lines.0.line_id');
  });
});

describe('parked sales and M-Pesa', () => {
  it('parks a sale awaiting M-Pesa, completes it when the payment succeeded; one payment pays one sale', () => {
    till = createTestTill();
    const sale_id = till.id();
    const payment_id = till.id();
    const lines = [{ product_id: ids.soap, quantity: 2 }];
    const parked = till.ledger.parkSale(ids.cashier, { command_id: till.id(), sale_id, payment_id, lines, phone: '254712345678' });
    expect(till.ledger.listParkedSales().sales.map((s) => s.sale_id)).toEqual([sale_id]);
    const tender = { kind: 'mpesa', amount: parked.total, payment_id };
    expect(refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, lines, parked: true, tenders: [tender] })).code).toBe(
      'payment_failed',
    );
    till.ledger.applyServerBatch({
      changes: [{ cursor: '80', kind: 'payment', id: payment_id, data: { state: 'succeeded', amount: parked.total, mpesa_receipt: 'SKL4ABCD12', sale_id } }],
      acked_seq: 0,
      cursor: '80',
    });
    expect(till.ledger.resumeParkedSale({ sale_id }).payment_state).toBe('succeeded');
    const done = till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, lines, parked: true, tenders: [tender] });
    expect(till.ledger.getSale({ sale_id }).sale.tenders[0]!.mpesa_receipt).toBe('SKL4ABCD12');
    expect(done.total).toBe(parked.total);
    expect(till.ledger.listParkedSales().sales).toEqual([]);
    const other = refusal(() =>
      till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id: till.id(), lines, tenders: [tender] }),
    );
    expect(other.code).toBe('payment_already_used');
    expect(refusal(() => till.ledger.voidSale(ids.manager, { command_id: till.id(), sale_id, reason: 'x' })).code).toBe('sale_not_refundable');
    const line_id = till.ledger.getSale({ sale_id }).sale.lines[0]!.line_id;
    const reversal = till.ledger.refundSale(ids.manager, {
      command_id: till.id(),
      refund_id: till.id(),
      sale_id,
      lines: [{ line_id, quantity: 2 }],
      tender: 'mpesa_reversal',
      reason: 'Customer returned both',
    });
    expect(reversal.tenders).toEqual([{ kind: 'mpesa_reversal', amount: parked.total }]);
  });

  it('abandons a parked sale; resuming it afterwards is refused', () => {
    till = createTestTill();
    const sale_id = till.id();
    till.ledger.parkSale(ids.cashier, { command_id: till.id(), sale_id, payment_id: till.id(), lines: [{ product_id: ids.soap, quantity: 1 }] });
    till.ledger.abandonParkedSale(ids.cashier, { command_id: till.id(), sale_id, reason: 'Customer left' });
    expect(refusal(() => till.ledger.resumeParkedSale({ sale_id })).code).toBe('not_found');
    expect(refusal(() => till.ledger.abandonParkedSale(ids.cashier, { command_id: till.id(), sale_id, reason: 'again' })).code).toBe('not_found');
  });

  it('resumes a parked sale with cash instead', () => {
    till = createTestTill();
    const sale_id = till.id();
    const lines = [{ product_id: ids.sugar, quantity: 500 }];
    const parked = till.ledger.parkSale(ids.cashier, { command_id: till.id(), sale_id, payment_id: till.id(), lines });
    const cart = till.ledger.resumeParkedSale({ sale_id });
    const resumed = till.ledger.completeSale(ids.cashier, {
      command_id: till.id(),
      sale_id,
      parked: true,
      lines: cart.lines.map((line) => ({ product_id: line.product_id, quantity: line.quantity })),
      tenders: [{ kind: 'cash', amount: parked.total }],
    });
    expect(resumed.total).toBe(8_000);
    expect(refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id: till.id(), lines, parked: true, tenders: [{ kind: 'cash', amount: 8_000 }] })).code).toBe(
      'not_found',
    );
  });

  it('records an M-Pesa claim and flags the same code typed twice', () => {
    till = createTestTill();
    const first = till.ledger.recordMpesaClaim(ids.cashier, { command_id: till.id(), claim_id: till.id(), code: 'SKL4ABCD99', amount: 50_000 });
    const second = till.ledger.recordMpesaClaim(ids.cashier, { command_id: till.id(), claim_id: till.id(), code: 'SKL4ABCD99', amount: 50_000 });
    expect([first.status, second.status]).toEqual(['recorded', 'duplicate']);
  });
});
