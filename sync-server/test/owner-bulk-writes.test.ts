/**
 * The owner's many-at-once writes, all or nothing with every refusal named: the catalog import
 * (POST /v1/products/import, by row and field) and the settings form (PATCH /v1/settings, by key).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestBusiness, login, testDatabases, type Session, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

for (const target of testDatabases()) {
  describe(`owner bulk writes (${target.name})`, () => {
    const t = useServerSuite(target);
    let business: TestBusiness;
    let owner: Session;
    let manager: Session;

    const heads = async () => (await t.db.query<{ audit_seq: number; feed_seq: number }>('SELECT audit_seq, feed_seq FROM businesses WHERE id = $1', [business.business_id]))[0]!;
    const products = async () => (await t.db.query<{ sku: string | null; name: string; price_cents: number; reorder_level: number | null }>('SELECT sku, name, price_cents, reorder_level FROM products WHERE business_id = $1 ORDER BY name', [business.business_id]));
    const send = (session: Session, payload: unknown) => t.app.inject({ method: 'POST', url: '/v1/products/import', headers: session.bearer, payload: payload as object });
    const patchSettings = (session: Session, payload: unknown) => t.app.inject({ method: 'PATCH', url: '/v1/settings', headers: session.bearer, payload: payload as object });
    const business_row = async () => (await t.db.query<{ audit_seq: number; feed_seq: number; name: string; time_zone: string }>('SELECT audit_seq, feed_seq, name, time_zone FROM businesses WHERE id = $1', [business.business_id]))[0]!;

    beforeAll(async () => {
      business = await createTestBusiness(t.deps);
      owner = await login(t.app, business.owner.email, business.owner.password);
      manager = await login(t.app, business.manager.email, business.manager.password);
    });

    it('a file with bad rows is refused with every problem by row and field, and nothing is written', async () => {
      const before = { heads: await heads(), products: await products() };
      const res = await send(owner, {
        rows: [
          { name: 'Unga 1kg', sku: 'UNG-1', price_cents: 9_000 },
          { name: 'Chai', sku: 'CHA-1', price_cents: -5 },
          { name: 'Soap', sku: 'UNG-1', price_cents: 5_000, reorder_level: 1.5 },
          { name: '', price_cents: 100, colour: 'red' },
        ],
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ code: 'invalid_input', field: 'rows' });
      expect(body.message).toMatch(/^row 2, price_cents: may not be negative .*nothing was imported/);
      const errors = body.errors as Array<{ row: number; field: string }>;
      expect(errors.map((e) => `${e.row}:${e.field}`).sort()).toEqual(['2:price_cents', '3:reorder_level', '3:sku', '4:name', '4:row'].sort());
      expect(body.error_count).toBe(errors.length);
      expect(await heads()).toEqual(before.heads);
      expect(await products()).toEqual(before.products);
    });

    it('a barcode another product has is refused for that row, and nothing is written', async () => {
      const before = await heads();
      const res = await send(owner, { rows: [{ name: 'New thing', price_cents: 100 }, { name: 'Copy', price_cents: 100, barcode: business.products[0]!.barcode }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ row: 2, field: 'barcode', message: expect.stringContaining('Sugar 1kg') }]);
      expect(await heads()).toEqual(before);
      expect((await products()).some((p) => p.name === 'New thing')).toBe(false);
    });

    it('a good file adds new products and updates the ones its SKUs name, in one write, audited, with a feed change each', async () => {
      const sugar = (await products()).find((p) => p.name === 'Sugar 1kg')!;
      const before = await heads();
      const res = await send(owner, {
        rows: [
          { name: 'Sugar 1kg', sku: sugar.sku, price_cents: 18_000, reorder_level: 12, barcode: business.products[0]!.barcode },
          { name: 'Unga 2kg', sku: 'UNG-2', price_cents: 21_500, cost_cents: 19_000, reorder_level: 5 },
        ],
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ created: 1, updated: 1 });
      expect(await heads()).toEqual({ audit_seq: before.audit_seq + 1, feed_seq: before.feed_seq + 2 });
      const after = await products();
      expect(after.find((p) => p.sku === sugar.sku)).toMatchObject({ price_cents: 18_000, reorder_level: 12 });
      expect(after.find((p) => p.sku === 'UNG-2')).toMatchObject({ name: 'Unga 2kg', price_cents: 21_500, reorder_level: 5 });
      const audit = (await t.db.query<{ kind: string; data: { created: string[]; updated: string[] } }>('SELECT kind, data FROM audit_log WHERE business_id = $1 ORDER BY seq DESC LIMIT 1', [business.business_id]))[0]!;
      expect(audit.kind).toBe('product.imported');
      expect([audit.data.created.length, audit.data.updated.length]).toEqual([1, 1]);
    });

    it('a manager may not import; an empty file is refused naming rows', async () => {
      expect((await send(manager, { rows: [{ name: 'X', price_cents: 1 }] })).statusCode).toBe(403);
      expect((await send(owner, { rows: [] })).json()).toMatchObject({ code: 'invalid_input', field: 'rows' });
      expect((await send(owner, { rows: 'a,b' })).json()).toMatchObject({ code: 'invalid_input', field: 'rows' });
    });

    it('one bad value refuses them all, naming each bad key, and nothing is written', async () => {
      const before = await business_row();
      const res = await patchSettings(owner, { settings: { business_name: 'Duka Jipya', kra_pin: 'P12', alarm_till_silent_minutes: 1, colour: 'red' } });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ code: 'invalid_input', field: 'kra_pin', message: 'kra_pin: must be a KRA PIN like P051234567X' });
      expect(body.errors.map((e: { field: string }) => e.field)).toEqual(['kra_pin', 'alarm_till_silent_minutes', 'colour']);
      expect(await business_row()).toEqual(before);
    });

    it('good values are written together with one audit entry and a feed change each; the name and zone reach the business', async () => {
      const before = await business_row();
      const res = await patchSettings(owner, { settings: { business_name: 'Duka Jipya', kra_pin: 'P051234567X', time_zone: 'Africa/Kampala', alarm_cash_variance_cents: 5_000 } });
      expect(res.statusCode).toBe(200);
      expect(await business_row()).toMatchObject({ audit_seq: before.audit_seq + 1, feed_seq: before.feed_seq + 4, name: 'Duka Jipya', time_zone: 'Africa/Kampala' });
      const all = (await t.app.inject({ method: 'GET', url: '/v1/settings', headers: owner.bearer })).json();
      expect(all.settings).toMatchObject({ kra_pin: 'P051234567X', alarm_cash_variance_cents: 5_000 });
      const audit = (await t.db.query<{ kind: string; data: { changed: Record<string, unknown> } }>('SELECT kind, data FROM audit_log WHERE business_id = $1 ORDER BY seq DESC LIMIT 1', [business.business_id]))[0]!;
      expect(audit.kind).toBe('settings.changed');
      expect(audit.data.changed).toMatchObject({ kra_pin: { from: null, to: 'P051234567X' }, time_zone: { from: 'Africa/Nairobi', to: 'Africa/Kampala' } });
    });

    it('settings: a manager may not; an empty change names settings', async () => {
      expect((await patchSettings(manager, { settings: { business_name: 'X' } })).statusCode).toBe(403);
      expect((await patchSettings(owner, { settings: {} })).json()).toMatchObject({ field: 'settings' });
      expect((await patchSettings(owner, { values: {} })).json()).toMatchObject({ code: 'invalid_input' });
    });
  });
}
