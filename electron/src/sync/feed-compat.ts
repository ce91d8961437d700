/**
 * TEMPORARY BRIDGE between the sync server's feed records and the ledger's `feed_data` shapes
 * (electron/src/ledger/feed.ts). The two were written at the same time and disagree on names:
 * the server sends `price_cents`, `credit_limit_cents`, `balance_cents`, stock levels keyed
 * `<store_id>:<product_id>` for every store, and kinds the till keeps nothing of (`store`,
 * `till`). This maps what it knows and drops what the till has no table for, so a batch applies.
 * Delete it once one side adopts the other's names (see the sync README).
 */
import type { PullChange } from '@payme/shared';
import { z } from 'zod';
import { feed_data } from '../ledger/feed.js';

/** A feed page as the server sends it: any change kind, any data (checked per kind by the ledger). */
export const feedPageSchema = z.object({
  changes: z.array(z.object({ cursor: z.string().max(200), kind: z.string().max(64), id: z.string().min(1).max(200), data: z.unknown() })),
  cursor: z.string().max(200),
  acked_seq: z.number().int().min(0),
});
export type FeedPage = z.infer<typeof feedPageSchema>;

type Data = Record<string, unknown>;

function renamed(data: Data, from: string, to: string): Data {
  if (data[to] !== undefined || data[from] === undefined) return data;
  const { [from]: value, ...rest } = data;
  return { ...rest, [to]: value };
}

/**
 * The page's changes in the ledger's shapes, for the till of `till_id` in `store_id`. Returns
 * null for a change the till keeps nothing of.
 */
export function ledgerChange(change: FeedPage['changes'][number], scope: { till_id: string; store_id: string }): PullChange | null {
  // Only the kinds the ledger keeps a table for (`store` and `till` records are the server's).
  if (!Object.hasOwn(feed_data, change.kind)) return null;
  const kind = change.kind as PullChange['kind'];
  const raw = change.data;
  // A deletion passes as is; a data that is no object is passed on for the ledger to refuse visibly.
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { cursor: change.cursor, kind, id: change.id, data: raw as Data | null };
  let data = raw as Data;
  let id = change.id;
  switch (kind) {
    case 'product':
    case 'price':
      data = renamed(data, 'price_cents', 'unit_price');
      break;
    case 'customer':
      data = renamed(data, 'credit_limit_cents', 'credit_limit');
      break;
    case 'credit_balance':
      data = renamed(data, 'balance_cents', 'balance');
      break;
    case 'staff':
      // Staff without a PIN (an owner who only signs in on the web) cannot use a till.
      if (typeof data['pin_hash'] !== 'string' || data['pin_hash'] === '') data = { ...data, pin_hash: 'no-pin', active: false };
      break;
    case 'stock_level':
      if (typeof data['store_id'] === 'string' && data['store_id'] !== scope.store_id) return null;
      if (typeof data['product_id'] === 'string') id = data['product_id'];
      break;
    case 'till_state':
      if (typeof data['till_id'] === 'string' && data['till_id'] !== scope.till_id) return null;
      break;
    default:
      break;
  }
  return { cursor: change.cursor, kind, id, data };
}

export function ledgerChanges(page: FeedPage, scope: { till_id: string; store_id: string }): PullChange[] {
  return page.changes.flatMap((change) => {
    const mapped = ledgerChange(change, scope);
    return mapped === null ? [] : [mapped];
  });
}
