/**
 * Payments as rows: reading, the record the till and the feed see, and every state change
 * through `moveState`, which applies the shared state machine (a refused pair throws), writes
 * the history, puts the new state on the feed and, for money that moved, in the audit log.
 * Callers hold the payment row's lock (`lockPayment`) in the same transaction.
 */
import { isoAt, transitionPayment, type Clock, type PaymentRecord, type PaymentState } from '@payme/shared';
import type { Db } from '../db/db.js';
import { appendFeedChange } from '../feed/changes.js';
import { appendAudit } from '../audit/audit-log.js';

export interface PaymentRow {
  business_id: string;
  payment_id: string;
  request_hash: string;
  till_id: string | null;
  staff_id: string | null;
  sale_id: string | null;
  phone: string;
  amount_cents: number;
  state: PaymentState;
  result_code: number | null;
  cashier_message: string | null;
  merchant_request_id: string | null;
  checkout_request_id: string | null;
  mpesa_receipt: string | null;
  receipt_pending: boolean;
  settled_sale_id: string | null;
  deadline_at: Date | null;
  updated_at: Date;
}

const payment_columns = `business_id::text AS business_id, payment_id::text AS payment_id, request_hash, till_id::text AS till_id,
  staff_id::text AS staff_id, sale_id::text AS sale_id, phone, amount_cents, state, result_code, cashier_message,
  merchant_request_id, checkout_request_id, mpesa_receipt, receipt_pending, settled_sale_id::text AS settled_sale_id,
  deadline_at, updated_at`;

export async function readPayment(db: Db, businessId: string, paymentId: string): Promise<PaymentRow | undefined> {
  const rows = await db.query<PaymentRow>(`SELECT ${payment_columns} FROM payments WHERE business_id = $1 AND payment_id = $2`, [businessId, paymentId]);
  return rows[0];
}

/** Locks the payment row for the rest of the transaction. */
export async function lockPayment(tx: Db, businessId: string, paymentId: string): Promise<PaymentRow | undefined> {
  const rows = await tx.query<PaymentRow>(`SELECT ${payment_columns} FROM payments WHERE business_id = $1 AND payment_id = $2 FOR UPDATE`, [businessId, paymentId]);
  return rows[0];
}

/** Finds and locks the payment of a CheckoutRequestID (unique across Daraja). */
export async function lockPaymentByCheckout(tx: Db, businessId: string, checkoutRequestId: string): Promise<PaymentRow | undefined> {
  const rows = await tx.query<PaymentRow>(
    `SELECT ${payment_columns} FROM payments WHERE business_id = $1 AND checkout_request_id = $2 FOR UPDATE`,
    [businessId, checkoutRequestId],
  );
  return rows[0];
}

/** The record tills and the feed see (shared `paymentRecord`): no Daraja ids. */
export function paymentRecord(row: PaymentRow): PaymentRecord {
  const record: PaymentRecord = {
    payment_id: row.payment_id,
    state: row.state,
    amount: Number(row.amount_cents),
    phone: row.phone,
    updated_at: new Date(row.updated_at).toISOString(),
  };
  if (row.sale_id) record.sale_id = row.sale_id;
  if (row.mpesa_receipt) record.mpesa_receipt = row.mpesa_receipt;
  if (row.result_code !== null) record.result_code = row.result_code;
  if (row.cashier_message) record.cashier_message = row.cashier_message;
  else if (row.state === 'succeeded' && row.receipt_pending) record.cashier_message = 'Paid — receipt number to follow';
  return record;
}

export interface StatePatch {
  result_code?: number | null;
  cashier_message?: string | null;
  mpesa_receipt?: string | null;
  receipt_pending?: boolean;
  merchant_request_id?: string;
  checkout_request_id?: string;
  deadline_at?: number | null;
}

/**
 * Moves `row` to `to` (or, with `to === row.state`, only patches it), recording why. Returns the
 * updated row. Throws `payment_transition_refused` for a pair the state machine refuses.
 */
export async function moveState(tx: Db, clock: Clock, row: PaymentRow, to: PaymentState, reason: string, patch: StatePatch = {}): Promise<PaymentRow> {
  if (to !== row.state) transitionPayment(row.state, to);
  const now = clock.now();
  const next: PaymentRow = {
    ...row,
    state: to,
    result_code: patch.result_code !== undefined ? patch.result_code : row.result_code,
    cashier_message: patch.cashier_message !== undefined ? patch.cashier_message : row.cashier_message,
    mpesa_receipt: patch.mpesa_receipt !== undefined ? patch.mpesa_receipt : row.mpesa_receipt,
    receipt_pending: patch.receipt_pending ?? row.receipt_pending,
    merchant_request_id: patch.merchant_request_id ?? row.merchant_request_id,
    checkout_request_id: patch.checkout_request_id ?? row.checkout_request_id,
    deadline_at: patch.deadline_at === undefined ? row.deadline_at : patch.deadline_at === null ? null : new Date(patch.deadline_at),
    updated_at: new Date(now),
  };
  await tx.query(
    `UPDATE payments SET state = $3, result_code = $4, cashier_message = $5, mpesa_receipt = $6, receipt_pending = $7,
        merchant_request_id = $8, checkout_request_id = $9, deadline_at = $10, updated_at = $11
      WHERE business_id = $1 AND payment_id = $2`,
    [
      row.business_id,
      row.payment_id,
      next.state,
      next.result_code,
      next.cashier_message,
      next.mpesa_receipt,
      next.receipt_pending,
      next.merchant_request_id,
      next.checkout_request_id,
      next.deadline_at ? next.deadline_at.toISOString() : null,
      isoAt(now),
    ],
  );
  await recordHistory(tx, row.business_id, row.payment_id, row.state, to, reason, now);
  await appendFeedChange(tx, row.business_id, { kind: 'payment', entity_id: row.payment_id, data: paymentRecord(next) }, now);
  if (to !== row.state && (to === 'succeeded' || to === 'reversed')) {
    await appendAudit(tx, row.business_id, {
      kind: to === 'succeeded' ? 'mpesa_payment_succeeded' : 'mpesa_payment_reversed',
      actor: null,
      subject: row.payment_id,
      data: { amount_cents: Number(row.amount_cents), mpesa_receipt: next.mpesa_receipt, from: row.state, reason },
      occurred_at: isoAt(now),
    });
  }
  return next;
}

export async function recordHistory(tx: Db, businessId: string, paymentId: string, from: PaymentState | null, to: PaymentState, reason: string, at: number): Promise<void> {
  await tx.query(
    `INSERT INTO payment_history (business_id, payment_id, step, from_state, to_state, reason, at)
     SELECT $1, $2, COALESCE(max(step), 0) + 1, $3, $4, $5, $6 FROM payment_history WHERE business_id = $1 AND payment_id = $2`,
    [businessId, paymentId, from, to, reason, isoAt(at)],
  );
}
