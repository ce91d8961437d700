/**
 * One finishing step (issue 14): a plain push (finished in SQL, payme_push_tail), a push that moved
 * credit (finished in TypeScript) and quarantine replay leave the same records, the ones
 * push-records.ts builds. Each is compared with the builder's output field for field, so a
 * finish that drifted (a renamed field, another entity id, a missing actor) fails here.
 */
import { describe, expect, it } from 'vitest';
import { login, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { creditBalanceChange, eventAppliedEntry, stockLevelChange, tillStateChange } from '../src/ingest/push-records.js';
import { readFeedChanges } from '../src/feed/changes.js';
import { replayQuarantine } from '../src/quarantine/replay.js';
import type { Envelope } from './ingest-event-builder.js';

for (const target of testDatabases()) {
  describe(`push finishing step (${target.name})`, () => {
    const t = useServerSuite(target);

    async function feedAfter(business: TestBusiness, cursor: number) {
      return (await readFeedChanges(t.db, business.business_id, cursor, 1_000)).map((c) => ({ kind: c.kind, entity_id: c.entity_id, data: c.data }));
    }
    const feedHead = async (business: TestBusiness) =>
      Number((await t.db.query<{ feed_seq: number }>('SELECT feed_seq FROM businesses WHERE id = $1', [business.business_id]))[0]?.feed_seq);
    const level = async (business: TestBusiness, productId: string) =>
      Number((await t.db.query<{ on_hand: number }>('SELECT on_hand FROM stock_levels WHERE business_id = $1 AND product_id = $2', [business.business_id, productId]))[0]?.on_hand);
    async function auditOf(business: TestBusiness, eventId: string) {
      const rows = await t.db.query<{ kind: string; actor: string; subject: string; data: unknown; occurred_at: string }>(
        'SELECT kind, actor, subject, data, occurred_at FROM audit_log WHERE business_id = $1 AND subject = $2 ORDER BY seq',
        [business.business_id, eventId],
      );
      return rows.map((row) => ({ ...row, occurred_at: new Date(row.occurred_at).toISOString() }));
    }
    async function push(business: TestBusiness, events: Envelope[]) {
      const res = await t.push(business, events);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { acked_seq: number; head_hash: string; results: { status: string }[] };
    }

    it('a plain push, a credit-moving push and a replay write the records push-records.ts builds', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const sugar = business.products[0]!;
      const tillState = (acked: { acked_seq: number; head_hash: string }) =>
        tillStateChange({ till_id: business.till.id, acked_seq: acked.acked_seq, head_hash: acked.head_hash, epoch: 1 });

      // 1. No credit moved: the SQL finish (payme_push_tail) builds the stock_level record.
      let cursor = await feedHead(business);
      const cash = till.sale([[sugar, 2]]);
      const first = await push(business, [cash]);
      expect(await feedAfter(business, cursor)).toEqual([stockLevelChange(business.store_id, sugar.id, await level(business, sugar.id)), tillState(first)]);
      const [cashEntry] = await auditOf(business, cash.event_id);
      expect(cashEntry).toEqual(eventAppliedEntry(business.till.id, { ...cash, envelope: cash }, cashEntry!.occurred_at));

      // 2. Credit moved: the TypeScript finish builds the stock_level and credit_balance records.
      const session = await login(t.app, business.owner.email, business.owner.password);
      const customerId = till.id();
      const created = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: session.bearer, payload: { id: customerId, name: 'Mama Njeri', credit_limit_cents: 1_000_000 } });
      expect(created.statusCode).toBe(201);
      cursor = await feedHead(business);
      const credit = till.sale([[sugar, 1]], { tender: 'credit', customer_id: customerId });
      const second = await push(business, [credit]);
      expect(await feedAfter(business, cursor)).toEqual([
        stockLevelChange(business.store_id, sugar.id, await level(business, sugar.id)),
        creditBalanceChange(customerId, 17_500),
        tillState(second),
      ]);

      // 3. Replay: a credit sale for a customer who arrived later.
      const lateCustomer = till.id();
      const late = till.sale([[sugar, 3]], { tender: 'credit', customer_id: lateCustomer });
      expect((await push(business, [late])).results.map((r) => r.status)).toEqual(['quarantined']);
      const added = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: session.bearer, payload: { id: lateCustomer, name: 'Baba Otieno', credit_limit_cents: 1_000_000 } });
      expect(added.statusCode).toBe(201);
      cursor = await feedHead(business);
      expect(await replayQuarantine(t.db, t.deps, business.business_id)).toMatchObject({ applied: 1 });
      expect(await feedAfter(business, cursor)).toEqual([
        stockLevelChange(business.store_id, sugar.id, await level(business, sugar.id)),
        creditBalanceChange(lateCustomer, 3 * 17_500),
      ]);
      const lateEntries = await auditOf(business, late.event_id);
      expect(lateEntries.map((entry) => entry.kind)).toEqual(['event_quarantined', 'event_applied']);
      expect(lateEntries[1]).toEqual(eventAppliedEntry(business.till.id, { ...late, envelope: late }, lateEntries[1]!.occurred_at, true));
      expect((await t.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: session.bearer })).json()).toMatchObject({ ok: true });
    });
  });
}
