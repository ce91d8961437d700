/**
 * Fair admission over HTTP (issue 16, ingest/push-admission.ts): with every slot taken and the
 * queue full, a push is answered `429 push_busy` with Retry-After and the error shape
 * `{code, message}`, and stores nothing; the push that waited is applied once a slot frees. The
 * slot is held by the test itself, so nothing here depends on how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

/** Turns of the event loop until `ready()` holds (a bounded count, not a time). */
async function until(ready: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !ready(); turn += 1) await new Promise((resolve) => setImmediate(resolve));
  expect(ready()).toBe(true);
}

for (const target of testDatabases()) {
  describe(`push admission over HTTP (${target.name})`, () => {
    const t = useServerSuite(target, {
      config: { push_admission: { in_flight_max: 1, bulk_in_flight_max: 1, queue_max: 1, bulk_queue_max: 1, till_queue_max: 1, retry_after_s_max: 30 } },
    });

    it('a push past the full queue is 429 push_busy with Retry-After and stores nothing; the waiting one is applied', async () => {
      const waiting = await t.newBusinessWithTill();
      const refused = await t.newBusinessWithTill();
      const held = await t.deps.pushAdmission.admit({ business_id: 'someone-else', till_id: 'busy', events: 500 });
      const queued = t.push(waiting.business, [waiting.till.sale([[waiting.business.products[0]!, 1]])]);
      await until(() => t.deps.pushAdmission.depth.waiting === 1);

      const answer = await t.push(refused.business, [refused.till.sale([[refused.business.products[0]!, 1]])]);
      expect(answer.statusCode).toBe(429);
      const seconds = Number(answer.headers['retry-after']);
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(30);
      expect(answer.json()).toMatchObject({ code: 'push_busy', message: expect.stringContaining('push again'), retry_after_seconds: seconds });
      const stored = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1', [refused.business.business_id]);
      expect(stored[0]?.n).toBe(0);

      held.release();
      const applied = await queued;
      expect(applied.statusCode).toBe(200);
      expect(applied.json()).toMatchObject({ acked_seq: 1, results: [{ status: 'applied' }] });
      expect(t.deps.pushAdmission.depth).toEqual({ waiting: 0, in_flight: 0 });
    });
  });
}
