/**
 * The owner's reports over HTTP (issue 13): what an owner or manager reads after tills push,
 * checked against the sales the test made: the period summary (by tender, till, cashier, hour,
 * against a week earlier), the sales list and a sale's detail, the credit book with ageing
 * (clock-driven: credits 95, 45 and 10 business days old and a part payment), stock, anomalies
 * a manager acknowledges, shifts and Z-reports, alarms, CSV exports that parse back to the same
 * totals, and the roles of DESIGN §12. Bad filters are 400s naming the field.
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { creditStatementResponseSchema, isoAt, splitVat } from '@payme/shared';
import { createTestBusiness, login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import type { Envelope, TillEvents } from './ingest-event-builder.js';

const day_ms = 86_400_000;
const hour_ms = 3_600_000;

for (const target of testDatabases()) {
  describe(`owner reports (${target.name})`, () => {
    const t = useServerSuite(target);
    let business: TestBusiness;
    let till: TillEvents;
    let owner: Session;
    let manager: Session;
    const customerId = '01900000-0000-7000-8000-00000000c001';
    let saleCash: Envelope;
    let saleCredit: Envelope;

    const get = (session: Session, url: string) => t.app.inject({ method: 'GET', url, headers: session.bearer });
    const ok = async (session: Session, url: string) => {
      const response = await get(session, url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
      return response.json();
    };
    const pushOk = async (events: Envelope[]) => {
      const response = await t.push(business, events);
      expect(response.json().results.map((result: { status: string }) => result.status), response.body).toEqual(events.map(() => 'applied'));
    };

    beforeAll(async () => {
      ({ business, till } = await t.newBusinessWithTill());
      owner = await login(t.app, business.owner.email, business.owner.password);
      manager = await login(t.app, business.manager.email, business.manager.password);
      const [sugar, , flour] = business.products as [TestBusiness['products'][0], TestBusiness['products'][0], TestBusiness['products'][0]];
      // A week before "today" (26 Nov, Nairobi), one cash sale; then today's two sales at 11:00.
      const now = till.clock.now();
      till.clock.set(now - 7 * day_ms);
      const lastWeek = till.sale([[sugar, 1]]);
      till.clock.set(now);
      const customer = till.event('customer_created', { customer_id: customerId, name: 'Mama Njeri', credit_limit: 30_000 });
      saleCash = till.sale([[sugar, 2]]);
      // Flour blocks at zero and the store holds none: the server applies it and flags it.
      saleCredit = till.sale([[flour, 2]], { tender: 'credit', customer_id: customerId });
      await pushOk([lastWeek, customer, saleCash, saleCredit]);
    });

    it("today's summary: totals, by tender, till and cashier, by hour, against the same day a week earlier", async () => {
      const summary = await ok(manager, '/v1/reports/summary');
      const sugarVat = splitVat(35_000, 'standard').vat;
      expect(summary).toMatchObject({ from: '2026-11-26', to: '2026-11-26', today: '2026-11-26', currency: 'KES', time_zone: 'Africa/Nairobi' });
      expect(summary.totals).toEqual({
        gross_cents: 77_000,
        discount_cents: 0,
        refund_cents: 0,
        net_cents: 77_000,
        vat_cents: sugarVat,
        rounding_cents: 0,
        // 2 sugar at cost 150.00; flour has no cost price, so it is left out of the profit.
        cost_cents: 30_000,
        gross_profit_cents: 35_000 - sugarVat - 30_000,
        uncosted_cents: 42_000,
        sale_count: 2,
        void_count: 0,
        refund_count: 0,
        average_basket_cents: 38_500,
      });
      expect(summary.by_tender).toEqual([
        { tender: 'cash', amount_cents: 35_000, refund_cents: 0, net_cents: 35_000 },
        { tender: 'mpesa', amount_cents: 0, refund_cents: 0, net_cents: 0 },
        { tender: 'credit', amount_cents: 42_000, refund_cents: 0, net_cents: 42_000 },
      ]);
      expect(summary.by_till).toMatchObject([{ till_id: business.till.id, name: 'Till 1', totals: { net_cents: 77_000 } }]);
      expect(summary.by_cashier).toMatchObject([{ cashier_id: business.cashier.id, name: 'Cashier', totals: { sale_count: 2 } }]);
      expect(summary.by_store).toMatchObject([{ store_id: business.store_id, name: 'Main store' }]);
      expect(summary.series.by).toBe('hour');
      expect(summary.series.points).toHaveLength(24);
      expect(summary.series.points.filter((point: { net_cents: number }) => point.net_cents !== 0)).toEqual([
        { business_day: '2026-11-26', hour: 11, net_cents: 77_000, sale_count: 2, gross_profit_cents: 35_000 - sugarVat - 30_000 },
      ]);
      expect(summary.previous).toMatchObject({ from: '2026-11-19', to: '2026-11-19', totals: { net_cents: 17_500, sale_count: 1 } });

      const week = await ok(owner, '/v1/reports/summary?from=2026-11-19&to=2026-11-26');
      expect(week.series.by).toBe('day');
      expect(week.totals).toMatchObject({ net_cents: 94_500, sale_count: 3 });
      expect(week.series.points.map((point: { net_cents: number }) => point.net_cents)).toEqual([17_500, 0, 0, 0, 0, 0, 0, 77_000]);
      const other = await ok(owner, `/v1/reports/summary?store_id=${'01900000-0000-7000-8000-0000000000aa'}`);
      expect(other.totals.sale_count).toBe(0);
    });

    it('bad filters are refused naming the field', async () => {
      const cases: [string, string][] = [
        ['/v1/reports/summary?from=2026-02-30', 'from'],
        ['/v1/reports/summary?from=2026-11-26&to=2026-11-01', 'to'],
        ['/v1/reports/summary?from=2026-10-01&to=2026-11-26&by=hour', 'by'],
        ['/v1/reports/summary?by=week', 'by'],
        ['/v1/reports/summary?store_id=nope', 'store_id'],
        ['/v1/reports/summary?colour=red', 'colour'],
        ['/v1/reports/products?order=best', 'order'],
        ['/v1/sales?limit=0', 'limit'],
        ['/v1/sales?limit=201', 'limit'],
        ['/v1/sales?cursor=bm9wZQ', 'cursor'],
        ['/v1/sales?tender=cheque', 'tender'],
        ['/v1/sales?receipt_no=12', 'receipt_no'],
        ['/v1/sales/not-a-uuid', 'sale_id'],
        ['/v1/credit?sort=name', 'sort'],
        ['/v1/credit?over_limit=yes', 'over_limit'],
        ['/v1/reports/mpesa?day=yesterday', 'day'],
        ['/v1/stock?low=1', 'low'],
        ['/v1/anomalies?status=closed', 'status'],
        ['/v1/shifts?status=done', 'status'],
        ['/v1/exports/everything.csv', 'name'],
        ['/v1/alarms?x=1', 'x'],
      ];
      for (const [url, field] of cases) {
        const response = await get(owner, url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json(), url).toMatchObject({ code: 'invalid_input', field });
      }
    });

    it('the sales list filters and pages with a cursor; a receipt number finds its sale; the detail shows events and audit entries', async () => {
      const all = await ok(manager, '/v1/sales');
      expect(all.sales.map((sale: { receipt_no: string }) => sale.receipt_no)).toEqual(['T1-000003', 'T1-000002']);
      expect(all.sales[0]).toMatchObject({ status: 'completed', till_name: 'Till 1', cashier_name: 'Cashier', customer_name: 'Mama Njeri', total_cents: 42_000, business_day: '2026-11-26' });
      const credit = await ok(manager, '/v1/sales?tender=credit');
      expect(credit.sales.map((sale: { receipt_no: string }) => sale.receipt_no)).toEqual(['T1-000003']);
      const first = await ok(manager, '/v1/sales?limit=1');
      expect(first.sales).toHaveLength(1);
      const second = await ok(manager, `/v1/sales?limit=1&cursor=${first.next_cursor}`);
      expect(second.sales.map((sale: { receipt_no: string }) => sale.receipt_no)).toEqual(['T1-000002']);
      expect(second.next_cursor).toBeNull();
      const found = await ok(manager, '/v1/sales?receipt_no=t1-000001');
      expect(found.sales).toMatchObject([{ receipt_no: 'T1-000001', business_day: '2026-11-19' }]);
      expect((await ok(manager, `/v1/sales?cashier_id=${business.owner.id}`)).sales).toEqual([]);

      const saleId = (saleCash['payload'] as { sale_id: string }).sale_id;
      const detail = await ok(manager, `/v1/sales/${saleId}`);
      expect(detail.sale).toMatchObject({ sale_id: saleId, receipt_no: 'T1-000002', subtotal_cents: 35_000, rounding_cents: 0 });
      expect(detail.lines).toMatchObject([{ line_no: 1, product_id: business.products[0]!.id, quantity: 2, gross_cents: 35_000, refunded_quantity: 0 }]);
      expect(detail.tenders).toMatchObject([{ kind: 'cash', amount_cents: 35_000, claim_verified: null }]);
      expect(detail.events).toMatchObject([{ event_id: saleCash.event_id, seq: saleCash.seq, type: 'sale_completed', status: 'applied', hash: saleCash.hash, prev_hash: saleCash.prev_hash }]);
      expect(detail.audit.map((entry: { kind: string; subject: string }) => [entry.kind, entry.subject])).toEqual([['event_applied', saleCash.event_id]]);
      expect((await get(manager, '/v1/sales/01900000-0000-7000-8000-0000000000ff')).statusCode).toBe(404);
    });

    it('stock: levels with reorder levels and the low list, movement history, and anomalies a manager acknowledges once', async () => {
      const [sugar, , flour] = business.products;
      const patched = await t.app.inject({ method: 'PATCH', url: `/v1/products/${sugar!.id}`, headers: owner.bearer, payload: { reorder_level: 5 } });
      expect(patched.json()).toMatchObject({ reorder_level: 5 });
      const low = await ok(manager, '/v1/stock?low=true');
      expect(low.items.map((item: { product_id: string; on_hand: number; low: boolean }) => [item.product_id, item.on_hand, item.low])).toEqual([[sugar!.id, -3, true]]);
      const flourRows = await ok(manager, '/v1/stock?q=maize');
      expect(flourRows.items).toMatchObject([{ product_id: flour!.id, on_hand: -2, reorder_level: null, low: false }]);
      const moves = await ok(manager, `/v1/stock/${sugar!.id}/movements?limit=1`);
      expect(moves.movements).toMatchObject([{ kind: 'sale', delta: -2, business_day: '2026-11-26' }]);
      const older = await ok(manager, `/v1/stock/${sugar!.id}/movements?cursor=${moves.next_cursor}`);
      expect(older.movements).toMatchObject([{ kind: 'sale', delta: -1, business_day: '2026-11-19' }]);

      const open = await ok(manager, '/v1/anomalies');
      const oversold = open.anomalies.find((anomaly: { kind: string }) => anomaly.kind !== 'credit_over_limit') ?? open.anomalies[0];
      expect(oversold).toBeDefined();
      const url = `/v1/anomalies/${oversold.event_id}/${oversold.anomaly_no}/acknowledge`;
      const acked = await t.app.inject({ method: 'POST', url, headers: manager.bearer, payload: { note: 'Stock count due' } });
      expect(acked.statusCode, acked.body).toBe(200);
      expect(acked.json()).toMatchObject({ acknowledged_by: business.manager.id, note: 'Stock count due' });
      const again = await t.app.inject({ method: 'POST', url, headers: manager.bearer, payload: {} });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'already_acknowledged' });
      const after = await ok(manager, '/v1/anomalies');
      expect(after.anomalies.length).toBe(open.anomalies.length - 1);
      expect((await ok(manager, '/v1/anomalies?status=acknowledged')).anomalies).toHaveLength(1);
      const audited = await t.db.query("SELECT actor FROM audit_log WHERE business_id = $1 AND kind = 'anomaly.acknowledged'", [business.business_id]);
      expect(audited).toEqual([{ actor: business.manager.id }]);
    });

    it('shifts and the Z-report; alarms for stock below zero, a cash variance, a silent till and quarantined events', async () => {
      const shiftId = till.id();
      const opened = till.event('shift_opened', { shift_id: shiftId, float: 50_000 });
      const saleInShift = till.event('sale_completed', { ...till.salePayload([[business.products[0]!, 1]]), shift_id: shiftId });
      const closed = till.event('shift_closed', {
        shift_id: shiftId,
        counted: [{ tender: 'cash', amount: 47_000 }],
        expected: [{ tender: 'cash', amount: 67_500 }],
        variance: [{ tender: 'cash', amount: -20_500 }],
        sales_count: 1,
        refunds_total: 0,
        voids_count: 0,
      });
      await pushOk([opened, saleInShift, closed]);
      const shifts = await ok(manager, `/v1/shifts?till_id=${business.till.id}`);
      expect(shifts.shifts).toMatchObject([{ shift_id: shiftId, status: 'closed', variance_cents: -20_500, till_name: 'Till 1', business_day: '2026-11-26' }]);
      const detail = await ok(manager, `/v1/shifts/${shiftId}`);
      expect(detail.z_report).toMatchObject({ counted: [{ tender: 'cash', amount_cents: 47_000 }], variance: [{ tender: 'cash', amount_cents: -20_500 }], sales_count: 1 });
      expect(detail.by_tender).toContainEqual({ tender: 'cash', amount_cents: 17_500, refund_cents: 0, net_cents: 17_500 });

      const alarms = await ok(manager, '/v1/alarms');
      const kinds = alarms.alarms.map((alarm: { kind: string }) => alarm.kind);
      expect(kinds).toContain('stock_below_zero');
      expect(kinds).toContain('cash_variance');
      expect(kinds).not.toContain('till_silent');
      expect(alarms.alarms.find((alarm: { kind: string }) => alarm.kind === 'cash_variance')).toMatchObject({ subject_id: shiftId, message: 'A shift closed short by KSh 205.00.' });

      // An event for another store is quarantined; a till quiet past the setting is silent.
      await t.push(business, [till.event('stock_received', { store_id: '01900000-0000-7000-8000-0000000000aa', lines: [] })]);
      t.clock.advance(3 * hour_ms);
      const later = (await ok(owner, '/v1/alarms')).alarms.map((alarm: { kind: string }) => alarm.kind);
      expect(later).toContain('till_silent');
      expect(later).toContain('quarantined_events');
      const tills = await ok(manager, '/v1/tills');
      expect(tills.tills).toMatchObject([{ id: business.till.id, alarms: ['till_silent'] }]);
      t.clock.set(Date.UTC(2026, 10, 26, 6, 0, 0));
    });

    it('a failed audit verification is a critical alarm of that business only', async () => {
      const tampered = await t.newBusinessWithTill();
      const tamperedOwner = await login(t.app, tampered.business.owner.email, tampered.business.owner.password);
      const kinds = async () => (await ok(tamperedOwner, '/v1/alarms')).alarms.map((alarm: { kind: string }) => alarm.kind);
      expect((await ok(tamperedOwner, '/v1/audit/verify')).ok).toBe(true);
      expect(await kinds()).not.toContain('audit_verification_failed');
      // A test-only direct edit of one entry (the trigger that forbids it is put back at once).
      await t.db.exec('DROP TRIGGER audit_log_no_update ON audit_log');
      try {
        await t.db.query(`UPDATE audit_log SET data = '{"edited": true}' WHERE business_id = $1 AND seq = 2`, [tampered.business.business_id]);
      } finally {
        await t.db.exec('CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()');
      }
      const verify = await get(tamperedOwner, '/v1/audit/verify');
      expect(verify.json()).toMatchObject({ ok: false, broken_seq: 2 });
      const alarm = (await ok(tamperedOwner, '/v1/alarms')).alarms[0];
      expect(alarm).toMatchObject({ kind: 'audit_verification_failed', severity: 'critical', details: { first_broken_seq: 2 } });
      // Another business's alarms are its own.
      expect((await ok(owner, '/v1/alarms')).alarms.map((a: { kind: string }) => a.kind)).not.toContain('audit_verification_failed');
    });

    it('CSV exports parse back to the same totals as the summary', async () => {
      const period = 'from=2026-11-19&to=2026-11-26';
      const summary = await ok(owner, `/v1/reports/summary?${period}`);
      const salesCsv = await get(manager, `/v1/exports/sales.csv?${period}`);
      expect(salesCsv.statusCode, salesCsv.body).toBe(200);
      expect(salesCsv.headers['content-type']).toContain('text/csv');
      const sales = parse(salesCsv.body, { columns: true }) as Record<string, string>[];
      const completed = sales.filter((row) => row.status === 'completed');
      expect(completed.reduce((sum, row) => sum + Number(row.total_cents), 0)).toBe(summary.totals.net_cents + summary.totals.rounding_cents);
      for (const tender of summary.by_tender as { tender: string; amount_cents: number }[]) {
        expect(completed.reduce((sum, row) => sum + Number(row[`${tender.tender}_cents`]), 0), tender.tender).toBe(tender.amount_cents);
      }
      const lines = parse((await get(manager, `/v1/exports/sale-lines.csv?${period}`)).body, { columns: true }) as Record<string, string>[];
      expect(lines.reduce((sum, row) => sum + Number(row.gross_cents), 0)).toBe(summary.totals.gross_cents);
      expect(lines.reduce((sum, row) => sum + Number(row.vat_cents), 0)).toBe(summary.totals.vat_cents);
      const book = parse((await get(manager, '/v1/exports/credit-book.csv')).body, { columns: true }) as Record<string, string>[];
      expect(book).toMatchObject([{ customer_id: customerId, name: 'Mama Njeri', balance_cents: '42000', over_limit: 'true', days_0_30_cents: '42000' }]);
      const stock = parse((await get(manager, '/v1/exports/stock.csv')).body, { columns: true }) as Record<string, string>[];
      expect(stock.map((row) => row.name).sort()).toEqual(business.products.map((product) => product.name).sort());
    });

    it('roles: a manager reads the money pages but no settings, staff or till retirement; another owner gets nothing of this business', async () => {
      expect((await get(manager, '/v1/settings')).statusCode).toBe(403);
      expect((await get(manager, '/v1/staff')).statusCode).toBe(403);
      expect((await get(manager, '/v1/enrollment-codes')).statusCode).toBe(403);
      const retire = await t.app.inject({ method: 'POST', url: `/v1/tills/${business.till.id}/retire`, headers: manager.bearer, payload: { reason: 'Broken' } });
      expect(retire.statusCode).toBe(403);
      const device = await t.app.inject({ method: 'GET', url: '/v1/reports/summary', headers: { authorization: `Bearer ${business.till.device_token}` } });
      expect(device.statusCode).toBe(403);

      const stranger = await createTestBusiness(t.deps);
      const strangerOwner = await login(t.app, stranger.owner.email, stranger.owner.password);
      const saleId = (saleCash['payload'] as { sale_id: string }).sale_id;
      expect((await get(strangerOwner, `/v1/sales/${saleId}`)).statusCode).toBe(404);
      expect((await get(strangerOwner, `/v1/credit/${customerId}`)).statusCode).toBe(404);
      expect((await ok(strangerOwner, '/v1/reports/summary')).totals.sale_count).toBe(0);
      expect((await ok(strangerOwner, `/v1/sales?till_id=${business.till.id}`)).sales).toEqual([]);
    });
  });

  describe(`credit book ageing, clock-driven (${target.name})`, () => {
    const t = useServerSuite(target);

    it("a statement names a write-off as the till does (adjustment), and the answer parses with shared's schema", async () => {
      const { business, till } = await t.newBusinessWithTill();
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const customer = till.id();
      const pushed = await t.push(business, [
        till.event('customer_created', { customer_id: customer, name: 'Mama Wanjiku', credit_limit: 1_000_000 }),
        till.sale([[business.products[0]!, 1]], { tender: 'credit', customer_id: customer }),
        till.event('credit_adjusted', { entry_id: till.id(), customer_id: customer, delta: -2_500, reason: 'goodwill', reason_code: 'write_off' }),
      ]);
      expect(pushed.json().results.map((result: { status: string }) => result.status), pushed.body).toEqual(['applied', 'applied', 'applied']);
      const res = await t.app.inject({ method: 'GET', url: `/v1/credit/${customer}`, headers: owner.bearer });
      expect(res.statusCode, res.body).toBe(200);
      const statement = creditStatementResponseSchema.parse(res.json());
      expect(statement.entries.map((entry) => [entry.kind, entry.delta_cents])).toEqual([['sale', 17_500], ['adjustment', -2_500]]);
    });

    it('credits 95, 45 and 10 business days old and a part payment land in the right buckets with the right amounts', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const sugar = business.products[0]!;
      const today = t.clock.now();
      const customer = '01900000-0000-7000-8000-00000000c002';
      const neighbour = '01900000-0000-7000-8000-00000000c003';
      const creditSaleAt = (daysAgo: number, quantity: number, customerId = customer) => {
        till.clock.set(today - daysAgo * day_ms);
        return till.sale([[sugar, quantity]], { tender: 'credit', customer_id: customerId });
      };
      till.clock.set(today - 100 * day_ms);
      const events = [
        till.event('customer_created', { customer_id: customer, name: 'Baba Otieno', phone: '254712345678', credit_limit: 1_000_000 }),
        till.event('customer_created', { customer_id: neighbour, name: 'Mama Akinyi', credit_limit: 10_000 }),
        // 95 days ago: 4 sugar (700.00); 45 days: 2 (350.00); 10 days: 1 (175.00).
        creditSaleAt(95, 4),
        creditSaleAt(60, 1, neighbour),
        creditSaleAt(45, 2),
        creditSaleAt(10, 1),
      ];
      // A part payment of 500.00 five days ago pays the oldest credit first.
      till.clock.set(today - 5 * day_ms);
      events.push(till.event('credit_payment_recorded', { entry_id: till.id(), customer_id: customer, amount: 50_000, tender: 'cash' }));
      const pushed = await t.push(business, events);
      expect(pushed.json().results.every((result: { status: string }) => result.status === 'applied'), pushed.body).toBe(true);

      const book = (await t.app.inject({ method: 'GET', url: '/v1/credit', headers: owner.bearer })).json();
      const baba = book.customers.find((row: { customer_id: string }) => row.customer_id === customer);
      expect(baba).toMatchObject({
        name: 'Baba Otieno',
        balance_cents: 72_500,
        over_limit: false,
        age_days: 95,
        ageing: { days_0_30_cents: 17_500, days_31_60_cents: 35_000, days_61_90_cents: 0, days_91_plus_cents: 20_000 },
      });
      expect(book.customers.find((row: { customer_id: string }) => row.customer_id === neighbour)).toMatchObject({
        balance_cents: 17_500,
        over_limit: true,
        ageing: { days_0_30_cents: 0, days_31_60_cents: 17_500, days_61_90_cents: 0, days_91_plus_cents: 0 },
      });
      expect(book.totals).toMatchObject({ customers: 2, balance_cents: 90_000, over_limit: 1, ageing: { days_91_plus_cents: 20_000, days_31_60_cents: 52_500 } });
      // Largest balance first; by age, the oldest unpaid credit first.
      expect(book.customers.map((row: { customer_id: string }) => row.customer_id)).toEqual([customer, neighbour]);
      const overLimit = (await t.app.inject({ method: 'GET', url: '/v1/credit?over_limit=true&sort=age', headers: owner.bearer })).json();
      expect(overLimit.customers.map((row: { customer_id: string }) => row.customer_id)).toEqual([neighbour]);

      const statement = (await t.app.inject({ method: 'GET', url: `/v1/credit/${customer}`, headers: owner.bearer })).json();
      expect(statement.entries.map((entry: { kind: string; delta_cents: number; balance_after_cents: number; unpaid_cents: number | null }) => [entry.kind, entry.delta_cents, entry.balance_after_cents, entry.unpaid_cents])).toEqual([
        ['sale', 70_000, 70_000, 20_000],
        ['sale', 35_000, 105_000, 35_000],
        ['sale', 17_500, 122_500, 17_500],
        ['payment', -50_000, 72_500, null],
      ]);
      expect(statement.entries[0]).toMatchObject({ receipt_no: 'T1-000001', business_day: isoAt(today - 95 * day_ms).slice(0, 10) });
      expect(statement.reminder.en).toContain('KSh 725.00');
      expect(statement.reminder.sw).toContain('KSh 725.00');

      // 40 days on, the 45-day credit is 85 days old and the 10-day one 50.
      t.clock.advance(40 * day_ms);
      const again = await login(t.app, business.owner.email, business.owner.password);
      const later = (await t.app.inject({ method: 'GET', url: `/v1/credit/${customer}`, headers: again.bearer })).json();
      expect(later.customer.ageing).toEqual({ days_0_30_cents: 0, days_31_60_cents: 17_500, days_61_90_cents: 35_000, days_91_plus_cents: 20_000 });
      t.clock.set(today);
    });
  });
}
