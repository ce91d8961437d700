/**
 * The owner resolves an item of the M-Pesa queue (DESIGN §7 "ambiguous or unmatched payments
 * wait in a queue the owner resolves"). DESIGN names no resolutions; these are what an owner does
 * with money nobody matched:
 * - `matched_to_sale`: the money paid this sale (a C2B payment, or a late success whose own sale
 *   was settled otherwise);
 * - `refunded_to_customer`: the money went back, either through M-Pesa now (`via:
 *   "mpesa_reversal"`, a Reversal of the whole transaction carried out by the job runner) or
 *   already outside PayMe (`via: "outside"`, cash or Send Money, recorded only);
 * - `dismissed` with a reason: anything the owner looked at and closes (a flagged code, a reused
 *   payment, a quarantined callback, a job that gave up), money kinds too.
 * Each resolution is one transaction with its audit entry and its Idempotency-Key record; the
 * same key and body replays the answer, and an item resolved once stays resolved (409).
 */
import { isoAt, reasonInput, strictObject, uuid, uuidv7, type Clock, type Random } from '@payme/shared';
import { z } from 'zod';
import type { Db } from '../db/db.js';
import { appendAudit } from '../audit/audit-log.js';
import { conflict, HttpError, notFound } from '../http/errors.js';
import { withIdempotency } from '../http/idempotency.js';
import { enqueueJob } from './mpesa-jobs.js';
import type { MpesaService } from './mpesa-service.js';
import { itemOut, money_kinds, unmatched_columns, type UnmatchedItem } from './unmatched-queue.js';

export const resolveInputSchema = z.discriminatedUnion(
  'resolution',
  [
    strictObject({ resolution: z.literal('matched_to_sale'), sale_id: uuid, note: reasonInput.optional() }),
    strictObject({ resolution: z.literal('refunded_to_customer'), via: z.enum(['mpesa_reversal', 'outside'], { error: 'must be mpesa_reversal or outside' }), note: reasonInput.optional() }),
    strictObject({ resolution: z.literal('dismissed'), reason: reasonInput }),
  ],
  { error: 'must be matched_to_sale, refunded_to_customer or dismissed' },
);
export type ResolveInput = z.output<typeof resolveInputSchema>;

export interface Resolver {
  business_id: string;
  staff_id: string;
}

/** Resolves one item; returns the item as it now is, and whether a reversal was queued. */
export async function resolveUnmatched(
  service: MpesaService,
  env: { db: Db; clock: Clock; random: Random },
  resolver: Resolver,
  itemId: string,
  input: ResolveInput,
  idempotencyKey: string,
): Promise<{ statusCode: number; body: UnmatchedItem; reversal_queued: boolean }> {
  const businessId = resolver.business_id;
  // Read outside the transaction: the Daraja account is needed only for a reversal.
  const account = input.resolution === 'refunded_to_customer' && input.via === 'mpesa_reversal' ? await service.account(businessId) : undefined;
  let reversalQueued = false;
  const result = await env.db.transaction((tx) =>
    withIdempotency(
      tx,
      businessId,
      idempotencyKey,
      { item_id: itemId, input },
      async () => {
        const rows = await tx.query<UnmatchedItem>(`SELECT ${unmatched_columns} FROM mpesa_unmatched WHERE business_id = $1 AND item_id = $2 FOR UPDATE`, [businessId, itemId]);
        const item = rows[0];
        if (!item) throw notFound('Queue item', 'item_id');
        if (item.resolved_at !== null) throw conflict('already_resolved', `This item was already resolved (${item.resolution ?? ''})`, 'item_id', { resolution: item.resolution });
        if (input.resolution !== 'dismissed' && !money_kinds.has(item.kind)) {
          throw conflict('resolution_not_allowed', `A ${item.kind} item can only be dismissed with a reason`, 'resolution', { kind: item.kind, allowed: ['dismissed'] });
        }
        const details: Record<string, unknown> = {};
        if (input.resolution === 'matched_to_sale') {
          await matchToSale(tx, businessId, item, input.sale_id);
          details.sale_id = input.sale_id;
        } else if (input.resolution === 'refunded_to_customer') {
          details.via = input.via;
          if (input.via === 'mpesa_reversal') {
            if (!account?.secrets.initiator_name || !account.secrets.security_credential) {
              throw conflict('mpesa_initiator_missing', 'A reversal needs the initiator name and security credential in the M-Pesa account first', 'via');
            }
            details.reversal_id = await queueReversal(tx, env, businessId, item);
            reversalQueued = true;
          }
        }
        if ('note' in input && input.note !== undefined) details.note = input.note;
        if (input.resolution === 'dismissed') details.reason = input.reason;
        const now = isoAt(env.clock.now());
        const updated = await tx.query<UnmatchedItem>(
          `UPDATE mpesa_unmatched SET resolved_at = $3, resolution = $4, resolution_details = $5, resolved_by = $6
            WHERE business_id = $1 AND item_id = $2 RETURNING ${unmatched_columns}`,
          [businessId, itemId, now, input.resolution, JSON.stringify(details), resolver.staff_id],
        );
        await appendAudit(tx, businessId, {
          kind: 'mpesa_unmatched_resolved',
          actor: resolver.staff_id,
          subject: itemId,
          data: { kind: item.kind, subject: item.subject, amount_cents: item.amount_cents === null ? null : Number(item.amount_cents), resolution: input.resolution, ...details },
          occurred_at: now,
        });
        return { statusCode: 200, body: itemOut(updated[0] as UnmatchedItem) };
      },
      { scope: 'mpesa_unmatched_resolve', clock: env.clock },
    ),
  );
  return { statusCode: result.statusCode, body: result.body, reversal_queued: reversalQueued };
}

async function matchToSale(tx: Db, businessId: string, item: UnmatchedItem, saleId: string): Promise<void> {
  const sales = await tx.query<{ status: string }>('SELECT status FROM sales WHERE business_id = $1 AND sale_id = $2', [businessId, saleId]);
  const sale = sales[0];
  if (!sale) throw notFound('Sale', 'sale_id');
  if (sale.status === 'voided') throw conflict('sale_voided', 'This sale was voided: match the money to another sale or refund it', 'sale_id');
  if (item.kind === 'late_success') {
    await tx.query('UPDATE payments SET settled_sale_id = $3 WHERE business_id = $1 AND payment_id = $2', [businessId, item.subject, saleId]);
  } else {
    await tx.query(`UPDATE mpesa_c2b_transactions SET status = 'matched', sale_id = $3 WHERE business_id = $1 AND trans_id = $2`, [businessId, item.subject, saleId]);
  }
}

/** Records the reversal of the item's whole transaction; the job runner sends it. */
async function queueReversal(tx: Db, env: { clock: Clock; random: Random }, businessId: string, item: UnmatchedItem): Promise<string> {
  let paymentId: string | null = null;
  let receipt: string = item.subject;
  if (item.kind === 'late_success') {
    const rows = await tx.query<{ mpesa_receipt: string | null; state: string }>('SELECT mpesa_receipt, state FROM payments WHERE business_id = $1 AND payment_id = $2', [businessId, item.subject]);
    const payment = rows[0];
    if (!payment || payment.state !== 'succeeded') throw conflict('payment_not_reversible', `The payment is ${payment?.state ?? 'unknown'}, not succeeded`, 'item_id');
    if (!payment.mpesa_receipt) throw conflict('receipt_pending', 'The M-Pesa receipt number of this payment is still to come: try again shortly', 'item_id');
    paymentId = item.subject;
    receipt = payment.mpesa_receipt;
  }
  if (item.amount_cents === null) throw new HttpError(409, 'amount_unknown', 'The amount of this item is not known', 'item_id');
  const reversalId = uuidv7(env.clock, env.random);
  const now = isoAt(env.clock.now());
  const inserted = await tx.query(
    `INSERT INTO mpesa_reversals (business_id, reversal_id, payment_id, mpesa_receipt, amount_cents, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 'requested', $6, $6) ON CONFLICT DO NOTHING RETURNING reversal_id`,
    [businessId, reversalId, paymentId, receipt, Number(item.amount_cents), now],
  );
  if (inserted.length === 0) throw conflict('reversal_exists', `A reversal of ${receipt} is already requested or done`, 'item_id');
  await enqueueJob(tx, env, businessId, { kind: 'reversal', subject: reversalId });
  return reversalId;
}
