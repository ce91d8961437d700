/** The owner's M-Pesa queue: money or callbacks no rule could settle on its own (DESIGN §7). */
import { isoAt, uuidv7, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';

export type UnmatchedKind = 'c2b_unmatched' | 'c2b_ambiguous' | 'late_success' | 'code_typed_twice' | 'payment_reused' | 'quarantined_callback';

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
}

export async function listUnmatched(db: Db, businessId: string, limit = 200): Promise<UnmatchedItem[]> {
  return db.query<UnmatchedItem>(
    `SELECT item_id::text AS item_id, kind, subject, amount_cents, details, created_at FROM mpesa_unmatched
      WHERE business_id = $1 AND resolved_at IS NULL ORDER BY created_at LIMIT $2`,
    [businessId, limit],
  );
}
