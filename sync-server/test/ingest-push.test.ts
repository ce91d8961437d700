import { describe, expect, it } from 'vitest';
import { createTestBusiness, deviceAuth, login, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { TillEvents, pushBody } from './ingest-event-builder.js';
import { createEnrollmentCode, enrollTill } from '../src/auth/enrollment.js';

for (const target of testDatabases()) {
  describe(`push ingest (${target.name})`, () => {
    const t = useServerSuite(target);



    async function counts(businessId: string) {
      const rows = await t.db.query<{ events: number; sales: number; lines: number; total: number; audit: number; on_hand: number }>(
        `SELECT (SELECT count(*)::int FROM till_events WHERE business_id = $1) AS events,
                (SELECT count(*)::int FROM sales WHERE business_id = $1) AS sales,
                (SELECT count(*)::int FROM sale_lines WHERE business_id = $1) AS lines,
                (SELECT COALESCE(sum(total_cents), 0)::int FROM sales WHERE business_id = $1) AS total,
                (SELECT count(*)::int FROM audit_log WHERE business_id = $1 AND kind = 'event_applied') AS audit,
                (SELECT COALESCE(sum(on_hand), 0)::int FROM stock_levels WHERE business_id = $1) AS on_hand`,
        [businessId],
      );
      return rows[0];
    }

    it('applies a sale once: sale, lines, tender, stock down by the quantity, audit entry, acked_seq', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const [sugar, rice] = business.products;
      const sale = till.sale([[sugar!, 2], [rice!, 1500]]);
      const res = await t.push(business, [sale]);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ acked_seq: 1, head_hash: sale.hash, results: [{ seq: 1, event_id: sale.event_id, status: 'applied' }] });
      const c = await counts(business.business_id);
      expect(c).toEqual({ events: 1, sales: 1, lines: 2, total: (sale.payload as { total: number }).total, audit: 1, on_hand: -1502 });
      const levels = await t.db.query<{ product_id: string; on_hand: number }>('SELECT product_id, on_hand FROM stock_levels WHERE business_id = $1 ORDER BY on_hand', [business.business_id]);
      expect(levels).toEqual([
        { product_id: rice!.id, on_hand: -1500 },
        { product_id: sugar!.id, on_hand: -2 },
      ]);
      const till_row = await t.db.query<{ acked_seq: number; head_hash: string }>('SELECT acked_seq, head_hash FROM tills WHERE id = $1', [business.till.id]);
      expect(till_row[0]).toEqual({ acked_seq: 1, head_hash: sale.hash });
      const session = await login(t.app, business.owner.email, business.owner.password);
      const verify = await t.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: session.bearer });
      expect(verify.json()).toMatchObject({ ok: true });
    });

    it('answers a resent push as duplicate and changes nothing', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const events = [till.sale([[business.products[0]!, 1]]), till.sale([[business.products[2]!, 3]])];
      expect((await t.push(business, events)).statusCode).toBe(200);
      const before = await counts(business.business_id);
      const again = await t.push(business, events);
      expect(again.statusCode).toBe(200);
      expect(again.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate']);
      expect(await counts(business.business_id)).toEqual(before);
    });

    it('applies the same push sent 20 times at once exactly once', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const events = Array.from({ length: 5 }, () => till.sale([[business.products[0]!, 1], [business.products[2]!, 2]]));
      const responses = await Promise.all(Array.from({ length: 20 }, () => t.push(business, events)));
      expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
      const statuses = responses.map((r) => r.json().results.map((x: { status: string }) => x.status).join(','));
      expect(statuses.filter((s) => s === 'applied,applied,applied,applied,applied')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'duplicate,duplicate,duplicate,duplicate,duplicate')).toHaveLength(19);
      const total = events.reduce((sum, e) => sum + (e.payload as { total: number }).total, 0);
      expect(await counts(business.business_id)).toEqual({ events: 5, sales: 5, lines: 10, total, audit: 5, on_hand: -15 });
    });

    it('applies a retried push whose response was lost once, and the rest of a longer retry after it', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const first = [till.sale([[business.products[0]!, 1]]), till.sale([[business.products[0]!, 1]])];
      await t.push(business, first); // response "lost"
      const next = till.sale([[business.products[0]!, 4]]);
      const retry = await t.push(business, [...first, next]);
      expect(retry.json().results.map((r: { status: string }) => r.status)).toEqual(['duplicate', 'duplicate', 'applied']);
      expect(retry.json().acked_seq).toBe(3);
      expect((await counts(business.business_id))?.on_hand).toBe(-6);
    });

    it('refuses a gap with 409 seq_gap and the expected seq, writing nothing', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const events = [till.sale([[business.products[0]!, 1]]), till.sale([[business.products[0]!, 1]])];
      const res = await t.push(business, [events[1]!]);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'seq_gap', expected_seq: 1, field: 'events.0.seq' });
      expect(await counts(business.business_id)).toEqual({ events: 0, sales: 0, lines: 0, total: 0, audit: 0, on_hand: 0 });
    });

    it('refuses a conflicting history with 409 chain_conflict naming the seq, writing nothing', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const first = till.sale([[business.products[0]!, 1]]);
      await t.push(business, [first]);
      const before = await counts(business.business_id);
      // A second till history (restored backup) with a different event at seq 1.
      const other = new TillEvents(business.till.id, business.cashier.id, 99);
      const forked = [other.sale([[business.products[0]!, 7]]), other.sale([[business.products[0]!, 7]])];
      const res = await t.push(business, forked);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'chain_conflict', seq: 1 });
      // prev_hash that does not continue the stored head.
      const detached = other.sale([[business.products[0]!, 1]]);
      const res2 = await t.push(business, [{ ...detached, seq: 2 }]);
      expect(res2.statusCode).toBe(409);
      expect(res2.json().code).toBe('chain_conflict');
      // A tampered event whose hash no longer recomputes.
      const next = till.sale([[business.products[0]!, 1]]);
      const tampered = { ...next, payload: { ...(next.payload as object), total: 1 } };
      const res3 = await t.push(business, [tampered]);
      expect(res3.statusCode).toBe(409);
      expect(res3.json()).toMatchObject({ code: 'chain_conflict', seq: 2, field: 'events.0.hash' });
      expect(await counts(business.business_id)).toEqual(before);
    });

    it('quarantines an event that fails its schema, keeps it raw, and the till moves on', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const bad = till.event('sale_completed', { sale_id: 'not-a-uuid' });
      const unknownType = till.event('sale_teleported', { where: 'moon' });
      const good = till.sale([[business.products[0]!, 1]]);
      const res = await t.push(business, [bad, unknownType, good]);
      expect(res.statusCode).toBe(200);
      const results = res.json().results as { status: string; reason?: string }[];
      expect(results.map((r) => r.status)).toEqual(['quarantined', 'quarantined', 'applied']);
      expect(results[0]?.reason).toMatch(/^invalid_input: payload/);
      expect(res.json().acked_seq).toBe(3);
      const session = await login(t.app, business.owner.email, business.owner.password);
      const list = await t.app.inject({ method: 'GET', url: '/v1/quarantine', headers: session.bearer });
      expect(list.statusCode).toBe(200);
      const events = list.json().events as { seq: number; reason_code: string; envelope: { hash: string } }[];
      expect(events.map((e) => e.seq).sort()).toEqual([1, 2]);
      expect(events.find((e) => e.seq === 1)?.envelope.hash).toBe(bad.hash);
      const audit = await t.db.query<{ kind: string }>('SELECT kind FROM audit_log WHERE business_id = $1 AND kind LIKE $2 ORDER BY seq', [business.business_id, 'event_%']);
      expect(audit.map((a) => a.kind)).toEqual(['event_quarantined', 'event_quarantined', 'event_applied']);
    });

    it("quarantines an event naming another till; another business's product id is answered as an id never used (issue 12)", async () => {
      const { business, till } = await t.newBusinessWithTill();
      const other = await createTestBusiness(t.deps);
      const otherLevels = async () => t.db.query('SELECT * FROM stock_levels WHERE business_id = $1', [other.business_id]);
      const otherBefore = await otherLevels();
      const wrongTill = till.event('stock_adjusted', { product_id: business.products[0]!.id, delta: 5, reason: 'found', reason_code: 'correction' }, { till_id: other.till.id });
      const otherId = till.event('stock_adjusted', { product_id: other.products[0]!.id, delta: 5, reason: 'found', reason_code: 'correction' });
      const neverUsed = till.event('stock_adjusted', { product_id: '6f1c2a52-9d7e-4c1b-8a3e-0b7d5e4f2a19', delta: 5, reason: 'found', reason_code: 'correction' });
      const res = await t.push(business, [wrongTill, otherId, neverUsed]);
      const results = res.json().results as { status: string; reason?: string }[];
      expect(results[0]?.reason?.split(':')[0]).toBe('wrong_till');
      const shape = (r: { status: string; reason?: string } | undefined) => ({ status: r?.status, code: r?.reason?.split(':')[0] });
      expect(shape(results[1])).toEqual(shape(results[2]));
      expect(JSON.stringify(results[1])).not.toContain('another business');
      expect(await otherLevels()).toEqual(otherBefore);
    });

    it('takes pushes of 8 tills of one business at once: levels are the exact sum and the audit chain verifies', async () => {
      const { business } = await t.newBusinessWithTill();
      const tills = [{ id: business.till.id, token: business.till.device_token }];
      for (let i = 0; i < 7; i += 1) {
        const code = await t.db.transaction((tx) => createEnrollmentCode(tx, t.deps, business.business_id, business.store_id, business.owner.id));
        const enrolled = await enrollTill(t.deps, code.code, `Till ${i + 2}`);
        tills.push({ id: enrolled.till_id, token: enrolled.device_token });
      }
      const [sugar, rice, flour] = business.products;
      const responses = await Promise.all(
        tills.map(async (till, index) => {
          const events = new TillEvents(till.id, business.cashier.id, 500 + index);
          const batches = [0, 1].map(() => Array.from({ length: 5 }, () => events.sale([[sugar!, 1], [rice!, 100], [flour!, 2]])));
          const out = [];
          for (const batch of batches) {
            out.push(await t.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${till.token}` }, payload: pushBody(till.id, batch) }));
          }
          return out;
        }),
      );
      expect(responses.flat().map((r) => r.statusCode)).toEqual(Array(16).fill(200));
      const levels = await t.db.query<{ product_id: string; on_hand: number }>('SELECT product_id, on_hand FROM stock_levels WHERE business_id = $1', [business.business_id]);
      expect(new Map(levels.map((l) => [l.product_id, Number(l.on_hand)]))).toEqual(new Map([[sugar!.id, -80], [rice!.id, -8000], [flour!.id, -160]]));
      expect((await counts(business.business_id))?.audit).toBe(80);
      const session = await login(t.app, business.owner.email, business.owner.password);
      const verify = await t.app.inject({ method: 'GET', url: '/v1/audit/verify', headers: session.bearer });
      expect(verify.json()).toMatchObject({ ok: true });
      // Each sale left its products below zero: one oversold anomaly per product per sale.
      const oversold = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM anomalies WHERE business_id = $1 AND kind = 'oversold'", [business.business_id]);
      expect(oversold[0]?.n).toBe(240);
    });

    it('refuses a push for another till (403) and an unauthenticated push (401)', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const other = await createTestBusiness(t.deps);
      const res = await t.app.inject({ method: 'POST', url: '/v1/sync/push', headers: deviceAuth(business), payload: pushBody(other.till.id, [till.sale([[business.products[0]!, 1]])]) });
      expect(res.statusCode).toBe(403);
      expect(res.json().field).toBe('till_id');
      const anon = await t.app.inject({ method: 'POST', url: '/v1/sync/push', payload: pushBody(business.till.id, []) });
      expect(anon.statusCode).toBe(401);
    });
  });
}
