/**
 * Fair admission over HTTP (issue 16, ingest/push-admission.ts): with every slot taken and the
 * queue full, a push is answered `429 push_busy` with Retry-After and the error shape
 * `{code, message}`, and stores nothing; the push that waited is applied once a slot frees. The
 * slot is held by the test itself, so nothing here depends on how fast the machine is.
 */
import { describe, expect, it } from 'vitest';
import { openDb } from '../src/db/db.js';
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

for (const target of testDatabases()) {
  describe(`a long push in slices (${target.name})`, () => {
    const t = useServerSuite(target, { config: { push_admission: { slice_events_max: 10, in_flight_max: 1, bulk_in_flight_max: 1 } } });

    it('answers once for every event, stores each once, and lets another till in between its slices', async () => {
      const backlog = await t.newBusinessWithTill();
      const other = await t.newBusinessWithTill();
      const [sugar] = backlog.business.products;
      const events = Array.from({ length: 35 }, () => backlog.till.sale([[sugar!, 1]]));
      // Another till's sale asks in while the first slice runs: it is let in before the second slice.
      const order: string[] = [];
      const admit = t.deps.pushAdmission.admit.bind(t.deps.pushAdmission);
      t.deps.pushAdmission.admit = (request, options) => {
        const granted = admit(request, options);
        void granted.then(() => {
          order.push(options?.continuing ? 'next slice' : 'first slice');
          if (order.length > 1) return;
          void admit({ business_id: other.business.business_id, till_id: other.business.till.id, events: 1 }).then((ticket) => {
            order.push('other till');
            ticket.release();
          });
        });
        return granted;
      };
      try {
        const answer = await t.push(backlog.business, events);
        expect(answer.statusCode).toBe(200);
        expect(answer.json()).toMatchObject({ acked_seq: 35, head_hash: events[34]!.hash });
        expect(answer.json().results.map((result: { seq: number; status: string }) => `${result.seq}:${result.status}`)).toEqual(events.map((event) => `${event.seq}:applied`));
      } finally {
        t.deps.pushAdmission.admit = admit;
      }
      expect(order).toEqual(['first slice', 'other till', 'next slice', 'next slice', 'next slice']);
      const stored = await t.db.query<{ events: number; sales: number; acked: number }>(
        `SELECT (SELECT count(*)::int FROM till_events WHERE business_id = $1) AS events, (SELECT count(*)::int FROM sales WHERE business_id = $1) AS sales,
                (SELECT acked_seq FROM tills WHERE business_id = $1 AND id = $2) AS acked`,
        [backlog.business.business_id, backlog.business.till.id],
      );
      expect(stored).toEqual([{ events: 35, sales: 35, acked: 35 }]);
      // Sent again whole (a lost answer): every event a duplicate, nothing stored twice.
      const again = await t.push(backlog.business, events);
      expect(again.json().results.every((result: { status: string }) => result.status === 'duplicate')).toBe(true);
    });

    it('a push whose chain breaks in a later slice is refused whole: nothing of it is applied', async () => {
      const { business, till } = await t.newBusinessWithTill();
      const events = Array.from({ length: 25 }, () => till.sale([[business.products[0]!, 1]]));
      const broken = events.map((event, index) => (index === 22 ? { ...event, prev_hash: '0'.repeat(64) } : event));
      const answer = await t.push(business, broken);
      expect(answer.statusCode).toBe(409);
      expect(answer.json()).toMatchObject({ code: 'chain_conflict' });
      const stored = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1', [business.business_id]);
      expect(stored[0]?.n).toBe(0);
    });
  });
}

describe('PGlite: an acknowledgement goes ahead of the transactions waiting', () => {
  it('a queryAhead asked after two waiting transactions runs right after the running one', async () => {
    const db = await openDb({});
    try {
      const order: string[] = [];
      let finish!: () => void;
      const running = db.transaction(async () => {
        order.push('running');
        await new Promise<void>((resolve) => (finish = resolve));
      });
      const first = db.transaction(async () => void order.push('waiting 1'));
      const second = db.transaction(async () => void order.push('waiting 2'));
      const ahead = db.queryAhead!('SELECT 1').then(() => void order.push('ahead'));
      await new Promise((resolve) => setImmediate(resolve));
      finish();
      await Promise.all([running, first, second, ahead]);
      expect(order).toEqual(['running', 'ahead', 'waiting 1', 'waiting 2']);
    } finally {
      await db.close();
    }
  });
});
