/** The owner's M-Pesa queue: money or callbacks no rule could settle on its own (DESIGN §7). */
import { isoAt, uuidv7, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';

export const unmatched_kinds = ['c2b_unmatched', 'c2b_ambiguous', 'late_success', 'code_typed_twice', 'payment_reused', 'quarantined_callback', 'job_gave_up'] as const;
export type UnmatchedKind = (typeof unmatched_kinds)[number];
/** Kinds that are money the business holds: the owner may match them to a sale or refund them. */
export const money_kinds: ReadonlySet<UnmatchedKind> = new Set(['c2b_unmatched', 'c2b_ambiguous', 'late_success']);

/** Adds an item once per (kind, subject); a repeat changes nothing. */
export async function queueForOwner(
  tx: Db,
  env: { clock: Clock; random: Random },
  businessId: string,
  kind: UnmatchedKind,
  subject: string,
  amountCents: number | null,
  details: Record<string, unknown>,
): Promise<void> {
  await tx.query(
    `INSERT INTO mpesa_unmatched (business_id, item_id, kind, subject, amount_cents, details, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (business_id, kind, subject) DO NOTHING`,
    [businessId, uuidv7(env.clock, env.random), kind, subject, amountCents, JSON.stringify(details), isoAt(env.clock.now())],
  );
}

export interface UnmatchedItem {
  item_id: string;
  kind: UnmatchedKind;
  subject: string;
  amount_cents: number | null;
  details: Record<string, unknown>;
  created_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  resolution_details: Record<string, unknown> | null;
  resolved_by: string | null;
}

export const unmatched_columns = `item_id::text AS item_id, kind, subject, amount_cents, details, created_at, resolved_at, resolution,
  resolution_details, resolved_by::text AS resolved_by`;

export type UnmatchedStatus = 'open' | 'resolved' | 'all';

/** The queue, oldest first; open items by default. */
export async function listUnmatched(
  db: Db,
  businessId: string,
  options: { status?: UnmatchedStatus; limit?: number; offset?: number } = {},
): Promise<UnmatchedItem[]> {
  const status = options.status ?? 'open';
  const filter = status === 'open' ? 'AND resolved_at IS NULL' : status === 'resolved' ? 'AND resolved_at IS NOT NULL' : '';
  const rows = await db.query<UnmatchedItem>(
    `SELECT ${unmatched_columns} FROM mpesa_unmatched WHERE business_id = $1 ${filter} ORDER BY created_at, item_id LIMIT $2 OFFSET $3`,
    [businessId, options.limit ?? 200, options.offset ?? 0],
  );
  return rows.map(itemOut);
}

export function itemOut(row: UnmatchedItem): UnmatchedItem {
  return { ...row, amount_cents: row.amount_cents === null ? null : Number(row.amount_cents) };
}
