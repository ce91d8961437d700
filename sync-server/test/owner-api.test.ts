/** Owner writes as an owner sees them: each change lands with its audit entry and feed change. */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '@payme/shared';
import { readFeedChanges } from '../src/feed/changes.js';
import { createTestBusiness, login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { expectFeedReadableByTills } from './support/feed-contract.js';

for (const target of testDatabases()) {
  describe(`owner API (${target.name})`, () => {
    const t = useServerSuite(target);
    let business: TestBusiness;
    let owner: Session;

    const heads = async () => (await t.db.query<{ audit_seq: number; feed_seq: number }>('SELECT audit_seq, feed_seq FROM businesses WHERE id = $1', [business.business_id]))[0]!;
    const lastAudit = async () => (await t.db.query<{ kind: string; actor: string; subject: string; data: Record<string, unknown> }>('SELECT kind, actor, subject, data FROM audit_log WHERE business_id = $1 ORDER BY seq DESC LIMIT 1', [business.business_id]))[0]!;
    const lastFeed = async () => (await t.db.query<{ kind: string; entity_id: string; data: Record<string, unknown> }>('SELECT kind, entity_id, data FROM feed_changes WHERE business_id = $1 ORDER BY change_seq DESC LIMIT 1', [business.business_id]))[0]!;
    const send = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: unknown) =>
      t.app.inject({ method, url, headers: owner.bearer, ...(payload === undefined ? {} : { payload: payload as object }) });

    beforeAll(async () => {
      business = await createTestBusiness(t.deps);
      owner = await login(t.app, business.owner.email, business.owner.password);
    });

    it('creating a product by weight writes the row, one audit entry and one feed change', async () => {
      const before = await heads();
      const res = await send('POST', '/v1/products', { name: 'Njugu (per kg)', price_cents: 40_000, cost_cents: 32_000, unit: 'gram', vat_class: 'exempt', barcode: '2000000000017', sku: 'NJU-1' });
      expect(res.statusCode).toBe(201);
      const product = res.json();
      expect(product).toMatchObject({ name: 'Njugu (per kg)', price_cents: 40_000, unit: 'gram', vat_class: 'exempt', stock_policy: 'allow_with_override', active: true });
      expect(await heads()).toEqual({ audit_seq: before.audit_seq + 1, feed_seq: before.feed_seq + 1 });
      expect(await lastAudit()).toMatchObject({ kind: 'product.created', actor: business.owner.id, subject: product.id, data: { price_cents: 40_000 } });
      expect(await lastFeed()).toMatchObject({ kind: 'product', entity_id: product.id, data: { price_cents: 40_000, unit: 'gram' } });
    });

    it('a price change is audited with from and to, and reaches the feed', async () => {
      const id = business.products[0]!.id;
      const res = await send('PATCH', `/v1/products/${id}`, { price_cents: 18_000, stock_policy: 'block' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ price_cents: 18_000, stock_policy: 'block', name: business.products[0]!.name });
      expect(await lastAudit()).toMatchObject({ kind: 'product.updated', data: { changed: { price_cents: { from: 17_500, to: 18_000 } } } });
      expect((await lastFeed()).data).toMatchObject({ id, price_cents: 18_000 });
      const read = await send('GET', `/v1/products/${id}`);
      expect(read.json()).toMatchObject({ price_cents: 18_000 });
    });

    it('a duplicate barcode is 409 naming the field, and nothing is written', async () => {
      const before = await heads();
      const res = await send('POST', '/v1/products', { name: 'Copycat', price_cents: 100, barcode: business.products[0]!.barcode });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'barcode_taken', field: 'barcode' });
      const sameId = await send('POST', '/v1/products', { id: business.products[1]!.id, name: 'Copycat', price_cents: 100 });
      expect(sameId.json()).toMatchObject({ code: 'already_exists', field: 'id' });
      const sku = await send('POST', '/v1/products', { name: 'Copycat', price_cents: 100, sku: 'NJU-1' });
      expect(sku.json()).toMatchObject({ code: 'sku_taken', field: 'sku' });
      expect(await heads()).toEqual(before);
    });

    it('limits are refused with the field named', async () => {
      const res = await send('POST', '/v1/products', { name: 'Gold', price_cents: 100_000_001 });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_input', field: 'price_cents' });
      const empty = await send('PATCH', `/v1/products/${business.products[0]!.id}`, {});
      expect(empty.json()).toMatchObject({ field: 'body' });
      const missing = await send('PATCH', '/v1/products/0190a000-0000-7000-8000-00000000abcd', { price_cents: 1 });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'not_found', field: 'id' });
      const badId = await send('GET', '/v1/products/not-a-uuid');
      expect(badId.json()).toMatchObject({ code: 'invalid_input', field: 'id' });
      const badQuery = await send('GET', '/v1/products?limit=0');
      expect(badQuery.json()).toMatchObject({ field: 'limit' });
    });

    it('DELETE retires a product instead of removing it', async () => {
      const id = business.products[2]!.id;
      const res = await send('DELETE', `/v1/products/${id}`);
      expect(res.json()).toMatchObject({ id, active: false });
      const list = await send('GET', '/v1/products?limit=1000&offset=0');
      expect(list.json().products.find((p: { id: string }) => p.id === id)).toMatchObject({ active: false });
      expect(await lastAudit()).toMatchObject({ kind: 'product.retired', subject: id });
    });

    it('a new cashier PIN reaches the tills as a hash, never in the audit log', async () => {
      const created = await send('POST', '/v1/staff', { name: 'Akinyi', role: 'cashier', pin: '4821' });
      expect(created.statusCode).toBe(201);
      const staff = created.json();
      expect(staff).toMatchObject({ role: 'cashier', has_pin: true, has_password: false, email: null });
      const feed = await lastFeed();
      expect(feed.kind).toBe('staff');
      expect(verifySecret('4821', String(feed.data.pin_hash))).toBe(true);
      const changed = await send('PUT', `/v1/staff/${staff.id}/pin`, { pin: '7777' });
      expect(changed.statusCode).toBe(200);
      expect(verifySecret('7777', String((await lastFeed()).data.pin_hash))).toBe(true);
      const audit = await lastAudit();
      expect(audit).toMatchObject({ kind: 'staff.pin_set', subject: staff.id });
      expect(JSON.stringify(audit)).not.toMatch(/scrypt|7777/);
      const cashierPassword = await send('POST', '/v1/staff', { name: 'Odhiambo', role: 'cashier', password: 'long-enough-pass' });
      expect(cashierPassword.json()).toMatchObject({ field: 'password' });
      const managerNoEmail = await send('POST', '/v1/staff', { name: 'Wafula', role: 'manager' });
      expect(managerNoEmail.json()).toMatchObject({ field: 'email' });
    });

    it('a new manager can sign in with the password the owner set, and a reset signs them out', async () => {
      const created = await send('POST', '/v1/staff', { name: 'Chebet', role: 'manager', email: 'Chebet@Duka.example', password: 'first-password-1', pin: '9090' });
      expect(created.json()).toMatchObject({ email: 'chebet@duka.example', has_password: true });
      const session = await login(t.app, 'chebet@duka.example', 'first-password-1');
      const reset = await send('PUT', `/v1/staff/${created.json().id}/password`, { password: 'second-password-2' });
      expect(reset.statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/v1/staff', headers: session.bearer })).statusCode).toBe(401);
      await login(t.app, 'chebet@duka.example', 'second-password-2');
      const dup = await send('POST', '/v1/staff', { name: 'Other', role: 'manager', email: 'chebet@duka.example' });
      expect(dup.json()).toMatchObject({ code: 'email_taken', field: 'email' });
      const cashierReset = await send('PUT', `/v1/staff/${business.cashier.id}/password`, { password: 'cashier-password' });
      expect(cashierReset.statusCode).toBe(404);
    });

    it('the last active owner cannot be demoted or deactivated', async () => {
      const demote = await send('PATCH', `/v1/staff/${business.owner.id}`, { role: 'manager' });
      expect(demote.statusCode).toBe(409);
      expect(demote.json()).toMatchObject({ code: 'last_owner', field: 'role' });
      const rename = await send('PATCH', `/v1/staff/${business.owner.id}`, { name: 'Mzee Owner' });
      expect(rename.json()).toMatchObject({ name: 'Mzee Owner', role: 'owner' });
      // With a second owner the first may step down.
      const second = await send('POST', '/v1/staff', { name: 'Second owner', role: 'owner', email: 'second@duka.example', password: 'second-owner-pw' });
      const secondOwner = await login(t.app, 'second@duka.example', 'second-owner-pw');
      const demoteSecond = await t.app.inject({ method: 'PATCH', url: `/v1/staff/${second.json().id}`, headers: secondOwner.bearer, payload: { role: 'cashier', email: null } });
      expect(demoteSecond.json()).toMatchObject({ role: 'cashier', email: null, has_password: false });
      const list = await send('GET', '/v1/staff');
      expect(list.json().staff.length).toBeGreaterThanOrEqual(5);
    });

    it('customers and credit limits', async () => {
      const created = await send('POST', '/v1/customers', { name: 'Mama Mboga', phone: '254722000111', credit_limit_cents: 200_000 });
      expect(created.statusCode).toBe(201);
      const id = created.json().id;
      expect(await lastAudit()).toMatchObject({ kind: 'customer.created', data: { phone: 'set', credit_limit_cents: 200_000 } });
      const raised = await send('PATCH', `/v1/customers/${id}`, { credit_limit_cents: 500_000, phone: null });
      expect(raised.json()).toMatchObject({ credit_limit_cents: 500_000, phone: null });
      expect(await lastAudit()).toMatchObject({ data: { changed: { credit_limit_cents: { from: 200_000, to: 500_000 }, phone: { changed: true } } } });
      expect((await lastFeed()).data).toMatchObject({ id, credit_limit_cents: 500_000 });
      const badPhone = await send('POST', '/v1/customers', { name: 'X', phone: '0722000111' });
      expect(badPhone.json()).toMatchObject({ field: 'phone' });
      const list = await send('GET', '/v1/customers');
      expect(list.json().customers.map((c: { id: string }) => c.id)).toContain(id);
    });

    it('settings: typed per key; the time zone updates the business', async () => {
      const zone = await send('PUT', '/v1/settings/time_zone', { value: 'Africa/Kampala' });
      expect(zone.json()).toEqual({ key: 'time_zone', value: 'Africa/Kampala' });
      const cutoff = await send('PUT', '/v1/settings/business_day_cutoff', { value: '04:00' });
      expect(cutoff.statusCode).toBe(200);
      const row = await t.db.query('SELECT time_zone, business_day_cutoff FROM businesses WHERE id = $1', [business.business_id]);
      expect(row[0]).toEqual({ time_zone: 'Africa/Kampala', business_day_cutoff: '04:00' });
      expect(await lastAudit()).toMatchObject({ kind: 'setting.changed', subject: 'business_day_cutoff', data: { from: '00:00', to: '04:00' } });
      expect((await send('PUT', '/v1/settings/time_zone', { value: 'Mars/Olympus' })).json()).toMatchObject({ field: 'value' });
      expect((await send('PUT', '/v1/settings/nonsense', { value: 1 })).json()).toMatchObject({ field: 'key' });
      expect((await send('PUT', '/v1/settings/receipt_footer', {})).json()).toMatchObject({ field: 'value' });
      const all = await send('GET', '/v1/settings');
      expect(all.json().settings).toMatchObject({ time_zone: 'Africa/Kampala', business_day_cutoff: '04:00', credit_sales_enabled: true });
    });

    it('stores, tills and enrollment codes', async () => {
      const store = await send('POST', '/v1/stores', { name: 'Branch 2' });
      expect(store.statusCode).toBe(201);
      const code = await send('POST', '/v1/enrollment-codes', { store_id: store.json().id });
      expect(code.json().code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const enrolled = await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code: code.json().code, name: 'Branch till' } });
      expect(enrolled.json()).toMatchObject({ store_id: store.json().id });
      const tills = await send('GET', '/v1/tills');
      expect(tills.json().tills.map((till: { name: string }) => till.name)).toEqual(expect.arrayContaining(['Till 1', 'Branch till']));
      expect((await send('GET', '/v1/stores')).json().stores).toHaveLength(2);
    });

    it('the audit endpoints: entries, a checkpoint on demand, and verify', async () => {
      const entries = await send('GET', '/v1/audit/entries?after=0&limit=5');
      expect(entries.json().entries.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const checkpoint = await send('POST', '/v1/audit/checkpoints');
      const head = (await heads()).audit_seq;
      expect(checkpoint.json()).toMatchObject({ checkpoint: { seq: head, business_id: business.business_id }, public_key: t.deps.audit.publicKeyHex });
      const verify = await send('GET', '/v1/audit/verify');
      expect(verify.json()).toMatchObject({ ok: true, head_seq: head, last_checkpoint_seq: head });
      const feed = await readFeedChanges(t.db, business.business_id, 0, 1000);
      expect(feed.length).toBe((await heads()).feed_seq);
      expect((await send('GET', '/v1/audit/entries?limit=5000')).json()).toMatchObject({ field: 'limit' });
      const products = (await send('GET', '/v1/audit/entries?kind=product&order=newest&limit=1000')).json().entries as Array<{ seq: number; kind: string; subject: string }>;
      expect(products.length).toBeGreaterThan(1);
      expect(products.every((e) => e.kind.startsWith('product'))).toBe(true);
      expect(products.map((e) => e.seq)).toEqual([...products.map((e) => e.seq)].sort((x, y) => y - x));
      const older = (await send('GET', `/v1/audit/entries?kind=product&before=${products[0]!.seq}&limit=1`)).json().entries;
      expect(older.map((e: { seq: number }) => e.seq)).toEqual([products[1]!.seq]);
      const about = (await send('GET', `/v1/audit/entries?subject=${products[0]!.subject}`)).json().entries as Array<{ subject: string }>;
      expect(about.length).toBeGreaterThan(0);
      expect(about.every((e) => e.subject === products[0]!.subject)).toBe(true);
      expect((await send('GET', '/v1/audit/entries?kind=DROP%20TABLE')).json()).toMatchObject({ code: 'invalid_input', field: 'kind' });
    });

    it('every record the owner writes reaches the tills in the shape their ledger reads (shared feed_records)', async () => {
      const checked = await expectFeedReadableByTills(t.db, business.business_id);
      expect([...checked].sort()).toEqual(expect.arrayContaining(['customer', 'product', 'setting', 'staff']));
    });
  });
}
