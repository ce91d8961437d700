/**
 * Results of Transaction Status (the receipt of a payment confirmed by query) and Reversal,
 * which Daraja posts to the ResultURL (or QueueTimeOutURL when its queue gave up). Each answer
 * is linked back through `mpesa_async_requests` and applied once.
 */
import { darajaResultCallbackSchema, isoAt, resultAmountCents, resultParameters, type Clock, type DarajaResultCallback, type JsonWithNumberText, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { enqueueJob, jobBackoffMs } from './mpesa-jobs.js';
import { lockPayment, moveState, type PaymentRow } from './payments.js';
import { parseJson, type CallbackOutcome, type StoredCallback } from './stk-callback.js';

type Env = { clock: Clock; random: Random };

function parseResult(value: unknown): { ok: true; data: DarajaResultCallback } | { ok: false; field: string } {
  // The shared schema reads Daraja's alphanumeric codes too (`R000001` already reversed, `R000002` unknown transaction).
  const parsed = darajaResultCallbackSchema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, field: parsed.error.issues[0]?.path.join('.') ?? '' };
}

interface AsyncRequest {
  kind: 'receipt_lookup' | 'reversal';
  subject: string;
  answered_at: Date | null;
  originator_conversation_id: string;
}

export async function processResultCallback(tx: Db, env: Env, stored: StoredCallback): Promise<CallbackOutcome> {
  const json = parseJson(stored.body);
  if (!json.ok) return { outcome: 'quarantined', reason: 'unreadable_json' };
  const parsed = parseResult(json.value);
  if (!parsed.ok) return { outcome: 'quarantined', reason: `invalid_shape: ${parsed.field}`.slice(0, 300) };
  const result = parsed.data.Result;
  const rows = await tx.query<AsyncRequest>(
    `SELECT kind, subject, answered_at, originator_conversation_id FROM mpesa_async_requests
      WHERE business_id = $1 AND (originator_conversation_id = $2 OR conversation_id = $3) FOR UPDATE`,
    [stored.business_id, result.OriginatorConversationID, result.ConversationID],
  );
  const request = rows[0];
  const subject = result.ConversationID;
  if (!request) return { outcome: 'quarantined', reason: 'unknown_request', subject };
  if (request.answered_at !== null) return { outcome: 'duplicate', subject };
  const timedOut = stored.route === 'timeout';
  const ok = !timedOut && result.ResultCode === 0;
  // A success's Amount is money entering: M-Pesa's range, and what was asked (issue 12). A
  // refused answer leaves the request unanswered, so a true answer after it still applies.
  const refused = ok ? await amountRefusal(tx, stored.business_id, request, parsed.data, json.numberText) : undefined;
  if (refused) return { outcome: 'quarantined', reason: refused, subject };
  await tx.query('UPDATE mpesa_async_requests SET answered_at = $3 WHERE business_id = $1 AND originator_conversation_id = $2', [
    stored.business_id,
    request.originator_conversation_id,
    isoAt(env.clock.now()),
  ]);
  if (request.kind === 'receipt_lookup') {
    const payment = await lockPayment(tx, stored.business_id, request.subject);
    const receipt = ok ? resultParameters(parsed.data).ReceiptNo : undefined;
    if (payment && payment.state === 'succeeded' && payment.receipt_pending && typeof receipt === 'string' && receipt !== '') {
      await moveState(tx, env.clock, payment, 'succeeded', 'receipt from Transaction Status', { mpesa_receipt: receipt, receipt_pending: false });
      return { outcome: 'recorded', subject };
    }
    if (payment && payment.receipt_pending) await askReceiptAgain(tx, env, payment);
    return { outcome: 'ignored', reason: timedOut ? 'timed_out' : `result ${result.ResultCode}`, subject };
  }
  return applyReversalResult(tx, env, stored.business_id, request.subject, ok, timedOut, String(result.ResultCode), result.ResultDesc, result.TransactionID || null, subject);
}

/** Why a success result's Amount is not the money asked about, or undefined when it is. */
async function amountRefusal(tx: Db, businessId: string, request: AsyncRequest, result: DarajaResultCallback, numberText: JsonWithNumberText['numberText']): Promise<string | undefined> {
  let amount: number | undefined;
  try {
    amount = resultAmountCents(result, numberText);
  } catch {
    return 'amount_not_mpesa';
  }
  if (amount === undefined) return 'amount_missing';
  const rows = await tx.query<{ amount_cents: string | number }>(
    request.kind === 'receipt_lookup'
      ? 'SELECT amount_cents FROM payments WHERE business_id = $1 AND payment_id = $2'
      : 'SELECT amount_cents FROM mpesa_reversals WHERE business_id = $1 AND reversal_id = $2',
    [businessId, request.subject],
  );
  const expected = rows[0];
  return expected && Number(expected.amount_cents) !== amount ? 'amount_mismatch' : undefined;
}

async function askReceiptAgain(tx: Db, env: Env, payment: PaymentRow): Promise<void> {
  await enqueueJob(tx, env, payment.business_id, { kind: 'receipt_lookup', subject: payment.payment_id, run_at_ms: env.clock.now() + jobBackoffMs(3, env.random) });
}

async function applyReversalResult(
  tx: Db,
  env: Env,
  businessId: string,
  reversalId: string,
  ok: boolean,
  timedOut: boolean,
  code: string,
  desc: string,
  reversalReceipt: string | null,
  subject: string,
): Promise<CallbackOutcome> {
  const now = isoAt(env.clock.now());
  if (timedOut) {
    // Daraja's queue gave up before carrying it out: send it again later.
    await tx.query(`UPDATE mpesa_reversals SET status = 'requested', updated_at = $3 WHERE business_id = $1 AND reversal_id = $2`, [businessId, reversalId, now]);
    await enqueueJob(tx, env, businessId, { kind: 'reversal', subject: reversalId, run_at_ms: env.clock.now() + jobBackoffMs(2, env.random) });
    return { outcome: 'recorded', reason: 'reversal_timed_out_retrying', subject };
  }
  const rows = await tx.query<{ payment_id: string | null; mpesa_receipt: string }>(
    `UPDATE mpesa_reversals SET status = $3, result_code = $4, result_desc = $5, reversal_receipt = $6, updated_at = $7
      WHERE business_id = $1 AND reversal_id = $2 RETURNING payment_id::text AS payment_id, mpesa_receipt`,
    [businessId, reversalId, ok ? 'succeeded' : 'failed', code, desc.slice(0, 500), ok ? reversalReceipt : null, now],
  );
  const reversal = rows[0];
  if (ok && reversal) {
    const paymentRows = await tx.query<{ payment_id: string }>(
      'SELECT payment_id::text AS payment_id FROM payments WHERE business_id = $1 AND (payment_id = $2 OR mpesa_receipt = $3) LIMIT 1',
      [businessId, reversal.payment_id, reversal.mpesa_receipt],
    );
    const paymentId = paymentRows[0]?.payment_id;
    const payment = paymentId ? await lockPayment(tx, businessId, paymentId) : undefined;
    if (payment && payment.state === 'succeeded') await moveState(tx, env.clock, payment, 'reversed', `reversal ${reversalReceipt ?? '(no receipt number)'}`);
  }
  return { outcome: 'recorded', reason: ok ? 'reversed' : `reversal_failed ${code}`, subject };
}
