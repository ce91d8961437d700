/**
 * Appends many audit entries (and, in the same call, feed changes) in one round trip: one push of
 * 200 events makes 200 entries (one per event, DESIGN §5/§6), and every push of a business waits
 * for the business row's lock these take, so the time under that lock is what limits a busy
 * shop's ingest. The records are exactly those `appendAudit` (audit/audit-log.ts) writes — same
 * fields, same hash, same gapless sequence under the business row's lock — so `verifyAudit`
 * cannot tell them apart (audit-batch.test.ts proves that with the verifier itself).
 *
 * Everything that needs no lock is done here, before the call: the entries' JSON form and the
 * canonical JSON around `prev_hash` and `seq` (see 006_audit_append.sql), so under the lock the
 * database only concatenates and hashes.
 */
import { isoAt } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { AuditEntryInput } from '../audit/audit-log.js';
import { nativeCanonicalJson } from '../audit/native-record-hash.js';
import type { FeedChangeInput } from '../feed/changes.js';

/** The canonical JSON of an audit record, split around the two fields known only under the lock. */
export function chainPieces(businessId: string, entry: AuditEntryInput): { data: unknown; pre: string; post: string } {
  // The JSON form, as appendAudit hashes it: what jsonb stores and returns.
  const data: unknown = JSON.parse(JSON.stringify(entry.data ?? null));
  // Keys sort actor, business_id, data, kind, occurred_at < prev_hash < seq < subject (RFC 8785).
  const head = nativeCanonicalJson({ actor: entry.actor, business_id: businessId, data, kind: entry.kind, occurred_at: entry.occurred_at });
  const pre = `${head.slice(0, -1)},"prev_hash":"`;
  const post = entry.subject === undefined ? '}' : `,"subject":${nativeCanonicalJson(entry.subject)}}`;
  return { data, pre, post };
}

export interface ChainedAppend {
  /** The last audit seq and hash after the call (the head when no entry was given). */
  last_audit_seq: number;
  last_audit_hash: string;
  /** The last feed change_seq after the call. */
  last_feed_seq: number;
}

/**
 * Appends `entries` to the business's audit chain and `changes` to its feed, in the caller's
 * transaction, in one statement; `anomalies` (optional) are inserted by the same statement.
 */
/** Audit entries made ready for `appendChained` (canonical JSON pieces, serialised). */
export interface PreparedAudit {
  business_id: string;
  json: string;
}

/** Does the audit entries' CPU work, so a caller can do it before it takes any lock. */
export function prepareAuditEntries(businessId: string, entries: readonly AuditEntryInput[]): PreparedAudit {
  const rows = entries.map((entry, index) => {
    const { data, pre, post } = chainPieces(businessId, entry);
    return { n: index + 1, pre, post, kind: entry.kind, actor: entry.actor, subject: entry.subject, data, occurred_at: entry.occurred_at };
  });
  return { business_id: businessId, json: JSON.stringify(rows) };
}

export async function appendChained(
  tx: Db,
  businessId: string,
  entries: readonly AuditEntryInput[] | PreparedAudit,
  changes: readonly FeedChangeInput[],
  changedAt: number,
  anomalies: readonly object[] = [],
  /** The transaction's last statement: commit in the same round trip (Db.commitWith). */
  last = false,
): Promise<ChainedAppend> {
  const prepared = 'json' in entries ? entries : prepareAuditEntries(businessId, entries);
  if (prepared.business_id !== businessId) throw new Error('appendChained: entries prepared for another business');
  const changeRows = changes.map((change) => ({ kind: change.kind, entity_id: change.entity_id, data: change.data ?? null }));
  const params: unknown[] = [businessId, prepared.json, JSON.stringify(changeRows), isoAt(changedAt)];
  let sql = 'SELECT last_audit_seq, last_audit_hash, last_feed_seq FROM payme_append_chained($1, $2::json, $3::json, $4)';
  if (anomalies.length > 0) {
    params.push(JSON.stringify(anomalies));
    sql = `WITH anomalies AS (
             INSERT INTO anomalies (business_id, event_id, anomaly_no, kind, till_id, subject, details, detected_at)
             SELECT $1, x.event_id, x.anomaly_no, x.kind, x.till_id, x.subject, x.details, x.detected_at
               FROM json_to_recordset($5::json) AS x(event_id uuid, anomaly_no integer, kind text, till_id uuid, subject text, details jsonb, detected_at timestamptz)
           )
           ${sql}`;
  }
  const rows = last && tx.commitWith ? await tx.commitWith<ChainedAppend>(sql, params) : await tx.query<ChainedAppend>(sql, params);
  const row = rows[0];
  if (!row) throw new Error(`appendChained: no answer for business ${businessId}`);
  return { last_audit_seq: Number(row.last_audit_seq), last_audit_hash: row.last_audit_hash, last_feed_seq: Number(row.last_feed_seq) };
}

export async function appendAuditEntries(tx: Db, businessId: string, entries: readonly AuditEntryInput[]): Promise<{ last_seq: number; hash: string } | null> {
  if (entries.length === 0) return null;
  const done = await appendChained(tx, businessId, entries, [], 0);
  return { last_seq: done.last_audit_seq, hash: done.last_audit_hash };
}
