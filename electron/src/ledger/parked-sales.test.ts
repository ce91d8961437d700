/**
 * Parked sales carry the cart as the cashier built it (discounts, price overrides) and the
 * tenders taken before the M-Pesa request, so resuming restores them exactly and completing
 * counts the early cash once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ParkedSaleRecord } from '@payme/shared';
import { createTestTill, expectedTotal, ids, pins, type TestTill, refusal } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

const approval = { manager_id: ids.manager, pin: pins.manager };

function paymentSucceeded(payment_id: string, sale_id: string, amount: number, cursor: string) {
  till.ledger.applyServerBatch({
    changes: [{ cursor, kind: 'payment', id: payment_id, data: { state: 'succeeded', amount, mpesa_receipt: 'SKL4ABCD12', sale_id } }],
    acked_seq: 0,
    cursor,
  });
}

/** The completeSale cart a resumed record gives back, as the cashier screen rebuilds it. */
function cartOf(record: ParkedSaleRecord) {
  return {
    lines: record.lines.map((line, index) => {
      const terms = record.line_terms?.[index] ?? {};
      return {
        product_id: line.product_id,
        quantity: line.quantity,
        ...(terms.catalog_unit_price !== undefined ? { unit_price: line.unit_price } : {}),
        ...(terms.discount_bp !== undefined ? { discount_bp: terms.discount_bp } : {}),
      };
    }),
    ...(record.discount_bp !== undefined && record.discount_bp > 0 ? { discount_bp: record.discount_bp } : {}),
  };
}

function expectedDrawer(): { cash: number; mpesa: number } {
  const report = till.ledger.closeShift(ids.manager, { command_id: till.id(), counted: [{ tender: 'cash', amount: 0 }] });
  const of = (tender: string) => report.expected.find((row) => row.tender === tender)?.amount ?? 0;
  return { cash: of('cash'), mpesa: of('mpesa') };
}

describe('a parked cart comes back exactly as it was built', () => {
  it('keeps line discounts, the sale discount and price overrides, across a restart', () => {
    till = createTestTill();
    const sale_id = till.id();
    const lines = [
      { product_id: ids.soap, quantity: 3, discount_bp: 1_000 },
      { product_id: ids.bread, quantity: 1, unit_price: 6_000 },
      { product_id: ids.sugar, quantity: 500 },
    ];
    const parked = till.ledger.parkSale(ids.cashier, { command_id: till.id(), sale_id, payment_id: till.id(), lines, discount_bp: 500, approval });
    const record = till.reopen().resumeParkedSale({ sale_id });
    expect(record).toMatchObject({ discount_bp: 500, line_terms: [{ discount_bp: 1_000 }, { catalog_unit_price: 6_500 }, {}] });
    expect(record.tenders).toBeUndefined();
    expect(cartOf(record)).toEqual({ lines, discount_bp: 500 });
    expect(till.ledger.listParkedSales().sales[0]).toEqual(record);
    // The event the server gets carries them too.
    const event = till.ledger.pendingEvents(100).find((e) => e.type === 'sale_parked');
    expect(event?.payload).toMatchObject({ discount_bp: 500, line_terms: record.line_terms });
    const done = till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, parked: true, ...cartOf(record), tenders: [{ kind: 'cash', amount: parked.total }], approval });
    expect(done.total).toBe(parked.total);
  });

  it('a cart without discounts or overrides records empty terms and no sale discount', () => {
    till = createTestTill();
    const sale_id = till.id();
    till.ledger.parkSale(ids.cashier, { command_id: till.id(), sale_id, payment_id: till.id(), lines: [{ product_id: ids.soap, quantity: 1, unit_price: 9_950 }] });
    expect(till.ledger.resumeParkedSale({ sale_id })).toMatchObject({ discount_bp: 0, line_terms: [{}] });
  });
});

describe('tenders taken before the M-Pesa request', () => {
  const lines = [{ product_id: ids.soap, quantity: 2 }];

  function parkWithCash(sale_id: string, payment_id: string) {
    return till.ledger.parkSale(ids.cashier, {
      command_id: till.id(),
      sale_id,
      payment_id,
      lines,
      phone: '254712345678',
      tenders: [{ kind: 'cash', amount: 5_000, tendered: 10_000 }],
    });
  }

  /** A new till with a sale parked with cash, whose M-Pesa payment for the rest then succeeded. */
  function parkedAndPaid() {
    till = createTestTill();
    const sale_id = till.id();
    const payment_id = till.id();
    const total = expectedTotal(lines);
    parkWithCash(sale_id, payment_id);
    paymentSucceeded(payment_id, sale_id, total - 5_000, '80');
    return { sale_id, payment_id, total };
  }

  it('are recorded with the parked sale and come back on resume', () => {
    till = createTestTill();
    const sale_id = till.id();
    parkWithCash(sale_id, till.id());
    const record = till.ledger.resumeParkedSale({ sale_id });
    expect(record.tenders).toEqual([{ kind: 'cash', amount: 5_000, tendered: 10_000, change: 5_000 }]);
    const event = till.ledger.pendingEvents(100).find((e) => e.type === 'sale_parked');
    expect(event?.payload).toMatchObject({ tenders: record.tenders });
    // Parking put nothing in the drawer's books: the cash is counted when the sale completes.
    expect(expectedDrawer().cash).toBe(500_000);
  });

  it('completing with only the M-Pesa payment adds the recorded cash in front, counted once', () => {
    const { sale_id, payment_id, total } = parkedAndPaid();
    const done = till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, parked: true, lines, tenders: [{ kind: 'mpesa', amount: total - 5_000, payment_id }] });
    expect(done.total).toBe(total);
    expect(till.ledger.getSale({ sale_id }).sale.tenders).toEqual([
      { kind: 'cash', amount: 5_000, tendered: 10_000, change: 5_000 },
      { kind: 'mpesa', amount: total - 5_000, payment_id, mpesa_receipt: 'SKL4ABCD12' },
    ]);
    expect(expectedDrawer()).toEqual({ cash: 505_000, mpesa: total - 5_000 });
  });

  it('completing with the cash sent again does not count it twice', () => {
    const { sale_id, payment_id, total } = parkedAndPaid();
    const tenders = [{ kind: 'cash', amount: 5_000, tendered: 10_000 }, { kind: 'mpesa', amount: total - 5_000, payment_id }];
    till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, parked: true, lines, tenders });
    expect(till.ledger.getSale({ sale_id }).sale.tenders.map((t) => t.kind)).toEqual(['cash', 'mpesa']);
    expect(expectedDrawer()).toEqual({ cash: 505_000, mpesa: total - 5_000 });
  });

  it('cash handed back (the rest paid another way) is not counted; a wrong sum is refused', () => {
    till = createTestTill();
    const sale_id = till.id();
    const total = expectedTotal(lines);
    parkWithCash(sale_id, till.id());
    const short = refusal(() => till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, parked: true, lines, tenders: [{ kind: 'cash', amount: 1_000 }] }));
    expect(short).toMatchObject({ code: 'invalid_amount', field: 'tenders' });
    till.ledger.completeSale(ids.cashier, { command_id: till.id(), sale_id, parked: true, lines, tenders: [{ kind: 'cash', amount: total }] });
    expect(expectedDrawer().cash).toBe(500_000 + total);
  });

  it('must leave something for M-Pesa, must not be the parked payment, and are checked like a sale', () => {
    till = createTestTill();
    const total = expectedTotal(lines);
    const park = (tenders: unknown[], payment_id = till.id()) =>
      refusal(() => till.ledger.parkSale(ids.cashier, { command_id: till.id(), sale_id: till.id(), payment_id, lines, tenders }));
    expect(park([{ kind: 'cash', amount: total }])).toMatchObject({ code: 'invalid_amount', field: 'tenders' });
    const payment_id = till.id();
    expect(park([{ kind: 'mpesa', amount: 5_000, payment_id }], payment_id)).toMatchObject({ field: 'tenders.0.payment_id' });
    expect(park([{ kind: 'cash', amount: 5_000, tendered: 1_000 }])).toMatchObject({ code: 'invalid_amount', field: 'tenders.0.tendered' });
    expect(park([{ kind: 'credit', amount: 5_000 }])).toMatchObject({ field: 'customer_id' });
    expect(till.ledger.listParkedSales().sales).toEqual([]);
  });
});
