/**
 * A ledger put back from a backup (`payme-till restore`, DESIGN §5). The backup lacks whatever
 * the till did after it was taken, and the server may hold some of that: the restored ledger is
 * marked, and the sync agent recovers (`POST /v1/sync/recover`) before it pushes anything. Only
 * a restore forced offline sells before that, and then in a receipt series of its own — the
 * till's prefix, `R` and two random characters, counting from 1 — so no receipt number issued
 * after the backup was taken is issued again. Recovery ends both (recovery.ts).
 */
import { PaymeError, isoAt, strictObject } from '@payme/shared';
import { z } from 'zod';
import { sql, type LedgerContext } from './context.js';
import { requireIdentity } from './identity.js';

export interface RestoreState {
  /** When the ledger was restored, until it has recovered online (null: not waiting). */
  restored_at: string | null;
  /** The forced offline restore's receipt prefix while it sells offline (null: the till's own). */
  receipt_series: string | null;
}

export const markRestoredInput = strictObject({ forced_offline: z.boolean() });

const series_alphabet = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

export function restoreState(ctx: LedgerContext): RestoreState {
  return sql(ctx, 'SELECT restored_at, receipt_series FROM sync_state WHERE id = 1').get() as RestoreState;
}

export function markRestored(ctx: LedgerContext, raw: unknown): RestoreState {
  const parsed = markRestoredInput.safeParse(raw);
  if (!parsed.success) throw new PaymeError('invalid_input', 'forced_offline: must be true or false', 'forced_offline');
  return ctx.db
    .transaction((): RestoreState => {
      const identity = requireIdentity(ctx);
      let series: string | null = null;
      if (parsed.data.forced_offline) {
        const used = sql(ctx, 'SELECT 1 FROM sales WHERE receipt_no LIKE ? LIMIT 1');
        // A series no sale in this ledger used; two random characters keep it apart from the
        // series of an earlier forced restore whose sales died with its disk.
        for (let attempt = 0; attempt < 50 && series === null; attempt += 1) {
          const code = [0, 1].map(() => series_alphabet[ctx.random.int(0, series_alphabet.length - 1)]).join('');
          const candidate = `${identity.receipt_prefix.slice(0, 5)}R${code}`;
          if (used.get(`${candidate}-%`) === undefined) series = candidate;
        }
        if (series === null) throw new PaymeError('conflict', 'receipt_series: no unused restore series was found; recover online instead', 'receipt_series');
      }
      sql(ctx, 'UPDATE sync_state SET restored_at = ?, receipt_series = ?, receipt_series_next = 1 WHERE id = 1').run(isoAt(ctx.clock.now()), series);
      return restoreState(ctx);
    })
    .immediate();
}
