/**
 * Tills for the owner (issue 13): health from what pushes and pulls say (last push and pull, the
 * outbox depth and version the till reports, its feed cursor), "has this till got the price
 * yet", retiring a till, enrollment codes listed and revoked, and `reset-password` for an owner
 * who is locked out.
 */
import { describe, expect, it } from 'vitest';
import { cryptoRandom, systemClock } from '@payme/shared';
import { resetPassword } from '../src/auth/password-reset.js';
import { deviceAuth, login, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { pushBody } from './ingest-event-builder.js';

for (const target of testDatabases()) {
  describe(`tills for the owner (${target.name})`, () => {
    const t = useServerSuite(target);

    it('till health: last push and pull, reported outbox depth and version, and whether the till has a price change yet', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const manager = await login(t.app, business.manager.email, business.manager.password);
      const events = [till.sale([[business.products[0]!, 1]]), till.sale([[business.products[0]!, 1]])];
      // The till had 5 events waiting and pushes 2 of them: 3 are left.
      const pushed = await t.app.inject({ method: 'POST', url: '/v1/sync/push', headers: deviceAuth(business), payload: { ...pushBody(business.till.id, events), outbox_depth: 5, app_version: '1.4.2' } });
      expect(pushed.statusCode, pushed.body).toBe(200);
      const badVersion = await t.app.inject({ method: 'POST', url: '/v1/sync/push', headers: deviceAuth(business), payload: { ...pushBody(business.till.id, events), app_version: 'latest' } });
      expect(badVersion.json()).toMatchObject({ code: 'invalid_input', field: 'app_version' });

      const before = (await t.app.inject({ method: 'GET', url: '/v1/tills', headers: manager.bearer })).json().tills[0];
      expect(before).toMatchObject({ id: business.till.id, name: 'Till 1', outbox_depth: 3, app_version: '1.4.2', last_pull_at: null, feed_seq: null, alarms: ['till_unsynced'] });
      expect(before.last_push_at).toBe(new Date(t.clock.now()).toISOString());

      const sugar = business.products[0]!;
      const price = await t.app.inject({ method: 'PATCH', url: `/v1/products/${sugar.id}`, headers: owner.bearer, payload: { price_cents: 18_000 } });
      expect(price.statusCode, price.body).toBe(200);
      const notYet = (await t.app.inject({ method: 'GET', url: `/v1/products/${sugar.id}/tills`, headers: manager.bearer })).json();
      expect(notYet.change_seq).toBeGreaterThan(0);
      expect(notYet.tills).toMatchObject([{ till_id: business.till.id, has_change: false, feed_seq: null }]);

      // The till pulls the feed, then pulls again after the cursor it got: it has the change.
      const page = (await t.app.inject({ method: 'GET', url: '/v1/sync/pull?after=0', headers: deviceAuth(business) })).json();
      await t.app.inject({ method: 'GET', url: `/v1/sync/pull?after=${page.cursor}&outbox_depth=0&app_version=1.4.3`, headers: deviceAuth(business) });
      await t.app.tillHealth.flush();
      const has = (await t.app.inject({ method: 'GET', url: `/v1/products/${sugar.id}/tills`, headers: manager.bearer })).json();
      expect(has.tills).toMatchObject([{ till_id: business.till.id, has_change: true, feed_seq: Number(page.cursor) }]);
      const after = (await t.app.inject({ method: 'GET', url: '/v1/tills', headers: manager.bearer })).json().tills[0];
      expect(after).toMatchObject({ outbox_depth: 0, app_version: '1.4.3', feed_seq: Number(page.cursor), alarms: [] });
      expect(after.last_pull_at).not.toBeNull();
      const badPull = await t.app.inject({ method: 'GET', url: '/v1/sync/pull?after=0&outbox_depth=-1', headers: deviceAuth(business) });
      expect(badPull.json()).toMatchObject({ code: 'invalid_input', field: 'outbox_depth' });
      expect((await t.app.inject({ method: 'GET', url: '/v1/products/01900000-0000-7000-8000-0000000000ff/tills', headers: manager.bearer })).statusCode).toBe(404);
    });

    it('the owner retires a till: its token stops working, a second retirement is refused, a manager may not', async () => {
      const { business } = await t.newBusinessWithTill();
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const manager = await login(t.app, business.manager.email, business.manager.password);
      const url = `/v1/tills/${business.till.id}/retire`;
      expect((await t.app.inject({ method: 'POST', url, headers: manager.bearer, payload: { reason: 'Stolen' } })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'POST', url, headers: owner.bearer, payload: {} })).json()).toMatchObject({ code: 'invalid_input', field: 'reason' });
      const retired = await t.app.inject({ method: 'POST', url, headers: owner.bearer, payload: { reason: 'Stolen from the shop' } });
      expect(retired.statusCode, retired.body).toBe(200);
      expect(retired.json()).toMatchObject({ id: business.till.id, retired_at: new Date(t.clock.now()).toISOString(), alarms: [] });
      const again = await t.app.inject({ method: 'POST', url, headers: owner.bearer, payload: { reason: 'Again' } });
      expect(again.statusCode).toBe(409);
      expect(again.json()).toMatchObject({ code: 'already_retired' });
      const pull = await t.app.inject({ method: 'GET', url: '/v1/sync/pull', headers: deviceAuth(business) });
      expect(pull.statusCode).toBe(401);
      expect(pull.json()).toMatchObject({ code: 'till_retired' });
      const audit = await t.db.query("SELECT actor, data FROM audit_log WHERE business_id = $1 AND kind = 'till.retired'", [business.business_id]);
      expect(audit).toEqual([{ actor: business.owner.id, data: { reason: 'Stolen from the shop' } }]);
    });

    it('enrollment codes are listed by id and revoked before use; a revoked code enrolls nothing', async () => {
      const { business } = await t.newBusinessWithTill();
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const created = await t.app.inject({ method: 'POST', url: '/v1/enrollment-codes', headers: owner.bearer, payload: { store_id: business.store_id } });
      expect(created.statusCode, created.body).toBe(201);
      const { code_id, code } = created.json();
      const listed = (await t.app.inject({ method: 'GET', url: '/v1/enrollment-codes', headers: owner.bearer })).json();
      expect(listed.codes.find((row: { code_id: string }) => row.code_id === code_id)).toMatchObject({ status: 'open', store_id: business.store_id });
      expect(listed.codes.filter((row: { status: string }) => row.status === 'used')).toHaveLength(1);
      expect(JSON.stringify(listed)).not.toContain(code);

      const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/enrollment-codes/${code_id}`, headers: owner.bearer });
      expect(revoked.json()).toMatchObject({ code_id, status: 'revoked' });
      const enroll = await t.app.inject({ method: 'POST', url: '/v1/tills/enroll', payload: { code, name: 'Till 9' } });
      expect(enroll.statusCode).toBe(400);
      expect(enroll.json()).toMatchObject({ code: 'enrollment_code_revoked', field: 'code' });
      const used = listed.codes.find((row: { status: string }) => row.status === 'used');
      const refused = await t.app.inject({ method: 'DELETE', url: `/v1/enrollment-codes/${used.code_id}`, headers: owner.bearer });
      expect(refused.statusCode).toBe(409);
      expect((await t.app.inject({ method: 'DELETE', url: '/v1/enrollment-codes/nope', headers: owner.bearer })).json()).toMatchObject({ field: 'code_id' });
    });

    it('reset-password gives a locked-out owner a new password, ends their sessions, and is audited; an unknown email is named', async () => {
      const { business } = await t.newBusinessWithTill();
      const session = await login(t.app, business.owner.email, business.owner.password);
      const deps = { db: t.db, clock: systemClock, random: cryptoRandom, audit: t.deps.audit, password_hash_cost: t.deps.config.password_hash_cost };
      const reset = await resetPassword(deps, ` ${business.owner.email.toUpperCase()} `, undefined);
      expect(reset).toMatchObject({ business_id: business.business_id, staff_id: business.owner.id, email: business.owner.email });
      expect(reset.password.length).toBeGreaterThanOrEqual(16);
      expect((await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: session.bearer })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: business.owner.email, password: business.owner.password } })).statusCode).toBe(401);
      await login(t.app, business.owner.email, reset.password);
      const audit = await t.db.query("SELECT actor, subject FROM audit_log WHERE business_id = $1 AND kind = 'staff.password_reset'", [business.business_id]);
      expect(audit).toEqual([{ actor: 'server-shell', subject: business.owner.id }]);
      await expect(resetPassword(deps, 'nobody@example.test', undefined)).rejects.toMatchObject({ code: 'not_found', field: 'email' });
    });
  });
}
