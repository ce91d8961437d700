import { afterEach, describe, expect, it } from 'vitest';
import { createTestTill, expectedTotal, ids, pins, type TestTill, refusal } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

const approval = { manager_id: ids.manager, pin: pins.manager };

describe('customers and credit', () => {
  it('creates a customer (credit needs a manager), updates, and finds them by name or phone', () => {
    till = createTestTill();
    const customer_id = till.id();
    const input = { command_id: till.id(), customer_id, name: '  Mama Njeri ', phone: '254722000111', credit_limit: 50_000 };
    expect(refusal(() => till.ledger.createCustomer(ids.cashier, input)).code).toBe('approval_required');
    expect(till.ledger.createCustomer(ids.cashier, { ...input, approval })).toEqual({ customer_id, name: 'Mama Njeri', phone: '254722000111', credit_limit: 50_000, balance: 0 });
    expect(till.ledger.updateCustomer(ids.cashier, { command_id: till.id(), customer_id, phone: null }).phone).toBeUndefined();
    expect(refusal(() => till.ledger.updateCustomer(ids.cashier, { command_id: till.id(), customer_id, credit_limit: 90_000 })).code).toBe('approval_required');
    expect(refusal(() => till.ledger.updateCustomer(ids.cashier, { command_id: till.id(), customer_id })).field).toBe('name');
    expect(till.ledger.searchCustomers({ query: 'njeri' }).customers.map((c) => c.customer_id)).toEqual([customer_id]);
    expect(till.ledger.searchCustomers({ query: '2547123' }).customers.map((c) => c.customer_id)).toEqual([ids.wanjiku]);
    // As the till shows the number (issue 17): 0712 345 678, or with the country code.
    for (const query of ['0712 345 678', '0712', '+254 712 345', '0712-345'])
      expect(till.ledger.searchCustomers({ query }).customers.map((c) => c.customer_id), query).toEqual([ids.wanjiku]);
    expect(till.ledger.searchCustomers({ query: '0799' }).customers).toEqual([]);
    expect(refusal(() => till.ledger.createCustomer(ids.manager, { ...input, command_id: till.id() })).field).toBe('customer_id');
  });

  it('keeps credit within the limit unless a manager approves, and records the override', () => {
    till = createTestTill();
    const lines = [{ product_id: ids.soap, quantity: 11 }]; // KES 1,094.50 → 1,095 over the 1,000 limit
    const total = expectedTotal(lines);
    const sale = { sale_id: till.id(), customer_id: ids.wanjiku, lines, tenders: [{ kind: 'credit', amount: total }] };
    const error = refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...sale }));
    expect(error.code).toBe('credit_limit_exceeded');
    expect(error.field).toBe('tenders.0.amount');
    till.ledger.completeSale(ids.cashier, { command_id: till.id(), ...sale, approval });
    const event = till.ledger.pendingEvents(50).at(-1)!;
    expect(event.type === 'sale_completed' && event.payload.credit_override).toEqual({ credit_limit: 100_000, balance_before: 0, approved_by: ids.manager });
    const noCustomer = { command_id: till.id(), sale_id: till.id(), lines: [{ product_id: ids.soap, quantity: 1 }], tenders: [{ kind: 'credit', amount: 10_000 }] };
    expect(refusal(() => till.ledger.completeSale(ids.cashier, noCustomer)).field).toBe('customer_id');
  });

  it('payments and adjustments move the balance; the statement walks back from it', () => {
    till = createTestTill();
    const lines = [{ product_id: ids.soap, quantity: 2 }];
    till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id: till.id(), customer_id: ids.wanjiku, lines, tenders: [{ kind: 'credit', amount: expectedTotal(lines) }] });
    const paid = till.ledger.recordCreditPayment(ids.cashier, { command_id: till.id(), entry_id: till.id(), customer_id: ids.wanjiku, amount: 10_000, tender: 'cash' });
    expect(paid.balance).toBe(9_900);
    const adjust = { command_id: till.id(), entry_id: till.id(), customer_id: ids.wanjiku, delta: -9_900, reason: 'Goodwill', reason_code: 'write_off' };
    expect(refusal(() => till.ledger.adjustCredit(ids.cashier, adjust)).code).toBe('approval_required');
    expect(till.ledger.adjustCredit(ids.cashier, { ...adjust, approval }).balance).toBe(0);
    const statement = till.ledger.customerStatement({ customer_id: ids.wanjiku });
    expect(statement.entries.map((entry) => [entry.kind, entry.amount, entry.balance_after])).toEqual([
      ['adjustment', -9_900, 0],
      ['payment', -10_000, 9_900],
      ['sale', 19_900, 19_900],
    ]);
    expect(statement.entries[2]!.receipt_no).toBe('T1-000001');
    expect(refusal(() => till.ledger.recordCreditPayment(ids.cashier, { command_id: till.id(), entry_id: till.id(), customer_id: ids.wanjiku, amount: 100, tender: 'cash', payment_id: till.id() })).field).toBe('payment_id');
    expect(refusal(() => till.ledger.customerStatement({ customer_id: till.id() })).code).toBe('not_found');
  });
});

describe('a customer the owner closed (feed `active: false`)', () => {
  it('takes no new credit, is shown as closed, still pays what they owe, and opens again when the owner says so', () => {
    till = createTestTill();
    const lines = [{ product_id: ids.soap, quantity: 2 }];
    const credit = () => ({ command_id: till.id(), sale_id: till.id(), customer_id: ids.wanjiku, lines, tenders: [{ kind: 'credit', amount: expectedTotal(lines) }] });
    till.ledger.completeSale(ids.cashier, credit());
    const record = { name: 'Wanjiku Kamau', phone: '254712345678', credit_limit_cents: 100_000 };
    till.ledger.applyServerBatch({ changes: [{ cursor: '40', kind: 'customer', id: ids.wanjiku, data: { ...record, active: false } }], acked_seq: 0, cursor: '40' });
    const error = refusal(() => till.ledger.completeSale(ids.cashier, credit()));
    expect(error.code).toBe('customer_inactive');
    expect(error.field).toBe('customer_id');
    // Not even a manager's approval opens a closed account; nothing was written.
    expect(refusal(() => till.ledger.completeSale(ids.cashier, { ...credit(), approval })).code).toBe('customer_inactive');
    expect(till.ledger.searchCustomers({ query: 'wanjiku' }).customers[0]).toMatchObject({ customer_id: ids.wanjiku, active: false, balance: 19_900 });
    expect(till.ledger.recordCreditPayment(ids.cashier, { command_id: till.id(), entry_id: till.id(), customer_id: ids.wanjiku, amount: 9_900, tender: 'cash' }).balance).toBe(10_000);
    // A record without `active` (an older server) leaves the customer open.
    till.ledger.applyServerBatch({ changes: [{ cursor: '41', kind: 'customer', id: ids.wanjiku, data: record }], acked_seq: 0, cursor: '41' });
    expect(till.ledger.searchCustomers({ query: 'wanjiku' }).customers[0]!.active).toBeUndefined();
    till.ledger.completeSale(ids.cashier, credit());
    expect(till.ledger.verifyLedger()).toEqual([]);
  });
});

describe('shifts', () => {
  it('Z-report: expected vs counted per tender with the variance after float, sales, pay-in and pay-out', () => {
    till = createTestTill({ openShift: false });
    expect(refusal(() => till.ledger.payIn(ids.cashier, { command_id: till.id(), entry_id: till.id(), amount: 100, reason: 'x' })).code).toBe('shift_not_open');
    const opened = till.ledger.openShift(ids.cashier, { command_id: till.id(), shift_id: till.id(), float: 200_000 });
    expect(refusal(() => till.ledger.openShift(ids.cashier, { command_id: till.id(), shift_id: till.id(), float: 0 })).code).toBe('shift_already_open');
    const lines = [{ product_id: ids.soap, quantity: 1 }];
    till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id: till.id(), lines, tenders: [{ kind: 'cash', amount: 10_000, tendered: 50_000 }] });
    till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id: till.id(), customer_id: ids.wanjiku, lines, tenders: [{ kind: 'credit', amount: 10_000 }] });
    till.ledger.payIn(ids.cashier, { command_id: till.id(), entry_id: till.id(), amount: 30_000, reason: 'Change from bank' });
    const payOut = { command_id: till.id(), entry_id: till.id(), amount: 5_000, reason: 'Transport' };
    expect(refusal(() => till.ledger.payOut(ids.cashier, payOut)).code).toBe('approval_required');
    till.ledger.payOut(ids.cashier, { ...payOut, approval: { manager_id: ids.manager, pin: pins.manager } });
    expect(till.ledger.currentShift().shift).toMatchObject({ shift_id: opened.shift_id, paid_in: 30_000, paid_out: 5_000 });
    const report = till.ledger.closeShift(ids.cashier, { command_id: till.id(), counted: [{ tender: 'cash', amount: 234_000 }] });
    expect(report.expected).toEqual([
      { tender: 'cash', amount: 200_000 + 10_000 + 30_000 - 5_000 },
      { tender: 'mpesa', amount: 0 },
      { tender: 'credit', amount: 10_000 },
    ]);
    expect(report.variance[0]).toEqual({ tender: 'cash', amount: -1_000 });
    expect(report.sales_count).toBe(2);
    expect(till.ledger.currentShift().shift).toBeNull();
    expect(refusal(() => till.ledger.closeShift(ids.cashier, { command_id: till.id(), counted: [{ tender: 'cash', amount: 0 }] })).code).toBe('shift_not_open');
  });

  it('a blind count must include the cash, once', () => {
    till = createTestTill();
    expect(refusal(() => till.ledger.closeShift(ids.cashier, { command_id: till.id(), counted: [{ tender: 'mpesa', amount: 0 }] })).field).toBe('counted');
    const twice = [
      { tender: 'cash', amount: 0 },
      { tender: 'cash', amount: 1 },
    ];
    expect(refusal(() => till.ledger.closeShift(ids.cashier, { command_id: till.id(), counted: twice })).field).toBe('counted.1.tender');
  });
});
