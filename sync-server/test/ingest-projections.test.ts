import { describe, expect, it } from 'vitest';
import { login, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { expectFeedReadableByTills } from './support/feed-contract.js';
import type { Envelope } from './ingest-event-builder.js';

for (const target of testDatabases()) {
  describe(`push projections (${target.name})`, () => {
    const t = useServerSuite(target);

    /** Every push here is well formed: anything but 200 fails the test on the spot. */
    async function push(business: TestBusiness, events: Envelope[]) {
      const res = await t.push(business, events);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { acked_seq: number; results: { status: string; reason?: string }[] };
    }
    const level = async (business: TestBusiness, productId: string) =>
      Number((await t.db.query<{ on_hand: number }>('SELECT on_hand FROM stock_levels WHERE business_id = $1 AND product_id = $2', [business.business_id, productId]))[0]?.on_hand ?? 0);
    const balance = async (business: TestBusiness, customerId: string) =>
      Number((await t.db.query<{ balance_cents: number }>('SELECT balance_cents FROM customer_balances WHERE business_id = $1 AND customer_id = $2', [business.business_id, customerId]))[0]?.balance_cents ?? 0);
    const anomalies = async (business: TestBusiness) =>
      (await t.db.query<{ kind: string; subject: string }>('SELECT kind, subject FROM anomalies WHERE business_id = $1 ORDER BY detected_at, event_id, anomaly_no', [business.business_id])).map((a) => `${a.kind}:${a.subject}`);

    it('keeps stock as movements: receive, sell, void gives back, refund gives back, count applies its difference', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const sugar = business.products[0]!;
      const receive = till.event('stock_received', { receipt_id: till.id(), lines: [{ product_id: sugar.id, quantity: 20 }] });
      const sale = till.sale([[sugar, 3]]);
      const saleId = (sale.payload as { sale_id: string }).sale_id;
      const voided = till.event('sale_voided', { sale_id: saleId, reason: 'wrong item' });
      const sale2 = till.sale([[sugar, 5]]);
      const sale2Payload = sale2.payload as { sale_id: string; lines: { line_id: string }[]; total: number };
      const refund = till.event('sale_refunded', {
        refund_id: till.id(),
        sale_id: sale2Payload.sale_id,
        lines: [{ line_id: sale2Payload.lines[0]!.line_id, product_id: sugar.id, quantity: 2, amount: 35_000 }],
        total: 35_000,
        tenders: [{ kind: 'cash', amount: 35_000 }],
        reason: 'damaged pack',
      });
      const count = till.event('stock_counted', { count_id: till.id(), lines: [{ product_id: sugar.id, expected: 17, counted: 16 }] });
      const adjust = till.event('stock_adjusted', { product_id: sugar.id, delta: -1, reason: 'rat damage', reason_code: 'damaged' });
      const result = await push(business, [receive, sale, voided, sale2, refund, count, adjust]);
      expect(result.results.every((r) => r.status === 'applied'), JSON.stringify(result.results)).toBe(true);
      // 20 − 3 + 3 − 5 + 2 + (16 − 17) − 1 = 15
      expect(await level(business, sugar.id)).toBe(15);
      const moves = await t.db.query<{ sum: number; n: number }>('SELECT sum(delta)::int AS sum, count(*)::int AS n FROM stock_movements WHERE business_id = $1', [business.business_id]);
      expect(moves[0]).toEqual({ sum: 15, n: 7 });
      const sales = await t.db.query<{ status: string }>('SELECT status FROM sales WHERE business_id = $1 ORDER BY occurred_at', [business.business_id]);
      expect(sales.map((s) => s.status)).toEqual(['voided', 'completed']);
      // Voiding the voided sale again, or refunding with the same refund id, is quarantined.
      const again = await push(business, [till.event('sale_voided', { sale_id: saleId, reason: 'twice' }), till.event('sale_refunded', refund.payload as Record<string, unknown>)]);
      expect(again.results.map((r) => r.reason?.split(':')[0])).toEqual(['sale_not_completed', 'refund_exists']);
      expect(await level(business, sugar.id)).toBe(15);
    });

    it('keeps credit as entries: credit sale, payment, write-off, over-limit anomaly, void returns the credit', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const customerId = till.id();
      const sugar = business.products[0]!;
      const created = till.event('customer_created', { customer_id: customerId, name: 'Mama Njeri', phone: '254712345678', credit_limit: 50_000 });
      const credit1 = till.sale([[sugar, 2]], { tender: 'credit', customer_id: customerId }); // 35,000
      const credit2 = till.sale([[sugar, 1]], { tender: 'credit', customer_id: customerId }); // 52,500 > limit
      const paid = till.event('credit_payment_recorded', { entry_id: till.id(), customer_id: customerId, amount: 10_000, tender: 'cash' });
      const writeOff = till.event('credit_adjusted', { entry_id: till.id(), customer_id: customerId, delta: -2_500, reason: 'goodwill', reason_code: 'write_off' });
      const result = await push(business, [created, credit1, credit2, paid, writeOff]);
      expect(result.results.map((r) => r.status)).toEqual(Array(5).fill('applied'));
      expect(await balance(business, customerId)).toBe(35_000 + 17_500 - 10_000 - 2_500);
      expect(await anomalies(business)).toEqual([`oversold:${sugar.id}`, `credit_over_limit:${customerId}`, `oversold:${sugar.id}`]);
      const voided = till.event('sale_voided', { sale_id: (credit2.payload as { sale_id: string }).sale_id, reason: 'customer changed mind' });
      const update = till.event('customer_updated', { customer_id: customerId, phone: null, credit_limit: 80_000 });
      await push(business, [voided, update]);
      expect(await balance(business, customerId)).toBe(35_000 - 10_000 - 2_500);
      const customer = await t.db.query<{ phone: string | null; credit_limit_cents: number; name: string }>('SELECT name, phone, credit_limit_cents FROM customers WHERE id = $1', [customerId]);
      expect(customer[0]).toEqual({ name: 'Mama Njeri', phone: null, credit_limit_cents: 80_000 });
      const session = await login(t.app, business.owner.email, business.owner.password);
      const listed = await t.app.inject({ method: 'GET', url: '/v1/anomalies', headers: session.bearer });
      expect(listed.json().anomalies).toHaveLength(3);
      // What the pushes put on the feed is what the tills' ledgers read.
      const checked = await expectFeedReadableByTills(t.db, business.business_id);
      expect([...checked]).toEqual(expect.arrayContaining(['credit_balance', 'customer', 'stock_level', 'till_state']));
    });

    it('quarantines credit for an unknown customer, and a second customer_created with the same id', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const ghost = till.id();
      const sale = till.sale([[business.products[0]!, 1]], { tender: 'credit', customer_id: ghost });
      const pay = till.event('credit_payment_recorded', { entry_id: till.id(), customer_id: ghost, amount: 100, tender: 'cash' });
      const adjust = till.event('credit_adjusted', { entry_id: till.id(), customer_id: ghost, delta: 100, reason: 'x', reason_code: 'other' });
      const update = till.event('customer_updated', { customer_id: ghost, name: 'Nobody' });
      const id = till.id();
      const created = till.event('customer_created', { customer_id: id, name: 'A', credit_limit: 0 });
      const createdAgain = till.event('customer_created', { customer_id: id, name: 'B', credit_limit: 0 });
      const result = await push(business, [sale, pay, adjust, update, created, createdAgain]);
      expect(result.results.map((r) => r.reason?.split(':')[0] ?? r.status)).toEqual([
        'customer_unknown', 'customer_unknown', 'customer_unknown', 'customer_unknown', 'applied', 'customer_exists',
      ]);
      expect(await level(business, business.products[0]!.id)).toBe(0);
    });

    it('flags unknown products and stale prices but applies the sale', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const ghost = { id: till.id(), price_cents: 1_000, unit: 'piece', vat_class: 'standard', name: 'Ghost soap' };
      const sale = till.sale([[ghost, 1]]);
      const stale = till.sale([[business.products[2]!, 1]], { unit_price: 20_000 });
      const result = await push(business, [sale, stale]);
      expect(result.results.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(await anomalies(business)).toEqual([`unknown_product:${ghost.id}`, `oversold:${ghost.id}`, `stale_price:${business.products[2]!.id}`, `oversold:${business.products[2]!.id}`]);
    });

    it('projects shifts with pay-ins, pay-outs and a close with its variance', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const shiftId = till.id();
      const open = till.event('shift_opened', { shift_id: shiftId, float: 500_000 });
      const payIn = till.event('shift_paid_in', { shift_id: shiftId, entry_id: till.id(), amount: 20_000, reason: 'change from bank' });
      await push(business, [open, payIn]);
      const payOut = till.event('shift_paid_out', { shift_id: shiftId, entry_id: till.id(), amount: 5_000, reason: 'boda boda' });
      const close = till.event('shift_closed', {
        shift_id: shiftId,
        counted: [{ tender: 'cash', amount: 514_000 }],
        expected: [{ tender: 'cash', amount: 515_000 }],
        variance: [{ tender: 'cash', amount: -1_000 }],
        sales_count: 0,
        refunds_total: 0,
        voids_count: 0,
      });
      const closeAgain = till.event('shift_closed', close.payload as Record<string, unknown>);
      const unknownShift = till.event('shift_paid_in', { shift_id: till.id(), entry_id: till.id(), amount: 1, reason: 'x' });
      const reopened = till.event('shift_opened', { shift_id: shiftId, float: 0 });
      const result = await push(business, [payOut, close, closeAgain, unknownShift, reopened]);
      expect(result.results.map((r) => r.reason?.split(':')[0] ?? r.status)).toEqual(['applied', 'applied', 'shift_already_closed', 'shift_unknown', 'shift_exists']);
      const shift = await t.db.query('SELECT status, float_cents, paid_in_cents, paid_out_cents, variance_cents FROM shifts WHERE business_id = $1', [business.business_id]);
      expect(shift).toEqual([{ status: 'closed', float_cents: 500_000, paid_in_cents: 20_000, paid_out_cents: 5_000, variance_cents: -1_000 }]);
      // Open and close in one push.
      const s2 = till.id();
      await push(business, [
        till.event('shift_opened', { shift_id: s2, float: 0 }),
        till.event('shift_paid_in', { shift_id: s2, entry_id: till.id(), amount: 300, reason: 'float top-up' }),
        till.event('shift_closed', { shift_id: s2, counted: [], expected: [], variance: [], sales_count: 0, refunds_total: 0, voids_count: 0 }),
      ]);
      const s2row = await t.db.query('SELECT status, paid_in_cents FROM shifts WHERE shift_id = $1', [s2]);
      expect(s2row).toEqual([{ status: 'closed', paid_in_cents: 300 }]);
    });

    it('parks a sale, completes it later, abandons another; records claims and reversal requests', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const sugar = business.products[0]!;
      const parkedId = till.id();
      const cart = till.salePayload([[sugar, 1]], { sale_id: parkedId });
      const park = till.event('sale_parked', { sale_id: parkedId, payment_id: till.id(), lines: cart['lines'], total: cart['total'] });
      const abandonedId = till.id();
      const park2 = till.event('sale_parked', { sale_id: abandonedId, payment_id: till.id(), lines: cart['lines'], total: cart['total'] });
      const abandon = till.event('sale_abandoned', { sale_id: abandonedId, reason: 'customer left' });
      await push(business, [park, park2, abandon]);
      const complete = till.event('sale_completed', cart);
      const claim = till.event('mpesa_claim_recorded', { claim_id: till.id(), code: 'SKL4ABCD12', amount: 17_500 });
      const claim2 = till.event('mpesa_claim_recorded', { claim_id: till.id(), code: 'SKL4ABCD12', amount: 17_500 });
      const reversal = till.event('mpesa_reversal_requested', { reversal_id: till.id(), sale_id: parkedId, mpesa_receipt: 'SKL4ABCD12', amount: 17_500 });
      const abandonCompleted = till.event('sale_abandoned', { sale_id: parkedId, reason: 'late' });
      const result = await push(business, [complete, claim, claim2, reversal, abandonCompleted]);
      expect(result.results.map((r) => r.reason?.split(':')[0] ?? r.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'sale_not_parked']);
      const sales = await t.db.query<{ sale_id: string; status: string; receipt_no: string | null }>('SELECT sale_id, status, receipt_no FROM sales WHERE business_id = $1 ORDER BY status', [business.business_id]);
      expect(sales).toEqual([
        { sale_id: abandonedId, status: 'abandoned', receipt_no: null },
        { sale_id: parkedId, status: 'completed', receipt_no: cart['receipt_no'] },
      ]);
      expect(await anomalies(business)).toContain('claim_code_reused:SKL4ABCD12');
      expect(await level(business, sugar.id)).toBe(-1);
      const reversals = await t.db.query('SELECT amount_cents, status FROM reversal_requests WHERE business_id = $1', [business.business_id]);
      expect(reversals).toEqual([{ amount_cents: 17_500, status: 'requested' }]);
    });
  });
}
