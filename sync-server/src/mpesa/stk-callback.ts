/**
 * Processing one stored STK callback (DESIGN §7), inside the transaction that marks it
 * processed and under the payment row's lock, so concurrent duplicates queue up and only the
 * first changes anything. A success is not credited on the callback's word: it waits for an STK
 * Query (`stk_confirm` job) unless the business trusts its secret callback path.
 */
import { callbackItems, isPaymeError, mapResultCode, parseJsonWithNumberText, stkCallbackSchema, type Clock, type JsonWithNumberText, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { enqueueJob } from './mpesa-jobs.js';
import { lockPaymentByCheckout, moveState, type PaymentRow } from './payments.js';
import { queueForOwner } from './unmatched-queue.js';

export interface CallbackOutcome {
  outcome: 'credited' | 'confirming' | 'recorded' | 'duplicate' | 'quarantined' | 'ignored';
  reason?: string;
  subject?: string;
  /** For a refusal: what the owner's queue item says beside the reason (never money). */
  details?: Record<string, unknown>;
}

export interface StoredCallback {
  business_id: string;
  callback_id: string;
  route: string;
  /** The body as UTF-8 text (migration 014: decoded from `body_bytes` when they were stored). */
  body: string;
  /** The bytes as they arrived; null on rows stored before migration 014. */
  body_bytes: Buffer | null;
}

/**
 * SQL: a stored row's body is byte-equal to the one in parameters $bytes (bytea, may be null)
 * and $text (its text, may be null). Rows from before migration 014 have only their text.
 */
export function sameBodySql(bytes: number, text: number): string {
  return `(body_bytes = $${bytes}::bytea OR ((body_bytes IS NULL OR $${bytes}::bytea IS NULL) AND body = $${text}::text))`;
}

/**
 * The text to hand `sameBodySql` beside the bytes: it only finds rows stored before migration 014,
 * which never hold a NUL (PostgreSQL text cannot), and a NUL in a text parameter is an error
 * (22021) that would fail the callback, and each copy of it again (issue 12).
 */
export function comparableText(stored: { body: string | null; body_bytes: Buffer | null }): string | null {
  return stored.body !== null && !stored.body.includes('\u0000') ? stored.body : null;
}

export interface ProcessEnv {
  clock: Clock;
  random: Random;
  trust_callbacks: boolean;
}

const quarantined = (reason: string, subject?: string, details?: Record<string, unknown>): CallbackOutcome => ({
  outcome: 'quarantined',
  reason,
  ...(subject ? { subject } : {}),
  ...(details ? { details } : {}),
});

export async function lockCheckout(tx: Db, checkoutRequestId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payme-stk:${checkoutRequestId}`]);
}

/** The body's value, and each JSON number's digits as written (amounts are judged by them). */
export function parseJson(text: string): ({ ok: true } & JsonWithNumberText) | { ok: false } {
  try {
    return { ok: true, ...parseJsonWithNumberText(text) };
  } catch {
    return { ok: false };
  }
}

export async function processStkCallback(tx: Db, env: ProcessEnv, stored: StoredCallback): Promise<CallbackOutcome> {
  const json = parseJson(stored.body);
  if (!json.ok) return quarantined('unreadable_json');
  const parsed = stkCallbackSchema.safeParse(json.value);
  if (!parsed.success) return quarantined(`invalid_shape: ${parsed.error.issues[0]?.path.join('.') ?? ''}`.slice(0, 300));
  const callback = parsed.data.Body.stkCallback;
  const checkoutId = callback.CheckoutRequestID;
  let items;
  try {
    items = callbackItems(parsed.data, json.numberText);
  } catch (error) {
    // An Amount M-Pesa cannot carry (shared's parseMpesaAmount) is not money (issue 12).
    if (isPaymeError(error) && error.code === 'invalid_amount') return quarantined('amount_not_mpesa', checkoutId);
    return quarantined(isPaymeError(error) ? `invalid_item: ${error.field ?? ''}` : 'invalid_item', checkoutId);
  }
  // Serialises with the STK request recording this CheckoutRequestID (stk-request.ts): a
  // callback faster than that commit is requeued by it rather than lost as unknown.
  await lockCheckout(tx, checkoutId);
  const payment = await lockPaymentByCheckout(tx, stored.business_id, checkoutId);
  // Refusals are one owner-queue item per raw body, with no amount (callback-processor.ts, issue 12).
  // (Not the CheckoutRequestID in details: jsonb refuses what text takes, a lone surrogate; the
  // raw record and the callback's subject keep it.)
  if (!payment) return quarantined('unknown_request', checkoutId, { claimed_amount_cents: items.amount_cents ?? null });
  if (payment.merchant_request_id !== null && callback.MerchantRequestID !== payment.merchant_request_id) return quarantined('merchant_request_mismatch', checkoutId);

  // The payment row is locked: an earlier callback for it was processed or is not yet.
  const earlier = await tx.query<{ same: boolean }>(
    `SELECT ${sameBodySql(3, 4)} AS same FROM mpesa_callbacks WHERE business_id = $1 AND route = 'stk' AND subject = $2 AND processed_at IS NOT NULL
        AND outcome IN ('credited', 'confirming', 'recorded') LIMIT 1`,
    [stored.business_id, checkoutId, stored.body_bytes, comparableText(stored)],
  );
  if (earlier[0]) {
    if (earlier[0].same === true) return { outcome: 'duplicate', subject: checkoutId };
    // The one story a second, different callback may tell: money that arrived after expiry.
    const lateSuccess = callback.ResultCode === 0 && payment.state === 'expired';
    if (!lateSuccess) return quarantined('conflicts_with_earlier_callback', checkoutId);
  }

  if (callback.ResultCode !== 0) return applyFailure(tx, env, payment, callback.ResultCode, callback.ResultDesc, checkoutId);

  if (items.amount_cents !== Number(payment.amount_cents)) return quarantined('amount_mismatch', checkoutId);
  if (items.phone !== undefined && /^\d{12}$/.test(items.phone) && items.phone !== payment.phone) return quarantined('phone_mismatch', checkoutId);
  if (!items.mpesa_receipt) return quarantined('no_receipt', checkoutId);

  if (payment.state === 'succeeded') {
    if (payment.receipt_pending && payment.mpesa_receipt === null) {
      await moveState(tx, env.clock, payment, 'succeeded', 'receipt from callback', { mpesa_receipt: items.mpesa_receipt, receipt_pending: false, cashier_message: null });
      return { outcome: 'recorded', subject: checkoutId };
    }
    return { outcome: 'duplicate', subject: checkoutId };
  }
  if (payment.state !== 'requested' && payment.state !== 'unknown' && payment.state !== 'expired') {
    // Daraja said otherwise before (cancelled / failed by query): the owner must look.
    return quarantined('success_after_final_state', checkoutId, { state: payment.state, payment_id: payment.payment_id, claimed_amount_cents: items.amount_cents ?? null });
  }
  if (env.trust_callbacks) {
    await creditPayment(tx, env, payment, items.mpesa_receipt, 'success callback (trusted path)');
    return { outcome: 'credited', subject: checkoutId };
  }
  await enqueueJob(tx, env, stored.business_id, { kind: 'stk_confirm', subject: payment.payment_id, data: { receipt: items.mpesa_receipt, callback_id: stored.callback_id } });
  return { outcome: 'confirming', subject: checkoutId };
}

async function applyFailure(tx: Db, env: ProcessEnv, payment: PaymentRow, code: number, desc: string, checkoutId: string): Promise<CallbackOutcome> {
  const meaning = mapResultCode(code, desc);
  if (payment.state !== 'requested' && payment.state !== 'unknown') return { outcome: 'ignored', reason: `payment already ${payment.state}`, subject: checkoutId };
  await moveState(tx, env.clock, payment, meaning.outcome, `callback ${code}`, { result_code: code, cashier_message: meaning.cashier_message, deadline_at: null });
  return { outcome: 'recorded', subject: checkoutId };
}

/**
 * Credits a payment exactly once (the state machine refuses a second `succeeded`). A success
 * after `expired` whose sale was completed otherwise also goes to the owner's queue.
 */
export async function creditPayment(tx: Db, env: { clock: Clock; random: Random }, payment: PaymentRow, receipt: string | null, reason: string): Promise<PaymentRow> {
  const wasExpired = payment.state === 'expired';
  const credited = await moveState(tx, env.clock, payment, 'succeeded', reason, {
    mpesa_receipt: receipt,
    receipt_pending: receipt === null,
    result_code: 0,
    cashier_message: null,
    deadline_at: null,
  });
  if (wasExpired && payment.sale_id !== null) {
    const settled = await tx.query(
      `SELECT 1 FROM sales WHERE business_id = $1 AND sale_id = $2 AND status = 'completed' AND payment_id IS DISTINCT FROM $3`,
      [payment.business_id, payment.sale_id, payment.payment_id],
    );
    if (settled.length > 0) {
      await queueForOwner(tx, env, payment.business_id, 'late_success', payment.payment_id, Number(payment.amount_cents), { sale_id: payment.sale_id, mpesa_receipt: receipt });
    }
  }
  if (receipt === null) await enqueueJob(tx, env, payment.business_id, { kind: 'receipt_lookup', subject: payment.payment_id });
  return credited;
}
