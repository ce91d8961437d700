/**
 * Rollups (DESIGN §12): kept by every finishing path (push, credit-moving push, quarantine
 * replay) in the ingest transaction; voids and refunds reverse into the day they happen; the
 * events a previous release ingested without rollups are folded on start; `rollups rebuild`
 * recomputes exactly the running figures.
 */
import { describe, expect, it } from 'vitest';
import { splitVat } from '@payme/shared';
import { foldPendingEvents, rebuildRollups, rollup_tables } from '../src/reports/rollup-catch-up.js';
import { buildTestApp, login, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite, type ServerSuite } from './support/server-suite.js';
import { TillEvents, type Envelope } from './ingest-event-builder.js';

const day_ms = 86_400_000;

/** Daily figures per (day, tender), ids left out, so two businesses' rollups compare. */
async function dailyFigures(t: Pick<ServerSuite, 'db'>, businessId: string) {
  return t.db.query<Record<string, unknown>>(
    `SELECT business_day::text AS day, tender, sum(sale_count)::int AS sale_count, sum(void_count)::int AS void_count,
            sum(refund_count)::int AS refund_count, sum(gross_cents)::int AS gross_cents, sum(discount_cents)::int AS discount_cents,
            sum(refund_cents)::int AS refund_cents, sum(vat_cents)::int AS vat_cents, sum(rounding_cents)::int AS rounding_cents,
            sum(cost_cents)::int AS cost_cents, sum(costed_ex_vat_cents)::int AS costed_ex_vat_cents, sum(uncosted_cents)::int AS uncosted_cents,
            sum(tender_cents)::int AS tender_cents, sum(tender_refund_cents)::int AS tender_refund_cents
       FROM sales_rollup_daily WHERE business_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [businessId],
  );
}

async function everyRollupRow(t: Pick<ServerSuite, 'db'>, businessId: string) {
  const out: Record<string, unknown[]> = {};
  for (const table of rollup_tables) {
    out[table] = await t.db.query(`SELECT * FROM ${table} WHERE business_id = $1 AND NOT (${table === 'product_rollup_daily' ? 'quantity = 0 AND net_cents = 0 AND vat_cents = 0 AND cost_cents = 0 AND costed_ex_vat_cents = 0 AND uncosted_cents = 0' : 'false'}) ORDER BY 1, 2, 3, 4, 5, 6`, [businessId]);
  }
  return out;
}

type Push = (business: TestBusiness, events: Envelope[]) => Promise<{ statusCode: number; json(): { results: { status: string }[] } }>;

/**
 * Day 1 (26 Nov, 11:00 in Nairobi): sale A in cash (2 sugar + 500 g rice) and sale B on credit
 * (2 maize flour, no cost price). Day 2: A is voided and one flour of B refunded to credit.
 */
async function dayOneDayTwo(push: Push, business: TestBusiness, till: TillEvents, customerId: string) {
  const [sugar, rice, flour] = business.products as [TestBusiness['products'][0], TestBusiness['products'][0], TestBusiness['products'][0]];
  const customer = till.event('customer_created', { customer_id: customerId, name: 'Mama Njeri', credit_limit: 1_000_000 });
  const saleA = till.sale([[sugar, 2], [rice, 500]]);
  const saleB = till.sale([[flour, 2]], { tender: 'credit', customer_id: customerId });
  expect((await push(business, [customer, saleA, saleB])).statusCode).toBe(200);
  till.clock.advance(day_ms);
  const bPayload = saleB['payload'] as { sale_id: string; lines: { line_id: string }[] };
  const voidA = till.event('sale_voided', { sale_id: (saleA['payload'] as { sale_id: string }).sale_id, reason: 'Wrong customer' });
  const refundB = till.event('sale_refunded', {
    refund_id: till.id(),
    sale_id: bPayload.sale_id,
    lines: [{ line_id: bPayload.lines[0]!.line_id, product_id: flour.id, quantity: 1, amount: 21_000 }],
    total: 21_000,
    tenders: [{ kind: 'credit', amount: 21_000 }],
    reason: 'Torn bag',
  });
  const answer = await push(business, [voidA, refundB]);
  expect(answer.json().results.map((result) => result.status)).toEqual(['applied', 'applied']);
}

const sugarVat = splitVat(35_000, 'standard').vat;
const zero = { sale_count: 0, void_count: 0, refund_count: 0, gross_cents: 0, discount_cents: 0, refund_cents: 0, vat_cents: 0, rounding_cents: 0, cost_cents: 0, costed_ex_vat_cents: 0, uncosted_cents: 0, tender_cents: 0, tender_refund_cents: 0 };
const expected_days = [
  // Day 1: two sales; 2 sugar at 150.00 and 500 g rice at 130.00/kg cost 365.00; flour has no cost price.
  { ...zero, day: '2026-11-26', tender: '', sale_count: 2, gross_cents: 85_000, vat_cents: sugarVat, cost_cents: 36_500, costed_ex_vat_cents: 43_000 - sugarVat, uncosted_cents: 42_000 },
  { ...zero, day: '2026-11-26', tender: 'cash', tender_cents: 43_000 },
  { ...zero, day: '2026-11-26', tender: 'credit', tender_cents: 42_000 },
  // Day 2: the void takes all of A back, the refund one flour of B.
  { ...zero, day: '2026-11-27', tender: '', sale_count: -1, void_count: 1, refund_count: 1, gross_cents: -43_000, refund_cents: 21_000, vat_cents: -sugarVat, cost_cents: -36_500, costed_ex_vat_cents: -(43_000 - sugarVat), uncosted_cents: -21_000 },
  { ...zero, day: '2026-11-27', tender: 'cash', tender_cents: -43_000 },
  { ...zero, day: '2026-11-27', tender: 'credit', tender_refund_cents: 21_000 },
];

for (const target of testDatabases()) {
  describe(`rollups (${target.name})`, () => {
    const t = useServerSuite(target);

    it('a push folds sales, and voids and refunds reverse into the day they happen; rebuild equals the running figures', async () => {
      const { business, till } = await t.newBusinessWithTill();
      await dayOneDayTwo((b, events) => t.push(b, events), business, till, till.id());
      expect(await dailyFigures(t, business.business_id)).toEqual(expected_days);
      const hours = await t.db.query('SELECT DISTINCT business_day::text AS day, hour FROM sales_rollup_hourly WHERE business_id = $1 ORDER BY 1', [business.business_id]);
      expect(hours).toEqual([{ day: '2026-11-26', hour: 11 }, { day: '2026-11-27', hour: 11 }]);
      const flour = await t.db.query<{ day: string; quantity: number; net_cents: number }>(
        'SELECT business_day::text AS day, quantity, net_cents FROM product_rollup_daily WHERE business_id = $1 AND product_id = $2 ORDER BY 1',
        [business.business_id, business.products[2]!.id],
      );
      expect(flour).toEqual([{ day: '2026-11-26', quantity: 2, net_cents: 42_000 }, { day: '2026-11-27', quantity: -1, net_cents: -21_000 }]);

      const running = await everyRollupRow(t, business.business_id);
      expect(await rebuildRollups(t.db, business.business_id)).toMatchObject({ events: 5 });
      expect(await everyRollupRow(t, business.business_id)).toEqual(running);
    });

    it('a sale whose till clock says year 9999 counts on the day the server received it, and the rebuild agrees', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const odd = till.event('sale_completed', till.salePayload([[business.products[0]!, 1]]), { occurred_at: '9999-12-31T23:59:59.999Z' });
      expect((await t.push(business, [odd])).json().results[0].status).toBe('applied');
      const received = await t.db.query<{ day: string }>("SELECT ((received_at AT TIME ZONE 'Africa/Nairobi'))::date::text AS day FROM till_events WHERE business_id = $1", [business.business_id]);
      const figures = await dailyFigures(t, business.business_id);
      expect(figures.map((row) => [row.day, row.tender, row.sale_count])).toEqual([[received[0]!.day, '', 1], [received[0]!.day, 'cash', 0]]);
      const running = await everyRollupRow(t, business.business_id);
      await rebuildRollups(t.db, business.business_id);
      expect(await everyRollupRow(t, business.business_id)).toEqual(running);
    });

    it('quarantine replay folds what it applies', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const customerId = till.id();
      const sale = till.sale([[business.products[0]!, 2]], { tender: 'credit', customer_id: customerId });
      expect((await t.push(business, [sale])).json().results[0].status).toBe('quarantined');
      expect(await dailyFigures(t, business.business_id)).toEqual([]);
      const session = await login(t.app, business.owner.email, business.owner.password);
      await t.app.inject({ method: 'POST', url: '/v1/customers', headers: session.bearer, payload: { id: customerId, name: 'Baba Otieno', credit_limit_cents: 100_000 } });
      const manager = await login(t.app, business.manager.email, business.manager.password);
      expect((await t.app.inject({ method: 'POST', url: '/v1/quarantine/replay', headers: manager.bearer, payload: {} })).statusCode).toBe(403);
      const replayed = await t.app.inject({ method: 'POST', url: '/v1/quarantine/replay', headers: session.bearer, payload: {} });
      expect(replayed.json()).toEqual({ examined: 1, applied: 1, still_quarantined: 0 });
      const figures = await dailyFigures(t, business.business_id);
      expect(figures.find((row) => row.tender === 'credit')).toMatchObject({ tender_cents: 35_000 });
      expect(figures.find((row) => row.tender === '')).toMatchObject({ sale_count: 1, gross_cents: 35_000 });
      expect(await foldPendingEvents(t.db, { businessId: business.business_id })).toEqual({ events: 0, pages: 0 });
    });

    it('events a previous release ingested without rollups are folded on start, once', async () => {
      // The previous release stores events with rolled_up left at its default and no rollups:
      // a server with the rollup step switched off is exactly that.
      const old = await buildTestApp(t.db, { config: { bench_skip_rollups: true } });
      try {
        const { business, till } = await t.newBusinessWithTill();
        const push: Push = (b, events) => old.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${b.till.device_token}` }, payload: { till_id: b.till.id, epoch: 1, events } });
        await dayOneDayTwo(push, business, till, till.id());
        expect(await t.db.query('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1 AND rolled_up', [business.business_id])).toEqual([{ n: 0 }]);
        await t.db.query('UPDATE sales SET sold_at = NULL, completed_event_id = NULL WHERE business_id = $1', [business.business_id]);
        expect(await dailyFigures(t, business.business_id)).toEqual([]);
        expect((await foldPendingEvents(t.db)).events).toBeGreaterThanOrEqual(5);
        expect(await dailyFigures(t, business.business_id)).toEqual(expected_days);
        const sold = await t.db.query('SELECT count(*)::int AS n FROM sales WHERE business_id = $1 AND sold_at IS NOT NULL AND completed_event_id IS NOT NULL', [business.business_id]);
        expect(sold).toEqual([{ n: 2 }]);
        expect(await foldPendingEvents(t.db)).toEqual({ events: 0, pages: 0 });
        expect(await dailyFigures(t, business.business_id)).toEqual(expected_days);
      } finally {
        await old.app.close();
      }
    });
  });
}
