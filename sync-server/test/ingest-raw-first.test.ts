/**
 * Issue 12, raw first for till pushes: an event the database cannot hold as sent (NUL, lone
 * surrogates, in a value or in a key) is quarantined raw and the chain moves on; nothing the till
 * was told is stored goes missing, and the quarantine row itself is always storable.
 */
import { describe, expect, it } from 'vitest';
import { recordHash } from '@payme/shared';
import { deviceAuth, login, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

for (const target of testDatabases()) {
  describe(`till events the database cannot hold as sent (${target.name})`, () => {
    const t = useServerSuite(target);

    it.each([
      ['a NUL in a key', { ['na\u0000me']: 'x' }],
      ['a NUL in a nested key', { lines: [{ ['\u0000']: 'x' }] }],
      ['a NUL in the type', null],
    ])('quarantines an event with %s and keeps it raw', async (_name, extra) => {
      const { business, till } = await t.newBusinessWithTill();
      const bad = extra === null
        ? till.event('customer_\u0000created', { customer_id: till.id(), name: 'N', credit_limit: 0 })
        : till.event('customer_created', { customer_id: till.id(), name: 'N', credit_limit: 0, ...extra });
      const good = till.sale([[business.products[0]!, 1]]);
      const res = await t.push(business, [bad, good]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().results.map((r: { reason?: string; status: string }) => r.reason?.split(':')[0] ?? r.status)).toEqual(['unstorable_text', 'applied']);
      const recovered = await t.app.inject({ method: 'POST', url: '/v1/sync/recover', headers: deviceAuth(business), payload: { till_id: business.till.id } });
      expect(recordHash(recovered.json().events[0])).toBe(bad.hash);
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const list = await t.app.inject({ method: 'GET', url: '/v1/quarantine', headers: owner.bearer });
      expect(list.statusCode).toBe(200);
      expect(list.json().events).toMatchObject([{ seq: 1, reason_code: 'unstorable_text' }]);
    });

    it('an event no till could hash (a lone surrogate) is a 409 chain_conflict, never a quarantine', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const event = till.event('customer_created', { customer_id: till.id(), name: 'N', credit_limit: 0 });
      (event.payload as Record<string, unknown>)['name'] = 'N\ud800';
      const res = await t.push(business, [event]);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'chain_conflict', seq: 1 });
      const owner = await login(t.app, business.owner.email, business.owner.password);
      const list = await t.app.inject({ method: 'GET', url: '/v1/quarantine', headers: owner.bearer });
      expect(list.json().events).toEqual([]);
    });
  });
}
