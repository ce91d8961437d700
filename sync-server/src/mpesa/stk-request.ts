/**
 * `POST /v1/payments/mpesa/stk` (DESIGN §7): the payment row is the idempotency record
 * (Idempotency-Key = payment id). It is written first (`created`), then Daraja is asked with no
 * transaction open (PGlite has one connection), then the answer moves it to `requested` or
 * `failed`. A retry with the same key and body returns the payment as it is now; the same key
 * with another body is `409 idempotency_key_reused`.
 */
import { canonicalJson, isoAt, isPaymeError, mpesaAmountCents, phone, sha256Hex, strictObject, uuid, type PaymentRecord } from '@payme/shared';
import type { z } from 'zod';
import { conflict, HttpError } from '../http/errors.js';
import { callbackUrls } from './mpesa-account.js';
import { enqueueJob } from './mpesa-jobs.js';
import type { MpesaService } from './mpesa-service.js';
import { lockPayment, moveState, paymentRecord, readPayment, recordHistory } from './payments.js';
import { lockCheckout } from './stk-callback.js';
import type { Db } from '../db/db.js';

export const stkRequestSchema = strictObject({
  payment_id: uuid,
  sale_id: uuid.optional(),
  phone,
  amount: mpesaAmountCents,
});
export type StkRequest = z.output<typeof stkRequestSchema>;

export interface StkCaller {
  business_id: string;
  till_id: string | null;
  staff_id: string | null;
}

export async function requestStkPayment(service: MpesaService, caller: StkCaller, input: StkRequest): Promise<{ status: number; record: PaymentRecord }> {
  const { db, clock } = service.env;
  const businessId = caller.business_id;
  const account = await service.account(businessId);
  if (!account) throw new HttpError(409, 'mpesa_not_configured', 'M-Pesa is not set up for this business yet: the owner adds the Daraja credentials first');
  const hash = sha256Hex(canonicalJson({ scope: 'mpesa_stk', body: input }));

  const created = await db.transaction(async (tx) => {
    const now = clock.now();
    const inserted = await tx.query(
      `INSERT INTO payments (business_id, payment_id, request_hash, till_id, staff_id, sale_id, phone, amount_cents, state, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'created', $9, $9) ON CONFLICT (business_id, payment_id) DO NOTHING RETURNING payment_id`,
      [businessId, input.payment_id, hash, caller.till_id, caller.staff_id, input.sale_id ?? null, input.phone, input.amount, isoAt(now)],
    );
    if (inserted.length === 0) return false;
    await recordHistory(tx, businessId, input.payment_id, null, 'created', 'STK requested by the till', now);
    // If this server dies before Daraja's answer is recorded, the deadline job settles the payment.
    await enqueueJob(tx, service.env, businessId, { kind: 'stk_deadline', subject: input.payment_id, run_at_ms: now + service.stk_deadline_ms });
    return true;
  });
  if (!created) {
    const existing = await readPayment(db, businessId, input.payment_id);
    if (!existing || existing.request_hash !== hash) {
      throw conflict('idempotency_key_reused', 'This payment id was already used for a different payment; "try again" needs a new payment id', 'Idempotency-Key');
    }
    return { status: 200, record: paymentRecord(existing) };
  }

  const client = service.clientFor(account);
  let outcome: { ok: true; merchant: string; checkout: string } | { ok: false; code: string; message: string };
  try {
    const response = await client.stkPush({
      kind: account.kind,
      business_shortcode: account.business_shortcode,
      till_number: account.till_number,
      passkey: account.secrets.passkey,
      amount_shillings: input.amount / 100,
      phone: input.phone,
      callback_url: callbackUrls(account).stk,
      // Daraja's limits: 12 and 13 characters.
      account_reference: input.payment_id.replace(/-/g, '').slice(-12),
      description: 'PayMe sale',
      time_zone: account.time_zone,
    });
    outcome = { ok: true, merchant: response.MerchantRequestID, checkout: response.CheckoutRequestID };
  } catch (error) {
    if (!isPaymeError(error)) throw error;
    outcome = { ok: false, code: error.code, message: error.message };
  }

  const record = await db.transaction(async (tx) => {
    const row = await lockPayment(tx, businessId, input.payment_id);
    if (!row || row.state !== 'created') return row ? paymentRecord(row) : undefined;
    if (!outcome.ok) return paymentRecord(await moveState(tx, clock, row, 'failed', outcome.code, { cashier_message: outcome.message }));
    await lockCheckout(tx, outcome.checkout);
    const next = await moveState(tx, clock, row, 'requested', 'STK accepted by M-Pesa', {
      merchant_request_id: outcome.merchant,
      checkout_request_id: outcome.checkout,
      deadline_at: clock.now() + service.stk_deadline_ms,
    });
    await requeueEarlyCallbacks(tx, businessId, outcome.checkout);
    return paymentRecord(next);
  });
  service.notify(businessId);
  service.kick();
  if (!record) throw new Error(`payment ${input.payment_id} vanished`);
  return { status: 201, record };
}

/**
 * A callback can beat the commit that records its CheckoutRequestID (a fast cancel): it was
 * quarantined as unknown, and is put back in the queue now that its payment can be found.
 */
export async function requeueEarlyCallbacks(tx: Db, businessId: string, checkoutRequestId: string): Promise<void> {
  const requeued = await tx.query<{ callback_id: string }>(
    `UPDATE mpesa_callbacks SET processed_at = NULL, outcome = NULL, reason = NULL
      WHERE business_id = $1 AND route = 'stk' AND subject = $2 AND outcome = 'quarantined' AND reason = 'unknown_request' RETURNING callback_id::text AS callback_id`,
    [businessId, checkoutRequestId],
  );
  if (requeued.length > 0) {
    // Their owner-queue items go too (one per callback; older releases keyed a success's by its
    // CheckoutRequestID). Processed again, a callback still refused gets a new one.
    await tx.query(
      `DELETE FROM mpesa_unmatched WHERE business_id = $1 AND kind = 'quarantined_callback' AND resolved_at IS NULL
          AND (subject = $2 OR details->>'callback_id' = ANY($3::text[]))`,
      [businessId, checkoutRequestId, requeued.map((row) => row.callback_id)],
    );
  }
}
