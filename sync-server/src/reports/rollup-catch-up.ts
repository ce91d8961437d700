/**
 * Rollups are derived data (DESIGN §12). Two ways to make them from the stored events, both
 * through the one fold (rollup-fold.ts):
 * - `foldPendingEvents`: folds every applied event not yet folded (`till_events.rolled_up`
 *   false): the events a server of the previous release ingested, and on the first start after
 *   migration 010, the whole history. The server runs it on start and then every minute; a
 *   page of events is one transaction, claimed with SKIP LOCKED so two instances share the work.
 * - `rebuildRollups` (`payme-server rollups rebuild`): throws a business's rollups away and folds
 *   all its events again, in one transaction holding its tills' rows, so no push of that
 *   business runs in between (pushes wait, then go on).
 * Folding an event also fills in what the previous release did not store on its sale (when it
 * was sold, and which events parked and completed it).
 */
import { safeParseEvent, upcastEvent } from '@payme/shared';
import type { Db } from '../db/db.js';
import { loadRollupContext } from './rollup-context.js';
import { foldRollups, type RolledEvent } from './rollup-fold.js';
import { writeRollups } from './rollup-write.js';

/** Events folded per transaction. */
export const rollup_fold_page_events = 2_000;

interface PendingRow {
  business_id: string;
  till_id: string;
  store_id: string;
  seq: number;
  envelope: Record<string, unknown> | null;
  received_at: Date | string;
}

export interface FoldProgress {
  events: number;
  pages: number;
}

const select_pending = (forRebuild: boolean) => `SELECT e.business_id::text AS business_id, e.till_id::text AS till_id, t.store_id::text AS store_id, e.seq, e.envelope, e.received_at
    FROM till_events e JOIN tills t ON t.business_id = e.business_id AND t.id = e.till_id
   WHERE e.status = 'applied' AND NOT e.rolled_up AND ($1::uuid IS NULL OR e.business_id = $1::uuid)
   ORDER BY e.business_id, e.till_id, e.seq
   LIMIT $2
   FOR UPDATE OF e${forRebuild ? '' : ' SKIP LOCKED'}`;

/** The sale facts the previous release did not store, from the events that carry them. */
async function backfillSales(tx: Db, businessId: string, events: readonly RolledEvent[]): Promise<void> {
  const completed = events.flatMap(({ event }) =>
    event.type === 'sale_completed' ? [{ sale_id: event.payload.sale_id, sold_at: event.occurred_at, event_id: event.event_id }] : [],
  );
  const parked = events.flatMap(({ event }) =>
    event.type === 'sale_parked' ? [{ sale_id: event.payload.sale_id, sold_at: event.occurred_at, event_id: event.event_id }] : [],
  );
  if (completed.length > 0) {
    await tx.query(
      `UPDATE sales s SET sold_at = x.sold_at, completed_event_id = x.event_id
         FROM json_to_recordset($2::json) AS x(sale_id uuid, sold_at timestamptz, event_id uuid)
        WHERE s.business_id = $1 AND s.sale_id = x.sale_id AND s.completed_event_id IS NULL`,
      [businessId, JSON.stringify(completed)],
    );
  }
  if (parked.length > 0) {
    await tx.query(
      `UPDATE sales s SET sold_at = COALESCE(s.sold_at, x.sold_at), parked_event_id = COALESCE(s.parked_event_id, x.event_id)
         FROM json_to_recordset($2::json) AS x(sale_id uuid, sold_at timestamptz, event_id uuid)
        WHERE s.business_id = $1 AND s.sale_id = x.sale_id`,
      [businessId, JSON.stringify(parked)],
    );
  }
}

function groupByBusiness(rows: readonly PendingRow[]): Map<string, PendingRow[]> {
  const groups = new Map<string, PendingRow[]>();
  for (const row of rows) {
    const group = groups.get(row.business_id);
    if (group) group.push(row);
    else groups.set(row.business_id, [row]);
  }
  return groups;
}

/** Folds one page of pending events inside `tx`; returns how many it folded. */
async function foldPage(tx: Db, businessId: string | null, forRebuild: boolean): Promise<number> {
  const rows = await tx.query<PendingRow>(select_pending(forRebuild), [businessId, rollup_fold_page_events]);
  for (const [business, group] of groupByBusiness(rows)) {
    const events: RolledEvent[] = [];
    for (const row of group) {
      // An applied event always passed its schema; one that no longer does (a later release
      // dropped a version it shipped, which it must not) is marked and left out, never a crash.
      const parsed = row.envelope === null ? null : safeParseEvent(row.envelope);
      if (parsed?.success) events.push({ event: upcastEvent(parsed.data), till_id: row.till_id, store_id: row.store_id, received_at: new Date(row.received_at).toISOString() });
    }
    await writeRollups(tx, business, foldRollups(events, await loadRollupContext(tx, business, events)));
    await backfillSales(tx, business, events);
    await tx.query(
      `UPDATE till_events e SET rolled_up = true FROM json_to_recordset($2::json) AS x(till_id uuid, seq bigint)
        WHERE e.business_id = $1 AND e.till_id = x.till_id AND e.seq = x.seq`,
      [business, JSON.stringify(group.map((row) => ({ till_id: row.till_id, seq: Number(row.seq) })))],
    );
  }
  return rows.length;
}

/** Folds every pending event (of one business, or all); `onPage` hears progress. */
export async function foldPendingEvents(db: Db, options: { businessId?: string; onPage?: (progress: FoldProgress) => void } = {}): Promise<FoldProgress> {
  const progress: FoldProgress = { events: 0, pages: 0 };
  for (;;) {
    const folded = await db.transaction((tx) => foldPage(tx, options.businessId ?? null, false));
    if (folded === 0) return progress;
    progress.events += folded;
    progress.pages += 1;
    options.onPage?.(progress);
    if (folded < rollup_fold_page_events) return progress;
  }
}

export const rollup_tables = ['sales_rollup_hourly', 'sales_rollup_daily', 'product_rollup_daily'] as const;

/** Recomputes one business's rollups from its events. */
export async function rebuildRollups(db: Db, businessId: string, onPage?: (progress: FoldProgress) => void): Promise<FoldProgress> {
  return db.transaction((tx) => rebuildRollupsIn(tx, businessId, onPage));
}

/**
 * The rebuild inside the caller's transaction: also what a change of the business's time zone or
 * day cutoff runs, so no report ever mixes days cut two ways.
 */
export async function rebuildRollupsIn(tx: Db, businessId: string, onPage?: (progress: FoldProgress) => void): Promise<FoldProgress> {
  // Every push locks its till row first: holding them all keeps the business's pushes out.
  await tx.query('SELECT id FROM tills WHERE business_id = $1 ORDER BY id FOR UPDATE', [businessId]);
  for (const table of rollup_tables) await tx.query(`DELETE FROM ${table} WHERE business_id = $1`, [businessId]);
  await tx.query("UPDATE till_events SET rolled_up = false WHERE business_id = $1 AND status = 'applied' AND rolled_up", [businessId]);
  const progress: FoldProgress = { events: 0, pages: 0 };
  for (;;) {
    const folded = await foldPage(tx, businessId, true);
    progress.events += folded;
    if (folded === 0) return progress;
    progress.pages += 1;
    onPage?.(progress);
  }
}
