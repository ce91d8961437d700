import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, genesis_hash } from '@payme/shared';
import type { AuditEntryInput } from '../audit/audit-log.js';
import { appendChained, chainPieces } from './audit-batch.js';
import { createTestBusiness, testDatabases } from '../../test/support/index.js';
import { useServerSuite } from '../../test/support/server-suite.js';

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const entryArb: fc.Arbitrary<AuditEntryInput> = fc.record({
  kind: text,
  actor: fc.option(text, { nil: null }),
  subject: fc.option(text, { nil: null }),
  data: fc.jsonValue(),
  occurred_at: fc.constant('2026-11-26T08:00:00.000Z'),
});

describe('chainPieces', () => {
  it('splits the canonical JSON of the record exactly around prev_hash and seq', () => {
    fc.assert(
      fc.property(fc.uuid(), entryArb, fc.integer({ min: 1, max: 2 ** 40 }), fc.stringMatching(/^[0-9a-f]{64}$/), (businessId, entry, seq, prev) => {
        const { data, pre, post } = chainPieces(businessId, entry);
        const record = { business_id: businessId, seq, kind: entry.kind, actor: entry.actor, subject: entry.subject, data, occurred_at: entry.occurred_at, prev_hash: prev };
        expect(`${pre}${prev}","seq":${seq}${post}`).toBe(canonicalJson(record));
      }),
      { numRuns: 1_000 },
    );
  });
});

for (const target of testDatabases()) {
  describe(`appendChained (${target.name})`, () => {
    const t = useServerSuite(target);

    it('writes entries verifyAudit accepts, whatever text they hold, and gapless feed changes', async () => {
      const business = await createTestBusiness(t.deps);
      const id = business.business_id;
      const before = await t.db.query<{ audit_seq: number; feed_seq: number }>('SELECT audit_seq, feed_seq FROM businesses WHERE id = $1', [id]);
      const odd: AuditEntryInput[] = [
        { kind: 'odd', actor: 'Wanjirũ "Mama Mboga" \\ ñ', subject: '😀 \u0001\n\t', data: { a: [1, 2.5, -0, 1e21], b: 'é\u007f', c: null, skip: undefined }, occurred_at: '2026-11-26T08:00:00.000Z' },
        { kind: 'plain', actor: null, subject: null, data: null, occurred_at: '2026-11-26T08:00:00.001Z' },
      ];
      const first = await t.db.transaction((tx) =>
        appendChained(tx, id, odd, [{ kind: 'setting', entity_id: 'test:x', data: { v: 1 } }, { kind: 'setting', entity_id: 'test:y', data: null }], Date.UTC(2026, 10, 26)),
      );
      const start = Number(before[0]?.audit_seq);
      expect(first.last_audit_seq).toBe(start + 2);
      expect(first.last_feed_seq).toBe(Number(before[0]?.feed_seq) + 2);
      // Single appends and batches interleave on one chain.
      await t.db.transaction((tx) => t.deps.audit.append(tx, id, { kind: 'single', actor: null, subject: null, data: {}, occurred_at: '2026-11-26T08:00:01.000Z' }));
      await t.db.transaction((tx) => appendChained(tx, id, odd, [], Date.UTC(2026, 10, 26)));
      expect(await t.deps.audit.verify(t.db, id)).toMatchObject({ ok: true, head_seq: start + 5 });
      const feed = await t.db.query<{ change_seq: number; data: unknown }>(
        "SELECT change_seq, data FROM feed_changes WHERE business_id = $1 AND kind = $2 AND entity_id LIKE 'test:%' ORDER BY change_seq",
        [id, 'setting'],
      );
      expect(feed.map((row) => row.data)).toEqual([{ v: 1 }, null]);
    });

    it('keeps one gapless chain when many transactions append at once', async () => {
      const business = await createTestBusiness(t.deps);
      const id = business.business_id;
      const entry = (i: number): AuditEntryInput => ({ kind: 'race', actor: `a${i}`, subject: `s${i}`, data: { i }, occurred_at: '2026-11-26T08:00:00.000Z' });
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          t.db.transaction((tx) => appendChained(tx, id, [entry(i), entry(i + 100)], [{ kind: 'setting', entity_id: `race:${i}`, data: { i } }], Date.UTC(2026, 10, 26))),
        ),
      );
      const result = await t.deps.audit.verify(t.db, id);
      expect(result).toMatchObject({ ok: true });
      const races = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE business_id = $1 AND kind = 'race'", [id]);
      expect(races[0]?.n).toBe(24);
      const first = await t.db.query<{ prev_hash: string }>('SELECT prev_hash FROM audit_log WHERE business_id = $1 AND seq = 1', [id]);
      expect(first[0]?.prev_hash).toBe(genesis_hash);
    });
  });
}
