import { describe, expect, it } from 'vitest';
import { recordHash } from '@payme/shared';
import { replayQuarantine } from '../src/quarantine/replay.js';
import { appendAuditEntries } from '../src/ingest/audit-batch.js';
import { createTestBusiness, deviceAuth, login, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import type { Envelope } from './ingest-event-builder.js';

for (const target of testDatabases()) {
  describe(`recover and quarantine replay (${target.name})`, () => {
    const t = useServerSuite(target);

    const recover = (business: TestBusiness, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/v1/sync/recover', headers: deviceAuth(business), payload: body });

    it('recover returns the events after the common seq, the head, the receipt counter and a new epoch; the old epoch is fenced', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const events = [till.sale([[business.products[0]!, 1]]), till.sale([[business.products[0]!, 1]]), till.sale([[business.products[0]!, 1]])];
      await t.push(business, events);
      const res = await recover(business, { till_id: business.till.id, epoch: 1, last_common_seq: 1 });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ epoch: 2, common_seq: 1, head: { seq: 3, hash: events[2]!.hash }, receipt_counter: 3, has_more: false });
      expect(body.events.map((e: Envelope) => e.seq)).toEqual([2, 3]);
      // What the server returns hashes exactly as the till sent it.
      expect(body.events.map((e: Envelope) => recordHash(e))).toEqual([events[1]!.hash, events[2]!.hash]);
      const next = till.sale([[business.products[0]!, 1]]);
      const fenced = await t.push(business, [next], 1);
      expect(fenced.statusCode).toBe(409);
      expect(fenced.json()).toMatchObject({ code: 'till_fenced', epoch: 2, field: 'epoch' });
      const resumed = await t.push(business, [next], 2);
      expect(resumed.statusCode).toBe(200);
      expect(resumed.json().acked_seq).toBe(4);
      const future = await t.push(business, [till.sale([[business.products[0]!, 1]])], 7);
      expect(future.statusCode).toBe(400);
      expect(future.json().field).toBe('epoch');
      const other = await recover(business, { till_id: (await createTestBusiness(t.deps)).till.id });
      expect(other.statusCode).toBe(403);
    });

    it('a repeated recover answers the same without a second bump; an older epoch after a push is fenced', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const events = [till.sale([[business.products[0]!, 1]]), till.sale([[business.products[0]!, 1]])];
      await t.push(business, events);
      const body = { till_id: business.till.id, epoch: 1, last_common_seq: 1 };
      const first = await recover(business, body);
      const repeat = await recover(business, body);
      expect(first.json()).toMatchObject({ epoch: 2, common_seq: 1 });
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json()).toEqual(first.json());
      // A second page under the new epoch bumps again; a retried first page is still a repeat.
      const page = await recover(business, { ...body, epoch: 2 });
      expect(page.json().epoch).toBe(3);
      expect((await recover(business, body)).json()).toMatchObject({ epoch: 3, common_seq: 1 });
      const audit = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE business_id = $1 AND kind = 'till_recovered'`, [business.business_id]);
      expect(audit).toEqual([{ n: 2 }]);
      const future = await recover(business, { ...body, epoch: 9 });
      expect(future.statusCode).toBe(400);
      expect(future.json().field).toBe('epoch');
      // The recovered till pushes under its new epoch: a late duplicate (or a clone) is fenced now.
      expect((await t.push(business, [till.sale([[business.products[0]!, 1]])], 3)).statusCode).toBe(200);
      const late = await recover(business, body);
      expect(late.statusCode).toBe(409);
      expect(late.json()).toMatchObject({ code: 'till_fenced', epoch: 3, field: 'epoch' });
      expect((await recover(business, { ...body, epoch: 2 })).statusCode).toBe(409);
      const tills = await t.db.query<{ epoch: number }>('SELECT epoch FROM tills WHERE id = $1', [business.till.id]);
      expect(tills).toEqual([{ epoch: 3 }]);
    });

    it('replay applies quarantined events that now pass (the customer arrived), once', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const customerId = till.id();
      const sale = till.sale([[business.products[0]!, 2]], { tender: 'credit', customer_id: customerId });
      const garbage = till.event('sale_completed', { nonsense: true });
      const first = await t.push(business, [sale, garbage]);
      expect(first.json().results.map((r: { status: string }) => r.status)).toEqual(['quarantined', 'quarantined']);
      expect(await replayQuarantine(t.db, t.deps, business.business_id)).toEqual({ businesses: 1, examined: 2, applied: 0, still_quarantined: 2 });
      // The customer is created by the owner meanwhile.
      const session = await login(t.app, business.owner.email, business.owner.password);
      const created = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: session.bearer, payload: { id: customerId, name: 'Baba Otieno', credit_limit_cents: 100_000 } });
      expect(created.statusCode).toBe(201);
      expect(await replayQuarantine(t.db, t.deps)).toMatchObject({ applied: 1 });
      expect(await replayQuarantine(t.db, t.deps, business.business_id)).toEqual({ businesses: 1, examined: 1, applied: 0, still_quarantined: 1 });
      const balance = await t.db.query('SELECT balance_cents FROM customer_balances WHERE customer_id = $1', [customerId]);
      expect(balance).toEqual([{ balance_cents: 35_000 }]);
      const list = await t.app.inject({ method: 'GET', url: '/v1/quarantine', headers: session.bearer });
      const rows = list.json().events as { seq: number; replayed_at: string | null }[];
      expect(rows.find((r) => r.seq === 1)?.replayed_at).not.toBeNull();
      expect(rows.find((r) => r.seq === 2)?.replayed_at).toBeNull();
      const verify = await t.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: session.bearer });
      expect(verify.json()).toMatchObject({ ok: true });
    });

    it('keeps an event with a NUL character as text, quarantined, and the chain moves on', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const bad = till.event('customer_created', { customer_id: till.id(), name: 'Nul\u0000name', credit_limit: 0 });
      const good = till.sale([[business.products[0]!, 1]]);
      const res = await t.push(business, [bad, good]);
      expect(res.statusCode).toBe(200);
      expect(res.json().results.map((r: { reason?: string; status: string }) => r.reason?.split(':')[0] ?? r.status)).toEqual(['unstorable_text', 'applied']);
      const recovered = await recover(business, { till_id: business.till.id });
      expect(recordHash(recovered.json().events[0])).toBe(bad.hash);
    });

    it('batched audit entries verify like single ones, interleaved with them', async () => {
      const { business } = await t.newBusinessWithTill();
      await t.db.transaction(async (tx) => {
        await appendAuditEntries(tx, business.business_id, [
          { kind: 'test_a', actor: null, subject: 's', data: { n: 1, skip: undefined }, occurred_at: '2026-11-26T08:00:00.000Z' },
          { kind: 'test_b', actor: 'x', subject: null, data: [1, 'two'], occurred_at: '2026-11-26T08:00:00.001Z' },
        ]);
        await t.deps.audit.append(tx, business.business_id, { kind: 'single', actor: null, subject: null, data: {}, occurred_at: '2026-11-26T08:00:01.000Z' });
        await appendAuditEntries(tx, business.business_id, [{ kind: 'test_c', actor: null, subject: null, data: null, occurred_at: '2026-11-26T08:00:02.000Z' }]);
        expect(await appendAuditEntries(tx, business.business_id, [])).toBeNull();
      });
      expect(await t.deps.audit.verify(t.db, business.business_id)).toMatchObject({ ok: true });
    });
  });
}
