import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { enrollTill } from '../auth/enrollment.js';
import { replayQuarantine } from '../quarantine/replay.js';
import { buildTestApp, createTestBusiness, openMigrated, testDatabases, type TestApp, type TestBusiness } from '../../test/support/index.js';
import { TillEvents, pushBody, type Envelope } from '../../test/ingest-event-builder.js';
import { uuidFromText } from '../ingest/payment-reuse.js';

interface PushAnswer {
  results: Array<{ seq: number; status: string; reason?: string }>;
}

for (const target of testDatabases()) {
  describe(`one payment pays one sale (${target.name})`, () => {
    let db: Db;
    let t: TestApp;
    beforeAll(async () => {
      db = await openMigrated(target);
      t = await buildTestApp(db);
    });
    afterAll(async () => {
      await t?.app.close();
      await db?.close();
    });

    async function setup(): Promise<{ business: TestBusiness; till: TillEvents }> {
      const business = await createTestBusiness(t.deps);
      return { business, till: new TillEvents(business.till.id, business.cashier.id, t.random.int(1, 1e9), business.till.receipt_prefix) };
    }

    async function push(token: string, tillId: string, events: Envelope[]): Promise<PushAnswer> {
      const response = await t.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${token}` }, payload: pushBody(tillId, events) });
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as PushAnswer;
    }

    /** A completed sale of one sugar paid by M-Pesa: an STK payment id or a typed code. */
    function mpesaSale(till: TillEvents, business: TestBusiness, paidBy: { payment_id?: string; claim_code?: string }, saleId?: string): Envelope {
      const payload = till.salePayload([[business.products[0]!, 1]], saleId ? { sale_id: saleId } : {});
      payload['tenders'] = [{ kind: 'mpesa', amount: payload['total'], ...paidBy }];
      return till.event('sale_completed', payload);
    }

    const saleIdOf = (event: Envelope) => (event['payload'] as { sale_id: string }).sale_id;

    async function queue(business: TestBusiness) {
      return db.query<{ item_id: string; kind: string; subject: string; amount_cents: number; details: Record<string, unknown> }>(
        `SELECT item_id::text AS item_id, kind, subject, amount_cents::int AS amount_cents, details FROM mpesa_unmatched WHERE business_id = $1 ORDER BY created_at, subject`,
        [business.business_id],
      );
    }

    it('a second sale naming the same payment, from another till, is refused and queued for the owner; the first stands', async () => {
      const { business, till } = await setup();
      const second = await enrollTill(t.deps, business.enrollment_code, 'Till 2');
      const till2 = new TillEvents(second.till_id, business.cashier.id, t.random.int(1, 1e9), second.receipt_prefix);
      const paymentId = till.id();
      const first = mpesaSale(till, business, { payment_id: paymentId });
      expect((await push(business.till.device_token, business.till.id, [first])).results[0]).toMatchObject({ status: 'applied' });
      const reused = mpesaSale(till2, business, { payment_id: paymentId });
      const answer = await push(second.device_token, second.till_id, [reused]);
      expect(answer.results[0]?.status).toBe('quarantined');
      expect(answer.results[0]?.reason).toMatch(/^payment_reused: M-Pesa payment .* already paid sale /);
      const sales = await db.query<{ sale_id: string }>('SELECT sale_id::text AS sale_id FROM sales WHERE business_id = $1', [business.business_id]);
      expect(sales.map((row) => row.sale_id)).toEqual([saleIdOf(first)]);
      const quarantined = await db.query<{ reason_code: string; field: string }>('SELECT reason_code, field FROM quarantined_events WHERE business_id = $1', [business.business_id]);
      expect(quarantined).toEqual([{ reason_code: 'payment_reused', field: 'payload.tenders.0.payment_id' }]);
      const items = await queue(business);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        kind: 'payment_reused',
        subject: saleIdOf(reused),
        amount_cents: 17_500,
        details: { basis: 'payment_id', payment_id: paymentId, paid_sale_id: saleIdOf(first), disposition: 'refused', till_id: second.till_id },
      });
      expect(items[0]?.item_id).toBe(uuidFromText(`payment_reused:${reused.event_id}`));
    });

    it('within one push, and against the sale a payment was requested for, the second sale is refused', async () => {
      const { business, till } = await setup();
      const paymentId = till.id();
      const answer = await push(business.till.device_token, business.till.id, [mpesaSale(till, business, { payment_id: paymentId }), mpesaSale(till, business, { payment_id: paymentId })]);
      expect(answer.results.map((result) => result.status)).toEqual(['applied', 'quarantined']);

      // The server knows which sale an STK payment was asked for before any sale names it.
      const requested = till.id();
      const requestedFor = till.id();
      await db.query(
        `INSERT INTO payments (business_id, payment_id, request_hash, till_id, sale_id, phone, amount_cents, state, created_at, updated_at)
         VALUES ($1, $2, 'h', $3, $4, '254708374149', 17500, 'succeeded', now(), now())`,
        [business.business_id, requested, business.till.id, requestedFor],
      );
      const other = await push(business.till.device_token, business.till.id, [mpesaSale(till, business, { payment_id: requested })]);
      expect(other.results[0]?.reason).toContain(`already paid sale ${requestedFor}`);
      const own = await push(business.till.device_token, business.till.id, [mpesaSale(till, business, { payment_id: requested }, requestedFor)]);
      expect(own.results[0]?.status).toBe('applied');
    });

    it('a parked sale completed with its own payment is one sale, not a reuse; a refused sale stays refused on replay', async () => {
      const { business, till } = await setup();
      const paymentId = till.id();
      const saleId = till.id();
      const cartPayload = till.salePayload([[business.products[0]!, 1]], { sale_id: saleId });
      cartPayload['tenders'] = [{ kind: 'mpesa', amount: cartPayload['total'], payment_id: paymentId }];
      const park = till.event('sale_parked', { sale_id: saleId, payment_id: paymentId, lines: cartPayload['lines'], total: cartPayload['total'] });
      const complete = till.event('sale_completed', cartPayload);
      const reused = mpesaSale(till, business, { payment_id: paymentId });
      const answer = await push(business.till.device_token, business.till.id, [park, complete, reused]);
      expect(answer.results.map((result) => result.status)).toEqual(['applied', 'applied', 'quarantined']);
      expect(await replayQuarantine(db, t.deps, business.business_id)).toMatchObject({ examined: 1, applied: 0, still_quarantined: 1 });
      const reason = await db.query<{ reason_code: string }>('SELECT reason_code FROM quarantined_events WHERE business_id = $1', [business.business_id]);
      expect(reason).toEqual([{ reason_code: 'payment_reused' }]);
      expect(await queue(business)).toHaveLength(1);
    });

    it('a typed code used by a second sale is applied and flagged as an anomaly and a queue item', async () => {
      const { business, till } = await setup();
      const first = mpesaSale(till, business, { claim_code: 'SKL4ABCD12' });
      await push(business.till.device_token, business.till.id, [first]);
      const again = mpesaSale(till, business, { claim_code: 'SKL4ABCD12' });
      const other = mpesaSale(till, business, { claim_code: 'SKL4ABCD13' });
      const answer = await push(business.till.device_token, business.till.id, [again, other]);
      expect(answer.results.map((result) => result.status)).toEqual(['applied', 'applied']);
      const anomalies = await db.query<{ event_id: string; kind: string; subject: string; details: Record<string, unknown> }>(
        `SELECT event_id::text AS event_id, kind, subject, details FROM anomalies WHERE business_id = $1 AND kind = 'payment_reused'`,
        [business.business_id],
      );
      expect(anomalies).toEqual([
        { event_id: again.event_id, kind: 'payment_reused', subject: 'SKL4ABCD12', details: expect.objectContaining({ basis: 'claim_code', paid_sale_id: saleIdOf(first), disposition: 'applied' }) },
      ]);
      expect((await queue(business)).map((item) => `${item.kind}:${item.subject}`)).toEqual([`payment_reused:${saleIdOf(again)}`]);
      const owner = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.owner.email, password: business.owner.password } });
      const listed = await t.app.inject({ method: 'GET', url: '/v1/anomalies', headers: { authorization: `Bearer ${(owner.json() as { token: string }).token}` } });
      expect(JSON.stringify(listed.json())).toContain('payment_reused');
    });
  });
}
