/**
 * Tamper evidence (issue 4 acceptance): an attacker with database access drops the append-only
 * triggers and changes, deletes or reorders rows, or rewrites history with every hash
 * recomputed. Verification must fail and name the first broken sequence number.
 */
import { describe, expect, it } from 'vitest';
import { recordHash, isoAt } from '@payme/shared';
import type { Db } from '../src/db/db.js';
import { appendAudit, latestCheckpoint, type AuditVerifyResult } from '../src/audit/audit-log.js';
import { createTestBusiness, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

async function withoutTriggers(db: Db, fn: () => Promise<void>): Promise<void> {
  await db.exec('DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_delete ON audit_log;');
  try {
    await fn();
  } finally {
    await db.exec(`
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();`);
  }
}

for (const target of testDatabases()) {
  describe(`audit log tamper evidence (${target.name})`, () => {
    const t = useServerSuite(target);

    /** A business with 12 entries beyond its setup, a checkpoint at seq 6 and one at the head. */
    async function businessWithHistory(): Promise<{ businessId: string; head: number }> {
      const business = await createTestBusiness(t.deps);
      const id = business.business_id;
      const appendSome = (n: number) =>
        t.db.transaction(async (tx) => {
          for (let i = 0; i < n; i += 1) {
            t.clock.advance(1_000);
            await appendAudit(tx, id, { kind: 'test.entry', actor: business.owner.id, subject: `s${i}`, data: { i, amount_cents: 100 * i }, occurred_at: isoAt(t.clock.now()) });
          }
        });
      const start = (await t.db.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1', [id]))[0]!.audit_seq;
      expect(start).toBeGreaterThan(5);
      await t.deps.audit.checkpoint(t.db, id);
      await appendSome(6);
      await appendSome(6);
      const head = start + 12;
      await t.deps.audit.checkpoint(t.db, id);
      return { businessId: id, head };
    }

    const verify = (businessId: string): Promise<AuditVerifyResult> => t.deps.audit.verify(t.db, businessId);

    it('an untouched history verifies, with its checkpoints', async () => {
      const { businessId, head } = await businessWithHistory();
      const result = await verify(businessId);
      expect(result).toMatchObject({ ok: true, head_seq: head, checkpoints_verified: 2, last_checkpoint_seq: head });
    });

    it('the triggers refuse UPDATE and DELETE of audit entries', async () => {
      const { businessId } = await businessWithHistory();
      await expect(t.db.query(`UPDATE audit_log SET kind = 'x' WHERE business_id = $1 AND seq = 1`, [businessId])).rejects.toThrow(/append-only/);
      await expect(t.db.query(`DELETE FROM audit_log WHERE business_id = $1 AND seq = 1`, [businessId])).rejects.toThrow(/append-only/);
      expect((await verify(businessId)).ok).toBe(true);
    });

    it('a changed row breaks the chain at its seq', async () => {
      const { businessId } = await businessWithHistory();
      await withoutTriggers(t.db, async () => {
        await t.db.query(`UPDATE audit_log SET data = '{"i": 3, "amount_cents": 1}' WHERE business_id = $1 AND seq = 9`, [businessId]);
      });
      expect(await verify(businessId)).toMatchObject({ ok: false, broken_seq: 9, problem: 'hash_mismatch' });
    });

    it('a deleted row is named', async () => {
      const { businessId } = await businessWithHistory();
      await withoutTriggers(t.db, async () => {
        await t.db.query('DELETE FROM audit_log WHERE business_id = $1 AND seq = 8', [businessId]);
      });
      expect(await verify(businessId)).toMatchObject({ ok: false, broken_seq: 8, problem: 'seq_gap' });
    });

    it('a deleted tail is named', async () => {
      const { businessId, head } = await businessWithHistory();
      await withoutTriggers(t.db, async () => {
        await t.db.query('DELETE FROM audit_log WHERE business_id = $1 AND seq >= $2', [businessId, head - 1]);
      });
      const result = await verify(businessId);
      expect(result).toMatchObject({ ok: false, broken_seq: head - 1 });
    });

    it('two swapped rows break the chain at the first of them', async () => {
      const { businessId } = await businessWithHistory();
      await withoutTriggers(t.db, async () => {
        // Swap entries 10 and 12 wholesale (content and hashes), keeping the seq numbers in place.
        await t.db.query(
          `UPDATE audit_log a SET kind = b.kind, actor = b.actor, subject = b.subject, data = b.data, occurred_at = b.occurred_at, prev_hash = b.prev_hash, hash = b.hash
             FROM audit_log b
            WHERE a.business_id = $1 AND b.business_id = $1 AND ((a.seq = 10 AND b.seq = 12) OR (a.seq = 12 AND b.seq = 10))`,
          [businessId],
        );
      });
      expect(await verify(businessId)).toMatchObject({ ok: false, broken_seq: 10 });
    });

    it('a history rewritten with all hashes recomputed is caught by the signed checkpoints', async () => {
      const { businessId, head } = await businessWithHistory();
      const firstCheckpoint = (await t.db.query<{ seq: number }>('SELECT min(seq)::int AS seq FROM audit_checkpoints WHERE business_id = $1', [businessId]))[0]!.seq;
      const tampered = firstCheckpoint + 3;
      await withoutTriggers(t.db, async () => {
        const rows = await t.db.query<Record<string, unknown> & { seq: number; hash: string }>(
          `SELECT business_id::text AS business_id, seq, kind, actor, subject, data, occurred_at, prev_hash, hash
             FROM audit_log WHERE business_id = $1 AND seq >= $2 ORDER BY seq`,
          [businessId, tampered],
        );
        let prev = (await t.db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE business_id = $1 AND seq = $2', [businessId, tampered - 1]))[0]!.hash;
        for (const row of rows) {
          const data = row.seq === tampered ? { i: 0, amount_cents: 999_999 } : row.data;
          const { hash: _old, ...rest } = { ...row, data, prev_hash: prev };
          const hash = recordHash(rest);
          await t.db.query('UPDATE audit_log SET data = $3, prev_hash = $4, hash = $5 WHERE business_id = $1 AND seq = $2', [businessId, row.seq, JSON.stringify(data), prev, hash]);
          prev = hash;
        }
      });
      const result = await verify(businessId);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.problem).toBe('checkpoint_mismatch');
      expect(result.checkpoint_seq).toBe(head);
      // Nothing up to the earlier checkpoint is blamed; the tampered entry lies in the named range.
      expect(result.broken_seq).toBe(firstCheckpoint + 1);
      expect(result.broken_seq).toBeLessThanOrEqual(tampered);
    });

    it('a checkpoint rewritten without the signing key is refused', async () => {
      const { businessId, head } = await businessWithHistory();
      await t.db.query(`UPDATE audit_checkpoints SET hash = $3 WHERE business_id = $1 AND seq = $2`, [businessId, head, 'f'.repeat(64)]);
      expect(await verify(businessId)).toMatchObject({ ok: false, problem: 'checkpoint_signature', checkpoint_seq: head });
    });

    it('a checkpoint beyond the end of the log is reported', async () => {
      const { businessId, head } = await businessWithHistory();
      await withoutTriggers(t.db, async () => {
        await t.db.query('DELETE FROM audit_log WHERE business_id = $1 AND seq = $2', [businessId, head]);
        await t.db.query('UPDATE businesses SET audit_seq = $2 WHERE id = $1', [businessId, head - 1]);
      });
      expect(await verify(businessId)).toMatchObject({ ok: false, problem: 'checkpoint_beyond_head', checkpoint_seq: head, broken_seq: head });
    });

    it('concurrent appends of one business stay gapless and verify', async () => {
      const business = await createTestBusiness(t.deps);
      const before = (await t.db.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1', [business.business_id]))[0]!.audit_seq;
      const appended = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.db.transaction((tx) => appendAudit(tx, business.business_id, { kind: 'test.concurrent', actor: null, subject: null, data: { i }, occurred_at: isoAt(t.clock.now()) })),
        ),
      );
      expect(appended.map((entry) => entry.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => before + i + 1));
      expect((await verify(business.business_id)).ok).toBe(true);
    });

    it('maybeCheckpoint signs only when a minute has passed and the head moved', async () => {
      const business = await createTestBusiness(t.deps);
      const id = business.business_id;
      // Setup ended with an enrollment, which signed the first checkpoint (none existed yet).
      const first = await latestCheckpoint(t.db, id);
      const head = (await t.db.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1', [id]))[0]!.audit_seq;
      expect(first?.seq).toBe(head);
      expect(await t.deps.audit.maybeCheckpoint(t.db, id)).toBeNull(); // head did not move
      await t.db.transaction((tx) => appendAudit(tx, id, { kind: 'test.later', actor: null, subject: null, data: {}, occurred_at: isoAt(t.clock.now()) }));
      t.clock.advance(30_000);
      expect(await t.deps.audit.maybeCheckpoint(t.db, id)).toBeNull(); // too soon
      t.clock.advance(30_000);
      const second = await t.deps.audit.maybeCheckpoint(t.db, id);
      expect(second?.seq).toBe(first!.seq + 1);
      await t.db.transaction((tx) => appendAudit(tx, id, { kind: 'test.later', actor: null, subject: null, data: {}, occurred_at: isoAt(t.clock.now()) }));
      t.clock.advance(60_000);
      expect(await t.deps.audit.checkpointDue(t.db)).toBeGreaterThanOrEqual(1);
      expect((await verify(id)).ok).toBe(true);
    });
  });
}
