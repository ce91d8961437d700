/**
 * Appends many feed changes in one go (a push touches many stock levels and balances). The rows
 * are exactly those `appendFeedChange` (changes.ts) writes: the business's next gapless
 * change_seqs, taken under the business row's lock, in the caller's transaction.
 */
import { isoAt } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { FeedChangeInput } from './changes.js';

export async function appendFeedChanges(tx: Db, businessId: string, changes: readonly FeedChangeInput[], at: number): Promise<number | null> {
  if (changes.length === 0) return null;
  // One statement: allocate the seqs under the business row's lock and insert the rows.
  const rows = await tx.query<{ feed_seq: number }>(
    `WITH allocated AS (UPDATE businesses SET feed_seq = feed_seq + $2 WHERE id = $1 RETURNING feed_seq),
          inserted AS (
            INSERT INTO feed_changes (business_id, change_seq, kind, entity_id, data, created_at)
            SELECT $1, allocated.feed_seq - $2 + x.n, x.kind, x.entity_id, COALESCE(x.data, 'null'::jsonb), $4
              FROM allocated, json_to_recordset($3::json) AS x(n bigint, kind text, entity_id text, data jsonb)
          )
     SELECT feed_seq FROM allocated`,
    [
      businessId,
      changes.length,
      JSON.stringify(changes.map((change, index) => ({ n: index + 1, kind: change.kind, entity_id: change.entity_id, data: change.data ?? null }))),
      isoAt(at),
    ],
  );
  const lastSeq = rows[0]?.feed_seq;
  if (lastSeq === undefined) throw new Error(`appendFeedChanges: no business ${businessId}`);
  return lastSeq;
}
