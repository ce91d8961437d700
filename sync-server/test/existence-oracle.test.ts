/**
 * No cross-tenant existence oracle (issue 12): whatever a caller of business A sends, the answer
 * for an id that business B uses is the answer for an id nobody ever used. Ids a client chooses
 * are unique within a business only (migration 012), so creating a record with B's id simply
 * creates A's record; and every route that takes an id in its path answers B's ids exactly as
 * fresh ones (status, code, field and message, with the id itself blanked), for an owner session
 * and a device token alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createTestBusiness, deviceAuth, login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

/** An answer with every id of the request blanked, to compare two requests that differ only in ids. */
function answerShape(res: LightMyRequestResponse, ids: readonly string[]): unknown {
  let body = res.body;
  for (const id of ids) body = body.split(id).join('<id>');
  let parsed: unknown = body;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON: compare the text
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    // Records created now carry their own times and sequence numbers; the rest must agree.
    const { created_at: _c, updated_at: _u, feed_seq: _f, ...rest } = parsed as Record<string, unknown>;
    parsed = rest;
  }
  return { status: res.statusCode, body: parsed };
}

let fresh = 0;
function freshUuid(): string {
  fresh += 1;
  return `5e7c0d1a-3b2f-4c6d-9e8f-${fresh.toString(16).padStart(12, '0')}`;
}

for (const target of testDatabases()) {
  describe(`no cross-tenant existence oracle (${target.name})`, () => {
    const t = useServerSuite(target, { mpesa: true });
    let a: TestBusiness;
    let b: TestBusiness;
    let aOwner: Session;
    let bCustomerId: string;

    beforeAll(async () => {
      a = await createTestBusiness(t.deps);
      b = await createTestBusiness(t.deps);
      aOwner = await login(t.app, a.owner.email, a.owner.password);
      const bOwner = await login(t.app, b.owner.email, b.owner.password);
      const customer = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bOwner.bearer, payload: { name: 'Mama Njeri', phone: '254712345678', credit_limit_cents: 500_000 } });
      bCustomerId = customer.json().id;
    });

    /** B's id for a path parameter of `url`, or null when the parameter is not an id. */
    function bIdFor(url: string, name: string): string | null {
      if (name === 'key' || name === 'secret' || name === 'format' || name === 'kind') return null;
      if (name === 'till_id' || (name === 'id' && url.startsWith('/v1/tills'))) return b.till.id;
      if (name === 'store_id' || (name === 'id' && url.startsWith('/v1/stores'))) return b.store_id;
      if (name === 'customer_id' || (name === 'id' && url.startsWith('/v1/customers'))) return bCustomerId;
      if (name === 'staff_id' || (name === 'id' && url.startsWith('/v1/staff'))) return b.cashier.id;
      if (name === 'business_id') return b.business_id;
      return b.products[0]!.id;
    }

    it("every route with an id in its path answers B's ids as ids never used", async () => {
      const callers = [
        { name: 'owner session', headers: aOwner.bearer },
        { name: 'device token', headers: deviceAuth(a) },
      ];
      const routes = t.app.payme.routes.filter((route) => route.access !== 'public' && route.method !== 'HEAD' && route.url.includes('/:'));
      expect(routes.length).toBeGreaterThan(10);
      let compared = 0;
      for (const caller of callers) {
        for (const route of routes) {
          const bIds: string[] = [];
          const freshIds: string[] = [];
          const fill = (pick: (url: string, name: string) => string) => route.url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => pick(route.url, name));
          const other = fill((url, name) => {
            const id = bIdFor(url, name);
            if (id === null) return 'receipt_footer';
            bIds.push(id);
            return id;
          });
          const never = fill((url, name) => {
            if (bIdFor(url, name) === null) return 'receipt_footer';
            const id = freshUuid();
            freshIds.push(id);
            return id;
          });
          const body = route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: { name: 'Probe', reason: 'probe', note: 'probe' } };
          const send = (url: string, key: string) => t.app.inject({ method: route.method as 'GET', url, headers: { ...caller.headers, 'idempotency-key': key }, ...body });
          const ofB = await send(other, `oracle-b-${caller.name}-${route.method}-${route.url}`);
          const ofNobody = await send(never, `oracle-n-${caller.name}-${route.method}-${route.url}`);
          const where = `${caller.name}: ${route.method} ${route.url}`;
          expect(answerShape(ofB, bIds), where).toEqual(answerShape(ofNobody, freshIds));
          expect(ofB.statusCode, `${where} → ${ofB.body.slice(0, 200)}`).toBeLessThan(500);
          compared += 1;
        }
      }
      expect(compared).toBe(routes.length * 2);
    }, 300_000);

    it("creating a product, customer, staff member or store with B's id is the same as with a new id", async () => {
      const before = await t.db.query('SELECT count(*)::int AS n FROM audit_log WHERE business_id = $1', [b.business_id]);
      const cases = [
        { url: '/v1/products', bId: b.products[1]!.id, body: { name: 'Unga 2kg', price_cents: 21_000 } },
        { url: '/v1/customers', bId: bCustomerId, body: { name: 'Baba Otieno' } },
        { url: '/v1/staff', bId: b.manager.id, body: { name: 'Wanjiku', role: 'cashier', pin: '8642' } },
        { url: '/v1/stores', bId: b.store_id, body: { name: 'Branch' } },
      ];
      for (const c of cases) {
        const newId = freshUuid();
        const ofB = await t.app.inject({ method: 'POST', url: c.url, headers: { ...aOwner.bearer, 'idempotency-key': `oracle-create-b-${c.url}` }, payload: { ...c.body, id: c.bId } });
        const ofNobody = await t.app.inject({ method: 'POST', url: c.url, headers: { ...aOwner.bearer, 'idempotency-key': `oracle-create-n-${c.url}` }, payload: { ...c.body, id: newId } });
        expect(ofB.statusCode, `${c.url}: ${ofB.body}`).toBe(201);
        expect(answerShape(ofB, [c.bId]), c.url).toEqual(answerShape(ofNobody, [newId]));
        // A's record exists under that id, B's is untouched, and a second create of it in A is A's own duplicate.
        const again = await t.app.inject({ method: 'POST', url: c.url, headers: aOwner.bearer, payload: { ...c.body, id: c.bId } });
        expect(again.statusCode, c.url).toBe(409);
        expect(again.json()).toMatchObject({ code: 'already_exists', field: 'id' });
      }
      const bProduct = await t.db.query<{ name: string }>('SELECT name FROM products WHERE business_id = $1 AND id = $2', [b.business_id, b.products[1]!.id]);
      expect(bProduct[0]?.name).toBe(b.products[1]!.name);
      const aProduct = await t.db.query<{ name: string }>('SELECT name FROM products WHERE business_id = $1 AND id = $2', [a.business_id, b.products[1]!.id]);
      expect(aProduct[0]?.name).toBe('Unga 2kg');
      expect(await t.db.query('SELECT count(*)::int AS n FROM audit_log WHERE business_id = $1', [b.business_id])).toEqual(before);
    });

    it("a till of A pushing B's customer id is answered as for a customer id never used", async () => {
      const { business, till } = await t.newBusinessWithTill();
      const bId = bCustomerId;
      const newId = freshUuid();
      // A payment for a customer this business does not have, then the customer's creation.
      const pushPair = async (id: string) => {
        const payment = till.event('credit_payment_recorded', { entry_id: till.id(), customer_id: id, amount: 1_000, tender: 'cash' });
        const created = till.event('customer_created', { customer_id: id, name: 'Mama Njeri', credit_limit: 50_000 });
        const res = await t.push(business, [payment, created]);
        expect(res.statusCode, res.body).toBe(200);
        return (res.json().results as { status: string; reason?: string }[]).map((r) => ({ status: r.status, reason: r.reason?.split(id).join('<id>') }));
      };
      const ofB = await pushPair(bId);
      const ofNobody = await pushPair(newId);
      expect(ofB).toEqual(ofNobody);
      expect(ofB.map((r) => r.status)).toEqual(['quarantined', 'applied']);
      const bBalance = await t.db.query('SELECT * FROM customer_balances WHERE business_id = $1 AND customer_id = $2', [b.business_id, bId]);
      expect(bBalance).toEqual([]);
    });
  });
}
