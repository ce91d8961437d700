/**
 * A push assumes its event ids are new and lets the unique index catch one that is not
 * (storedLinks, ingest-push.ts); these check the answers the rules give still come out: another
 * till's event id with other content is a 409 chain_conflict that writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { createEnrollmentCode, enrollTill } from '../auth/enrollment.js';
import { createTestBusiness, testDatabases } from '../../test/support/index.js';
import { useServerSuite } from '../../test/support/server-suite.js';
import { TillEvents, pushBody } from '../../test/ingest-event-builder.js';

for (const target of testDatabases()) {
  describe(`event ids already stored (${target.name})`, () => {
    const t = useServerSuite(target);

    it("refuses another till's event id with other content as chain_conflict, writing nothing", async () => {
      const business = await createTestBusiness(t.deps);
      const code = await t.db.transaction((tx) => createEnrollmentCode(tx, t.deps, business.business_id, business.store_id, business.owner.id));
      const second = await enrollTill(t.deps, code.code, 'Till 2');
      const first = new TillEvents(business.till.id, business.cashier.id, 11, business.till.receipt_prefix);
      const sale = first.sale([[business.products[0]!, 1]]);
      const pushed = await t.push(business, [sale]);
      expect(pushed.statusCode).toBe(200);

      const other = new TillEvents(second.till_id, business.cashier.id, 12, second.receipt_prefix);
      const fresh = other.sale([[business.products[1]!, 500]]);
      const reused = other.event('shift_opened', { shift_id: other.id(), float: 0 }, { event_id: sale.event_id });
      const before = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1', [business.business_id]);
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/sync/push',
        headers: { authorization: `Bearer ${second.device_token}` },
        payload: pushBody(second.till_id, [fresh, reused]),
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'chain_conflict', seq: 2, field: 'events.1.event_id' });
      const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1', [business.business_id]);
      expect(after[0]?.n).toBe(before[0]?.n);
      expect(await t.deps.audit.verify(t.db, business.business_id)).toMatchObject({ ok: true });
    });
  });
}
