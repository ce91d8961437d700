/**
 * The till's identity, handed out at enrollment (DESIGN §5): which till, business and store it
 * is, its receipt prefix, its epoch and the server's checkpoint key. Events need it, so a till
 * that was never enrolled refuses every command.
 */
import { PaymeError, parseInput, strictObject, uuid } from '@payme/shared';
import { z } from 'zod';
import { sql, type LedgerContext } from './context.js';

export const tillIdentityInput = strictObject({
  till_id: uuid,
  business_id: uuid,
  store_id: uuid,
  /** Printed before the receipt counter: `T3` gives `T3-000123`. */
  receipt_prefix: z.string().regex(/^[A-Z0-9]{1,8}$/, { error: 'must be 1 to 8 capital letters or digits' }),
  epoch: z.number().int().min(1, { error: 'must be at least 1' }),
  server_public_key: z.string().min(1, { error: 'may not be empty' }).max(200),
});
export type TillIdentity = z.infer<typeof tillIdentityInput>;

export function readIdentity(ctx: LedgerContext): TillIdentity | null {
  const row = sql(ctx, 'SELECT till_id, business_id, store_id, receipt_prefix, epoch, server_public_key FROM till_identity WHERE id = 1').get() as
    | TillIdentity
    | undefined;
  return row ?? null;
}

export function requireIdentity(ctx: LedgerContext): TillIdentity {
  const identity = readIdentity(ctx);
  if (identity === null) throw new PaymeError('till_not_enrolled', 'This till is not enrolled yet; enroll it before selling');
  return identity;
}

/**
 * Stores the identity. The till id is fixed once events exist: a different till id would orphan
 * the journal (a cloned or re-enrolled till goes through recovery instead).
 */
export function writeIdentity(ctx: LedgerContext, raw: unknown): TillIdentity {
  const identity = parseInput(tillIdentityInput, raw);
  ctx.db
    .transaction(() => {
      const current = readIdentity(ctx);
      const events = (sql(ctx, 'SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
      if (current !== null && current.till_id !== identity.till_id && events > 0) {
        throw new PaymeError('invalid_input', 'till_id: this database already holds events of another till', 'till_id', {
          till_id: current.till_id,
        });
      }
      sql(
        ctx,
        `INSERT INTO till_identity (id, till_id, business_id, store_id, receipt_prefix, epoch, server_public_key)
         VALUES (1, @till_id, @business_id, @store_id, @receipt_prefix, @epoch, @server_public_key)
         ON CONFLICT (id) DO UPDATE SET till_id = excluded.till_id, business_id = excluded.business_id,
           store_id = excluded.store_id, receipt_prefix = excluded.receipt_prefix, epoch = excluded.epoch,
           server_public_key = excluded.server_public_key`,
      ).run(identity);
    })
    .immediate();
  return identity;
}
