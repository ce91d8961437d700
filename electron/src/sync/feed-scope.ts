/**
 * What this till keeps of its business's feed. The server's feed carries every store's stock
 * levels (keyed `<store_id>:<product_id>`), every till's state and kinds a till has no table for
 * (`store`, `till`); this keeps this store's levels keyed by product, this till's state, and the
 * kinds of shared's `feed_records`, whose records the ledger parses in the server's own names.
 */
import { checkpointSchema, isFeedRecordKind, type PullChange } from '@payme/shared';
import { z } from 'zod';

/** A feed page as the server sends it: any change kind, any data (checked per kind by the ledger). */
export const feedPageSchema = z.object({
  changes: z.array(z.object({ cursor: z.string().max(200), kind: z.string().max(64), id: z.string().min(1).max(200), data: z.unknown() })),
  cursor: z.string().max(200),
  acked_seq: z.number().int().min(0),
  /** The latest signed audit checkpoint (the till keeps the ones it has seen). */
  checkpoint: checkpointSchema.optional(),
});
export type FeedPage = z.infer<typeof feedPageSchema>;

type Data = Record<string, unknown>;

/**
 * A change as the ledger applies it, for the till of `till_id` in `store_id` (a stock level keyed
 * by its product), or null for a change the till keeps nothing of.
 */
export function ledgerChange(change: FeedPage['changes'][number], scope: { till_id: string; store_id: string }): PullChange | null {
  // Only the kinds the ledger keeps a table for (`store` and `till` records are the server's).
  if (!isFeedRecordKind(change.kind)) return null;
  const kind: PullChange['kind'] = change.kind;
  const raw = change.data;
  // A deletion passes as is; a data that is no object is passed on for the ledger to refuse visibly.
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { cursor: change.cursor, kind, id: change.id, data: raw as Data | null };
  const data = raw as Data;
  let id = change.id;
  if (kind === 'stock_level') {
    if (typeof data['store_id'] === 'string' && data['store_id'] !== scope.store_id) return null;
    if (typeof data['product_id'] === 'string') id = data['product_id'];
  } else if (kind === 'till_state') {
    if (typeof data['till_id'] === 'string' && data['till_id'] !== scope.till_id) return null;
  }
  return { cursor: change.cursor, kind, id, data };
}

export function ledgerChanges(page: FeedPage, scope: { till_id: string; store_id: string }): PullChange[] {
  return page.changes.flatMap((change) => {
    const mapped = ledgerChange(change, scope);
    return mapped === null ? [] : [mapped];
  });
}
