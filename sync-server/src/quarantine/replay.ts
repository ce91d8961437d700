/**
 * `payme-server quarantine replay` (DESIGN §5): once a fix ships (a new event version, a missing
 * customer or sale that arrived from another till), re-validates every open quarantined event and
 * applies those that now pass, exactly as a push would have: projections, anomalies, an audit
 * entry and feed changes in one transaction per business. Events that still fail stay
 * quarantined with their current reason. Replaying twice applies nothing twice: an applied event
 * is marked `replayed_at` and its till_events row `applied` in the same transaction.
 */
import { isoAt, type Clock } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { AuditEntryInput } from '../audit/audit-log.js';
import type { FeedChangeInput } from '../feed/changes.js';
import type { FeedNotifier } from '../feed/changes.js';
import { appendChained } from '../ingest/audit-batch.js';
import { loadProjectionState } from '../ingest/load-state.js';
import type { AnomalyRow } from '../ingest/projection-state.js';
import { checkEvent, type FoldInput } from '../ingest/project-events.js';
import { foldCheckingPaymentReuse } from '../ingest/payment-reuse.js';
import { writeProjections } from '../ingest/write-projections.js';
import { eventAppliedEntry, writtenChanges } from '../ingest/push-records.js';
import { appliedEvents, rollupRowsFor } from '../reports/rollup-step.js';

export interface ReplaySummary {
  businesses: number;
  examined: number;
  applied: number;
  still_quarantined: number;
}

interface OpenRow {
  till_id: string;
  store_id: string;
  seq: number;
  event_id: string;
  hash: string;
  envelope: Record<string, unknown> | null;
  received_at: Date | string;
}

/**
 * Replays the open quarantine of one business, or of every business when `businessId` is
 * omitted. `notifier` (optional) wakes long-polls after each business commits.
 */
export async function replayQuarantine(
  db: Db,
  deps: { clock: Clock; feed?: FeedNotifier },
  businessId?: string,
): Promise<ReplaySummary> {
  const businesses = businessId
    ? [businessId]
    : (await db.query<{ business_id: string }>('SELECT DISTINCT business_id::text AS business_id FROM quarantined_events WHERE replayed_at IS NULL')).map(
        (row) => row.business_id,
      );
  const summary: ReplaySummary = { businesses: 0, examined: 0, applied: 0, still_quarantined: 0 };
  for (const id of businesses) {
    const result = await replayBusiness(db, deps.clock, id);
    summary.businesses += 1;
    summary.examined += result.examined;
    summary.applied += result.applied;
    summary.still_quarantined += result.examined - result.applied;
    if (result.applied > 0) deps.feed?.notifyFeed(id);
  }
  return summary;
}

async function replayBusiness(db: Db, clock: Clock, businessId: string): Promise<{ examined: number; applied: number }> {
  return db.transaction(async (tx) => {
    // The open rows' locks keep two replays apart: the second waits, then finds them replayed.
    const open = await tx.query<OpenRow>(
      `SELECT q.till_id::text AS till_id, t.store_id::text AS store_id, q.seq, q.event_id::text AS event_id, e.hash, e.envelope, e.received_at
         FROM quarantined_events q
         JOIN till_events e ON e.business_id = q.business_id AND e.till_id = q.till_id AND e.seq = q.seq
         JOIN tills t ON t.business_id = q.business_id AND t.id = q.till_id
        WHERE q.business_id = $1 AND q.replayed_at IS NULL
        ORDER BY e.received_at, q.till_id, q.seq
        FOR UPDATE OF q`,
      [businessId],
    );
    const now = clock.now();
    const at = isoAt(now);
    const done: ReplayedRecords = { applied: 0, audit: [], feed: [], anomalies: [] };
    for (const [tillId, rows] of groupByTill(open)) await replayTill(tx, businessId, tillId, rows, at, done);
    // The same last step as a push that moved credit: anomalies, audit chain and feed in one call.
    if (done.audit.length + done.feed.length + done.anomalies.length > 0) await appendChained(tx, businessId, done.audit, done.feed, now, done.anomalies);
    return { examined: open.length, applied: done.applied };
  });
}

/** What a business's replay leaves for its one last step, gathered till by till. */
interface ReplayedRecords {
  applied: number;
  audit: AuditEntryInput[];
  feed: FeedChangeInput[];
  anomalies: AnomalyRow[];
}

/** Folds one till's open events as its push would have, writing their rows and noting their records in `done`. */
async function replayTill(tx: Db, businessId: string, tillId: string, rows: readonly OpenRow[], at: string, done: ReplayedRecords): Promise<void> {
  const storeId = (rows[0] as OpenRow).store_id;
  // Events kept as text (unstorable) cannot pass and are left as they are.
  const inputs: FoldInput[] = rows
    .filter((row) => row.envelope !== null)
    .map((row) => ({ seq: Number(row.seq), event_id: row.event_id, checked: checkEvent(row.envelope) }));
  const scope = { business_id: businessId, store_id: storeId, till_id: tillId };
  const valid = inputs.flatMap((input) => (input.checked.ok ? [input.checked.event] : []));
  // The same payment-reuse rule as a push: a sale refused for a reused payment stays refused.
  const fold = await foldCheckingPaymentReuse(tx, await loadProjectionState(tx, scope, valid), inputs, at);
  // Replayed events reach the reports exactly as pushed ones do.
  // (placed by the till's time, or by when the server first stored them, as a rebuild does).
  const storedAt = new Map(rows.map((row) => [Number(row.seq), isoAt(new Date(row.received_at).getTime())]));
  const rollups = await rollupRowsFor(tx, scope, appliedEvents(inputs, fold.verdicts), (event) => storedAt.get(event.seq) ?? at);
  const written = await writeProjections(tx, scope, fold.rows, at, { rollups, deferAnomalies: true });
  done.anomalies.push(...written.anomalies);
  done.feed.push(...writtenChanges(storeId, written));
  const bySeq = new Map(rows.map((row) => [Number(row.seq), row]));
  for (const verdict of fold.verdicts) {
    const row = bySeq.get(verdict.seq) as OpenRow;
    if (verdict.status === 'applied') {
      done.applied += 1;
      await markApplied(tx, businessId, tillId, verdict.seq, at);
      done.audit.push(eventAppliedEntry(tillId, { seq: verdict.seq, event_id: verdict.event_id, hash: row.hash, envelope: row.envelope }, at, true));
    } else if (verdict.reason) {
      await tx.query(
        'UPDATE quarantined_events SET reason_code = $4, reason = $5, field = $6 WHERE business_id = $1 AND till_id = $2 AND seq = $3',
        [businessId, tillId, verdict.seq, verdict.reason.code, verdict.reason.message.slice(0, 2_000), verdict.reason.field ?? null],
      );
    }
  }
}

async function markApplied(tx: Db, businessId: string, tillId: string, seq: number, at: string): Promise<void> {
  await tx.query('UPDATE quarantined_events SET replayed_at = $4 WHERE business_id = $1 AND till_id = $2 AND seq = $3', [businessId, tillId, seq, at]);
  await tx.query("UPDATE till_events SET status = 'applied', rolled_up = true WHERE business_id = $1 AND till_id = $2 AND seq = $3", [businessId, tillId, seq]);
}

function groupByTill(rows: readonly OpenRow[]): Map<string, OpenRow[]> {
  const groups = new Map<string, OpenRow[]>();
  for (const row of rows) groups.set(row.till_id, [...(groups.get(row.till_id) ?? []), row]);
  return groups;
}
