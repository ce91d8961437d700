/**
 * Appends many audit entries in one go: one push of 200 events makes 200 entries (one per event,
 * DESIGN §5/§6), and doing that one `appendAudit` at a time costs three round trips each. The
 * records are exactly those `appendAudit` (audit/audit-log.ts) writes — same fields, same hash,
 * same gapless sequence under the business row's lock — so `verifyAudit` cannot tell them apart;
 * audit-batch.test.ts proves that with the verifier itself.
 */
import { genesis_hash, recordHash } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { AuditEntryInput } from '../audit/audit-log.js';

export async function appendAuditEntries(tx: Db, businessId: string, entries: readonly AuditEntryInput[]): Promise<{ last_seq: number; hash: string } | null> {
  if (entries.length === 0) return null;
  // One round trip takes the lock, the sequence numbers and the hash to chain to: pushes of one
  // business queue on this lock, so every statement after it is on everyone's critical path.
  const locked = await tx.query<{ audit_seq: number; prev_hash: string | null }>(
    `UPDATE businesses b SET audit_seq = b.audit_seq + $2 WHERE b.id = $1
     RETURNING b.audit_seq, (SELECT a.hash FROM audit_log a WHERE a.business_id = $1 AND a.seq = b.audit_seq - $2) AS prev_hash`,
    [businessId, entries.length],
  );
  const lastSeq = locked[0]?.audit_seq;
  if (lastSeq === undefined) throw new Error(`appendAuditEntries: no business ${businessId}`);
  const firstSeq = lastSeq - entries.length + 1;
  let prevHash = genesis_hash;
  if (firstSeq > 1) {
    const previous = locked[0]?.prev_hash;
    if (!previous) throw new Error(`appendAuditEntries: audit entry ${firstSeq - 1} of ${businessId} is missing`);
    prevHash = previous;
  }
  const records = entries.map((entry, index) => {
    // The JSON form, as appendAudit hashes it: what jsonb stores and returns.
    const data: unknown = JSON.parse(JSON.stringify(entry.data ?? null));
    const record = {
      business_id: businessId,
      seq: firstSeq + index,
      kind: entry.kind,
      actor: entry.actor,
      subject: entry.subject,
      data,
      occurred_at: entry.occurred_at,
      prev_hash: prevHash,
    };
    const hash = recordHash(record);
    prevHash = hash;
    return { ...record, hash };
  });
  await tx.query(
    `INSERT INTO audit_log (business_id, seq, kind, actor, subject, data, occurred_at, prev_hash, hash)
     -- jsonb_to_recordset reads a JSON null as SQL NULL; the log stores the JSON null, as appendAudit does.
     SELECT $1, x.seq, x.kind, x.actor, x.subject, COALESCE(x.data, 'null'::jsonb), x.occurred_at, x.prev_hash, x.hash
       FROM jsonb_to_recordset($2::jsonb) AS x(seq bigint, kind text, actor text, subject text, data jsonb, occurred_at text, prev_hash text, hash text)`,
    [businessId, JSON.stringify(records)],
  );
  return { last_seq: lastSeq, hash: prevHash };
}
