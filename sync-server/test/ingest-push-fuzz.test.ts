/**
 * Fuzzing push (issue 4 acceptance): thousands of generated bodies — random JSON, random event
 * lists, correctly chained events with random or mutated payloads, broken chains — never yield a
 * 500 or a partial write, and every refusal is a 4xx with a code and the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { event_types, genesis_hash, recordHash } from '@payme/shared';
import { createTestBusiness, deviceAuth, testDatabases, type TestBusiness } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { fuzzRuns, fuzzSeed, fuzzTimeout } from './support/fuzz-size.js';
import { TillEvents } from './ingest-event-builder.js';

/** Issue 4 asks for at least these; `npm run fuzz -- --n N` (PAYME_FUZZ_N) runs N instead. */
const runs_by_database = { pglite: fuzzRuns(5_000), postgres: fuzzRuns(1_000) } as const;

type Json = ReturnType<typeof JSON.parse>;

/** Replaces the value at one pseudo-randomly chosen path of `value` with `replacement`. */
function mutateAt(value: Json, pick: number, replacement: Json): Json {
  if (value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0 || pick % 5 === 0) return replacement;
  const key = keys[pick % keys.length] as string;
  const copy: Json = Array.isArray(value) ? [...value] : { ...value };
  copy[key] = mutateAt(value[key], Math.floor(pick / 7), replacement);
  return copy;
}

const caseArbitrary = fc.record({
  kind: fc.constantFrom('random_body', 'random_events', 'random_payload', 'mutated_sale', 'valid_sales', 'broken_chain', 'too_many', 'odd_time'),
  json: fc.jsonValue({ maxDepth: 4 }),
  jsonList: fc.array(fc.jsonValue({ maxDepth: 3 }), { minLength: 0, maxLength: 4 }),
  type: fc.oneof(fc.constantFrom(...event_types), fc.string({ maxLength: 12 })),
  v: fc.oneof(fc.constant(1), fc.integer({ min: -2, max: 4 })),
  pick: fc.nat(),
  count: fc.integer({ min: 1, max: 3 }),
  chainFault: fc.constantFrom('seq_ahead', 'seq_back', 'prev_hash', 'hash', 'event_id_reused', 'epoch', 'till_id', 'drop_hash'),
  text: fc.string({ maxLength: 20 }),
  time: fc.oneof(
    fc.constantFrom('0000-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '9999-12-31T23:59:59.999Z', '2026-11-26T08:00:00.000+03:00'),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.string({ maxLength: 30 }),
  ),
});

type FuzzCase = typeof caseArbitrary extends fc.Arbitrary<infer T> ? T : never;

for (const target of testDatabases()) {
  describe(`push fuzzing (${target.name})`, () => {
    const t = useServerSuite(target);
    let business: TestBusiness;
    let till: TillEvents;
    beforeAll(async () => {
      business = await createTestBusiness(t.deps);
      till = new TillEvents(business.till.id, business.cashier.id, 4242, business.till.receipt_prefix);
    });

    /** Producer state and the business's gapless counters: any write moves one of them. */
    async function snapshot() {
      const rows = await t.db.query<{ acked_seq: number; head_hash: string; audit_seq: number; feed_seq: number }>(
        `SELECT t.acked_seq, t.head_hash, b.audit_seq, b.feed_seq
           FROM tills t JOIN businesses b ON b.id = t.business_id WHERE t.id = $1`,
        [business.till.id],
      );
      return rows[0]!;
    }

    const eventsAfter = async (seq: number) =>
      Number((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till_events WHERE business_id = $1 AND till_id = $2 AND seq > $3', [business.business_id, business.till.id, seq]))[0]?.n);

    /** Builds the body for one case against the till's real chain head (the till's state is restored after). */
    function buildBody(c: FuzzCase): unknown {
      const products = business.products;
      const mark = { seq: till.seq, head: till.head, receipt: till.receipt };
      const rollback = () => Object.assign(till, mark);
      switch (c.kind) {
        case 'random_body':
          return c.json;
        case 'random_events':
          return { till_id: business.till.id, epoch: 1, events: c.jsonList };
        case 'too_many':
          return { till_id: business.till.id, epoch: 1, events: Array.from({ length: 501 }, () => ({})) };
        case 'random_payload': {
          const payload = c.json !== null && typeof c.json === 'object' && !Array.isArray(c.json) ? c.json : { value: c.json };
          const event = till.event(c.type, payload as Record<string, unknown>, { v: c.v });
          rollback();
          return { till_id: business.till.id, epoch: 1, events: [event] };
        }
        case 'mutated_sale': {
          const payload = mutateAt(till.salePayload([[products[c.pick % 3]!, 1 + (c.pick % 4)]]), c.pick, c.json);
          const event = till.event('sale_completed', payload);
          rollback();
          return { till_id: business.till.id, epoch: 1, events: [event] };
        }
        case 'odd_time': {
          const event = till.event('sale_completed', till.salePayload([[products[c.pick % 3]!, 1]]), { occurred_at: c.time });
          rollback();
          return { till_id: business.till.id, epoch: 1, events: [event] };
        }
        case 'valid_sales': {
          const events = Array.from({ length: c.count }, (_, i) => till.sale([[products[(c.pick + i) % 3]!, 1 + i]]));
          rollback();
          return { till_id: business.till.id, epoch: 1, events };
        }
        case 'broken_chain': {
          const events: Record<string, unknown>[] = [till.sale([[products[0]!, 1]]), till.sale([[products[1]!, 250]])];
          rollback();
          const [first, second] = events as [Record<string, unknown>, Record<string, unknown>];
          const rehash = (event: Record<string, unknown>) => ({ ...event, hash: recordHash(event) });
          let body: Record<string, unknown> = { till_id: business.till.id, epoch: 1, events };
          if (c.chainFault === 'seq_ahead') body.events = [rehash({ ...first, seq: (first.seq as number) + 2 })];
          if (c.chainFault === 'seq_back') body.events = [second, first];
          if (c.chainFault === 'prev_hash') body.events = [rehash({ ...first, prev_hash: first.prev_hash === genesis_hash ? 'a'.repeat(64) : genesis_hash })];
          if (c.chainFault === 'hash') body.events = [{ ...first, hash: 'b'.repeat(64) }];
          if (c.chainFault === 'event_id_reused') body.events = [first, rehash({ ...second, event_id: first.event_id })];
          if (c.chainFault === 'epoch') body = { ...body, epoch: c.v };
          if (c.chainFault === 'till_id') body = { ...body, till_id: business.business_id };
          if (c.chainFault === 'drop_hash') body.events = [{ ...first, hash: undefined }];
          return body;
        }
      }
    }

    it(`never answers a 500 or writes part of a push (${runs_by_database[target.name]} bodies)`, async () => {
      let before = await snapshot();
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(caseArbitrary, async (c) => {
          const body = buildBody(c);
          const res = await t.app.inject({
            method: 'POST',
            url: '/v1/sync/push',
            headers: { ...deviceAuth(business), 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'null',
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const after = await snapshot();
          if (res.statusCode === 200) {
            const answer = res.json() as { acked_seq: number; head_hash: string; results: unknown[] };
            const added = after.acked_seq - before.acked_seq;
            expect(answer.acked_seq).toBe(after.acked_seq);
            expect(await eventsAfter(before.acked_seq)).toBe(added);
            // One audit entry per stored event, in the same transaction.
            expect(after.audit_seq - before.audit_seq).toBe(added);
            // The till continues from the server's head.
            till.seq = answer.acked_seq;
            till.head = answer.head_hash;
          } else {
            expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
            expect(res.statusCode, res.body).toBeLessThan(500);
            const error = res.json() as { code?: unknown; field?: unknown };
            expect(typeof error.code, res.body).toBe('string');
            expect(typeof error.field, res.body).toBe('string');
            expect(after).toEqual(before);
          }
          before = after;
        }),
        { numRuns: runs_by_database[target.name], endOnFailure: true, seed: fuzzSeed(20261126) },
      );
      // The generators reached every outcome: applied pushes, conflicts and bad input.
      expect(statuses.get(200)).toBeGreaterThan(0);
      expect(statuses.get(400)).toBeGreaterThan(0);
      expect(statuses.get(409)).toBeGreaterThan(0);
      const sales = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sales WHERE business_id = $1', [business.business_id]);
      expect(sales[0]?.n).toBeGreaterThan(0);
    }, fuzzTimeout(600_000));
  });
}
