/**
 * Tenant isolation (issue 4 acceptance): walk every registered route. Public routes must be
 * exactly the public list of DESIGN §6; every other route refuses an anonymous caller; and a
 * caller of business A — owner session and device token both — can neither read nor change
 * anything of business B, whatever ids of B it puts in the path, query or body.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { createTestBusiness, deviceAuth, login, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

/** DESIGN §6: health, login, enrollment, Daraja callbacks (secret in the path), static files. */
function isAllowedPublic(method: string, url: string): boolean {
  if (url === '/healthz' || url === '/readyz') return true;
  if (method === 'POST' && (url === '/v1/auth/login' || url === '/v1/tills/enroll')) return true;
  // Daraja callbacks: guarded by the per-business secret in the path, never by a session.
  if (method === 'POST' && url.startsWith('/v1/mpesa/:secret/')) return true;
  // The owner web view's static files.
  if ((method === 'GET' || method === 'HEAD') && !url.startsWith('/v1/')) return true;
  return false;
}

/** Snapshot of everything of a business that a write would change. */
async function snapshot(db: Db, businessId: string): Promise<string> {
  const parts: unknown[] = [];
  const counters = await db.query('SELECT name, feed_seq, audit_seq, time_zone, business_day_cutoff FROM businesses WHERE id = $1', [businessId]);
  parts.push(counters);
  for (const table of ['stores', 'tills', 'staff', 'products', 'customers', 'settings', 'enrollment_codes', 'idempotency_keys']) {
    parts.push(await db.query(`SELECT to_jsonb(t) AS row FROM ${table} t WHERE business_id = $1 ORDER BY to_jsonb(t)::text`, [businessId]));
  }
  return JSON.stringify(parts);
}

for (const target of testDatabases()) {
  describe(`tenant isolation (${target.name})`, () => {
    const t = useServerSuite(target, { mpesa: true });
    let a: TestBusiness;
    let b: TestBusiness;
    let bCustomerId: string;

    beforeAll(async () => {
      a = await createTestBusiness(t.deps);
      b = await createTestBusiness(t.deps);
      const bOwner = await login(t.app, b.owner.email, b.owner.password);
      const customer = await t.app.inject({ method: 'POST', url: '/v1/customers', headers: bOwner.bearer, payload: { name: 'Mama Njeri', phone: '254712345678', credit_limit_cents: 500_000 } });
      bCustomerId = customer.json().id;
    });

    it('public routes are exactly the public list of DESIGN §6', () => {
      const routes = t.app.payme.routes;
      expect(routes.length).toBeGreaterThan(20);
      const publicRoutes = routes.filter((route) => route.access === 'public');
      for (const route of publicRoutes) expect(isAllowedPublic(route.method, route.url), `${route.method} ${route.url} is public`).toBe(true);
    });

    it('every non-public route refuses an anonymous caller', async () => {
      const guarded = t.app.payme.routes.filter((route) => route.access !== 'public');
      for (const route of guarded) {
        const url = fillParams(route.url, b);
        const res = await t.app.inject({ method: route.method as 'GET', url, ...(hasBody(route.method) ? { payload: {} } : {}) });
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
        if (route.method !== 'HEAD') expect(res.json()).toMatchObject({ code: 'unauthenticated' });
      }
    });

    it("a caller of business A cannot read or change business B's records, with an owner session or a device token", async () => {
      const before = await snapshot(t.db, b.business_id);
      const bIds = [b.business_id, b.store_id, b.owner.id, b.manager.id, b.cashier.id, b.till.id, bCustomerId, ...b.products.map((p) => p.id)];
      const aOwner = await login(t.app, a.owner.email, a.owner.password);
      const callers = [
        { name: 'owner session', headers: aOwner.bearer },
        { name: 'device token', headers: deviceAuth(a) },
      ];
      const guarded = t.app.payme.routes.filter((route) => route.access !== 'public' && route.method !== 'HEAD');
      for (const caller of callers) {
        for (const route of guarded) {
          const url = fillParams(route.url, b, bCustomerId);
          const res = await t.app.inject({
            method: route.method as 'GET',
            url,
            headers: { ...caller.headers, 'idempotency-key': `iso-${route.method}-${route.url}` },
            ...(hasBody(route.method) ? { payload: crossTenantBody(route.method, route.url, b) } : {}),
          });
          const where = `${caller.name}: ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          for (const id of bIds) expect(res.body.includes(id), `${where} leaks ${id}`).toBe(false);
        }
      }
      expect(await snapshot(t.db, b.business_id)).toBe(before);
    });
  });
}

function hasBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

/** Puts B's ids wherever a route takes an id. */
function fillParams(url: string, b: TestBusiness, customerId = '00000000-0000-4000-8000-000000000001'): string {
  return url.replace(/:([A-Za-z_]+)/g, (_match, name: string) => {
    if (name === 'key') return 'receipt_footer';
    if (name === 'till_id') return b.till.id;
    if (name === 'business_id') return b.business_id;
    if (name === 'store_id') return b.store_id;
    if (name === 'customer_id') return customerId;
    if (url.startsWith('/v1/staff')) return b.cashier.id;
    if (url.startsWith('/v1/customers')) return customerId;
    if (url.startsWith('/v1/tills')) return b.till.id;
    return b.products[0]!.id;
  });
}

/** A body that would change B if the server trusted ids in it. */
function crossTenantBody(method: string, url: string, b: TestBusiness): Record<string, unknown> {
  if (url === '/v1/enrollment-codes') return { store_id: b.store_id };
  if (url.startsWith('/v1/settings')) return { value: 'Hacked footer' };
  if (url.endsWith('/pin')) return { pin: '0000' };
  if (url.endsWith('/password')) return { password: 'hacked-password-123' };
  if (method === 'PATCH') return { name: 'Hacked' };
  if (url === '/v1/products') return { id: b.products[0]!.id, name: 'Hacked', price_cents: 1 };
  if (url === '/v1/staff') return { id: b.cashier.id, name: 'Hacked', role: 'cashier', pin: '0000' };
  if (url === '/v1/customers') return { id: b.owner.id, name: 'Hacked' };
  if (url === '/v1/stores') return { id: b.store_id, name: 'Hacked' };
  return { business_id: b.business_id, till_id: b.till.id, store_id: b.store_id, epoch: 1, events: [] };
}
