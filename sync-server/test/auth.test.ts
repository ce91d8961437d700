/** Sign-in, sessions, CSRF, logout and expiry; till enrollment codes; rate limits. */
import { describe, expect, it } from 'vitest';
import { sessionResponseSchema } from '@payme/shared';
import { buildTestApp, createTestBusiness, deviceAuth, login, openMigrated, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

for (const target of testDatabases()) {
  describe(`auth and enrollment (${target.name})`, () => {
    const t = useServerSuite(target);

    it('an owner signs in and gets an httpOnly, SameSite cookie, a bearer token and a CSRF token', async () => {
      const business = await createTestBusiness(t.deps);
      const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.owner.email.toUpperCase(), password: business.owner.password } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ business_id: business.business_id, staff: { id: business.owner.id, role: 'owner' } });
      expect(body.token).toMatch(/^pms_/);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/payme_session=pms_/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      // The session is stored hashed: the token itself is nowhere in the table.
      const stored = await t.db.query('SELECT 1 FROM sessions WHERE token_hash = $1', [body.token]);
      expect(stored).toHaveLength(0);
    });

    it('a wrong password, an unknown email and a cashier are refused with 401', async () => {
      const business = await createTestBusiness(t.deps);
      const wrong = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.owner.email, password: 'not-the-password' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
      const unknown = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'nobody@example.test', password: 'whatever-it-is' } });
      expect(unknown.statusCode).toBe(401);
      const bad = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'not an email', password: 'x' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'invalid_input', field: 'email' });
    });

    it('cookie sessions need the CSRF token for unsafe methods; bearer sessions do not', async () => {
      const business = await createTestBusiness(t.deps);
      const session = await login(t.app, business.owner.email, business.owner.password);
      const product = { name: 'Chai masala 100g', price_cents: 9_500 };
      const noCsrf = await t.app.inject({ method: 'POST', url: '/v1/products', headers: { cookie: session.cookie }, payload: product });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json()).toMatchObject({ code: 'csrf_failed' });
      const wrongCsrf = await t.app.inject({ method: 'POST', url: '/v1/products', headers: { cookie: session.cookie, 'x-csrf-token': 'x'.repeat(32) }, payload: product });
      expect(wrongCsrf.statusCode).toBe(403);
      const withCsrf = await t.app.inject({ method: 'POST', url: '/v1/products', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf_token }, payload: product });
      expect(withCsrf.statusCode).toBe(201);
      const read = await t.app.inject({ method: 'GET', url: '/v1/products', headers: { cookie: session.cookie } });
      expect(read.statusCode).toBe(200);
      const bearer = await t.app.inject({ method: 'POST', url: '/v1/products', headers: session.bearer, payload: { ...product, name: 'Chai masala 250g' } });
      expect(bearer.statusCode).toBe(201);
      const products = await t.db.query('SELECT name FROM products WHERE business_id = $1 AND name LIKE $2', [business.business_id, 'Chai%']);
      expect(products).toHaveLength(2);
    });

    it('GET /v1/auth/session returns the CSRF token for a page reload', async () => {
      const business = await createTestBusiness(t.deps);
      const session = await login(t.app, business.manager.email, business.manager.password);
      const res = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: session.cookie } });
      expect(res.json()).toMatchObject({ business_id: business.business_id, csrf_token: session.csrf_token, staff: { role: 'manager' } });
    });

    it('the session answer carries what every page formats with, for a manager too, and parses with the shared schema', async () => {
      const business = await createTestBusiness(t.deps);
      await t.db.query(`UPDATE businesses SET time_zone = 'Africa/Kampala', business_day_cutoff = '04:00' WHERE id = $1`, [business.business_id]);
      const session = await login(t.app, business.manager.email, business.manager.password);
      const answer = sessionResponseSchema.parse((await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: session.bearer })).json());
      expect(answer.business).toMatchObject({ id: business.business_id, currency: 'KES', time_zone: 'Africa/Kampala', business_day_cutoff: '04:00' });
      const head = await t.db.query<{ feed_seq: string }>('SELECT feed_seq::text AS feed_seq FROM businesses WHERE id = $1', [business.business_id]);
      expect(answer.feed_cursor).toBe(head[0]?.feed_seq);
    });

    it('an owner or manager changes their own password: the old one stops working, other sessions end, the audit says so without the secret', async () => {
      const business = await createTestBusiness(t.deps);
      const here = await login(t.app, business.manager.email, business.manager.password);
      const elsewhere = await login(t.app, business.manager.email, business.manager.password);
      const change = (body: Record<string, string>) => t.app.inject({ method: 'POST', url: '/v1/auth/password', headers: here.bearer, payload: body });
      const wrong = await change({ current_password: 'not-my-password', new_password: 'a-new-long-password' });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()).toMatchObject({ code: 'invalid_credentials', field: 'current_password' });
      const short = await change({ current_password: business.manager.password, new_password: 'short' });
      expect(short.json()).toMatchObject({ code: 'invalid_input', field: 'new_password' });
      const same = await change({ current_password: business.manager.password, new_password: business.manager.password });
      expect(same.json()).toMatchObject({ field: 'new_password' });
      const ok = await change({ current_password: business.manager.password, new_password: 'a-new-long-password' });
      expect(ok.statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: here.bearer })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: elsewhere.bearer })).statusCode).toBe(401);
      const old = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.manager.email, password: business.manager.password } });
      expect(old.statusCode).toBe(401);
      await login(t.app, business.manager.email, 'a-new-long-password');
      const audit = await t.db.query<{ data: unknown }>(`SELECT data FROM audit_log WHERE business_id = $1 AND kind = 'staff.password_changed'`, [business.business_id]);
      expect(audit).toEqual([{ data: {} }]);
    });

    it('logout ends the session', async () => {
      const business = await createTestBusiness(t.deps);
      const session = await login(t.app, business.owner.email, business.owner.password);
      const out = await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: session.bearer });
      expect(out.statusCode).toBe(204);
      const after = await t.app.inject({ method: 'GET', url: '/v1/products', headers: session.bearer });
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ code: 'invalid_token' });
    });

    it('a session expires after its lifetime', async () => {
      const business = await createTestBusiness(t.deps);
      const session = await login(t.app, business.owner.email, business.owner.password);
      t.clock.advance(t.deps.config.session_ttl_ms - 1);
      expect((await t.app.inject({ method: 'GET', url: '/v1/products', headers: session.bearer })).statusCode).toBe(200);
      t.clock.advance(1);
      const expired = await t.app.inject({ method: 'GET', url: '/v1/products', headers: session.bearer });
      expect(expired.statusCode).toBe(401);
      expect(expired.json()).toMatchObject({ code: 'session_expired' });
    });

    it('a manager cannot use owner routes; a deactivated manager loses the session', async () => {
      const business = await createTestBusiness(t.deps);
      const manager = await login(t.app, business.manager.email, business.manager.password);
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const write = await t.app.inject({ method: 'POST', url: '/v1/products', headers: manager.bearer, payload: { name: 'Soap', price_cents: 5_000 } });
      expect(write.statusCode).toBe(403);
      expect(write.json()).toMatchObject({ code: 'forbidden' });
      const off = await t.app.inject({ method: 'PATCH', url: `/v1/staff/${business.manager.id}`, headers: owner.bearer, payload: { active: false } });
      expect(off.statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/v1/products', headers: manager.bearer })).statusCode).toBe(401);
      const again = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.manager.email, password: business.manager.password } });
      expect(again.statusCode).toBe(401);
    });

    it('malformed credentials are 401, never 500', async () => {
      for (const authorization of ['Basic abc', 'Bearer ', 'Bearer pms_nope', 'Bearer pmd_nope', 'Bearer something']) {
        const res = await t.app.inject({ method: 'GET', url: '/v1/products', headers: { authorization } });
        expect(res.statusCode, authorization).toBe(401);
      }
      const cookie = await t.app.inject({ method: 'GET', url: '/v1/products', headers: { cookie: 'payme_session=pmd_device-token-in-a-cookie' } });
      expect(cookie.statusCode).toBe(401);
    });

    it('an enrollment code is single use and its device token is stored hashed', async () => {
      const business = await createTestBusiness(t.deps);
      const first = await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code: business.enrollment_code.toLowerCase(), name: 'Till 2' } });
      expect(first.statusCode).toBe(200);
      const till = first.json();
      expect(till).toMatchObject({ business_id: business.business_id, store_id: business.store_id, epoch: 1, receipt_prefix: 'T2', server_public_key: t.deps.audit.publicKeyHex });
      expect(till.device_token).toMatch(/^pmd_/);
      expect(await t.db.query('SELECT 1 FROM tills WHERE device_token_hash = $1', [till.device_token])).toHaveLength(0);
      const second = await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code: business.enrollment_code, name: 'Till 3' } });
      expect(second.statusCode).toBe(400);
      expect(second.json()).toMatchObject({ code: 'enrollment_code_used', field: 'code' });
      const tills = await t.db.query('SELECT 1 FROM tills WHERE business_id = $1', [business.business_id]);
      expect(tills).toHaveLength(2);
      // The new device token works for device routes and not for owner routes.
      const latest = await t.app.inject({ method: 'GET', url: '/v1/audit/checkpoints/latest', headers: { authorization: `Bearer ${till.device_token}` } });
      expect(latest.statusCode).toBe(200);
      const owner = await t.app.inject({ method: 'GET', url: '/v1/products', headers: { authorization: `Bearer ${till.device_token}` } });
      expect(owner.statusCode).toBe(403);
    });

    it('an enrollment code expires, and an unknown one is refused', async () => {
      const business = await createTestBusiness(t.deps);
      const session = await login(t.app, business.owner.email, business.owner.password);
      const issued = await t.app.inject({ method: 'POST', url: '/v1/enrollment-codes', headers: session.bearer, payload: { store_id: business.store_id, ttl_minutes: 5 } });
      expect(issued.statusCode).toBe(201);
      const code = issued.json().code as string;
      t.clock.advance(5 * 60_000);
      const late = await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code, name: 'Late till' } });
      expect(late.statusCode).toBe(400);
      expect(late.json()).toMatchObject({ code: 'enrollment_code_expired', field: 'code' });
      const unknown = await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code: 'ZZZZ-ZZZZ-ZZZZ', name: 'Till' } });
      expect(unknown.json()).toMatchObject({ code: 'enrollment_code_invalid', field: 'code' });
      const otherStore = await t.app.inject({ method: 'POST', url: '/v1/enrollment-codes', headers: session.bearer, payload: { store_id: '00000000-0000-4000-8000-000000000000' } });
      expect(otherStore.statusCode).toBe(404);
      expect(otherStore.json()).toMatchObject({ field: 'store_id' });
    });

    it('two tills racing with one code: exactly one wins', async () => {
      const business = await createTestBusiness(t.deps);
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code: business.enrollment_code, name: `Racer ${i}` } })),
      );
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
      expect(results.filter((r) => r.statusCode === 400)).toHaveLength(4);
    });

    it('device tokens authenticate as their till', async () => {
      const business = await createTestBusiness(t.deps);
      const res = await t.app.inject({ method: 'GET', url: '/v1/audit/checkpoints/latest', headers: deviceAuth(business) });
      expect(res.statusCode).toBe(200);
      expect(res.json().checkpoint).toMatchObject({ business_id: business.business_id });
    });
  });
}

describe('rate limits', () => {
  it('login and enrollment answer 429 with Retry-After once the limit is reached', async () => {
    const target = testDatabases()[0]!;
    const db = await openMigrated(target);
    const t = await buildTestApp(db, { config: { rate_limits: { login: { max: 3, timeWindow: 60_000 }, enroll: { max: 2, timeWindow: 60_000 } } } });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i += 1) {
        last = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'a@example.test', password: 'wrong-password' } });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.json()).toMatchObject({ code: 'rate_limited' });
      const enroll = [];
      for (let i = 0; i < 3; i += 1) enroll.push((await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code: 'AAAA', name: 'x' } })).statusCode);
      expect(enroll).toEqual([400, 400, 429]);
    } finally {
      await t.app.close();
      await db.close();
    }
  });
});
