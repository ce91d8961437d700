/** The owner's view of quarantined events: the raw envelope, why, and whether a replay applied it. */
import type { Db } from '../db/db.js';

export interface QuarantinedEvent {
  till_id: string;
  seq: number;
  event_id: string;
  type: string;
  reason_code: string;
  reason: string;
  field: string | null;
  received_at: string;
  replayed_at: string | null;
  envelope: unknown;
}

export async function listQuarantine(db: Db, businessId: string, page: { limit: number; offset: number }): Promise<QuarantinedEvent[]> {
  const rows = await db.query<Omit<QuarantinedEvent, 'received_at' | 'replayed_at' | 'envelope'> & {
    received_at: Date | string;
    replayed_at: Date | string | null;
    envelope: unknown;
    envelope_text: string | null;
  }>(
    `SELECT q.till_id::text AS till_id, q.seq, q.event_id::text AS event_id, e.type, q.reason_code, q.reason, q.field,
            q.received_at, q.replayed_at, e.envelope, e.envelope_text
       FROM quarantined_events q
       JOIN till_events e ON e.business_id = q.business_id AND e.till_id = q.till_id AND e.seq = q.seq
      WHERE q.business_id = $1
      ORDER BY q.replayed_at IS NULL DESC, q.received_at DESC, q.till_id, q.seq
      LIMIT $2 OFFSET $3`,
    [businessId, page.limit, page.offset],
  );
  return rows.map(({ envelope_text, ...row }) => ({
    ...row,
    seq: Number(row.seq),
    received_at: new Date(row.received_at).toISOString(),
    replayed_at: row.replayed_at === null ? null : new Date(row.replayed_at).toISOString(),
    // Kept as text only when jsonb could not hold it (a NUL character): shown as that text.
    envelope: row.envelope ?? envelope_text,
  }));
}
