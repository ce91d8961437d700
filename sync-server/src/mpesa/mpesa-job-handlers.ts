/**
 * What each job does. Network first with no transaction open, then one short transaction that
 * re-reads the payment under its lock and applies the answer only if it still fits the state.
 */
import { isPaymeError, isoAt, mapResultCode } from '@payme/shared';
import type { StkQueryResult } from './daraja-client.js';
import { callbackUrls, type MpesaAccount } from './mpesa-account.js';
import { completeJob, enqueueJob, retryJobLater, type MpesaJob } from './mpesa-jobs.js';
import type { MpesaService } from './mpesa-service.js';
import { lockPayment, moveState, readPayment, type PaymentRow } from './payments.js';
import { queueRefused } from './callback-processor.js';
import { creditPayment } from './stk-callback.js';

const open_states = new Set(['requested', 'unknown', 'expired']);

export async function runJob(service: MpesaService, job: MpesaJob): Promise<void> {
  switch (job.kind) {
    case 'stk_deadline':
      return reconcileByQuery(service, job, null);
    case 'stk_confirm':
      return reconcileByQuery(service, job, typeof job.data.receipt === 'string' ? job.data.receipt : null);
    case 'receipt_lookup':
      return lookUpReceipt(service, job);
    case 'reversal':
      return sendReversal(service, job);
  }
}

async function finish(service: MpesaService, job: MpesaJob): Promise<void> {
  await service.env.db.transaction((tx) => completeJob(tx, service.env.clock, job));
}

/**
 * `stk_deadline`: no final callback by the deadline → `unknown`, then ask STK Query until it
 * resolves. `stk_confirm`: a success callback came; credit it only if the query agrees.
 */
async function reconcileByQuery(service: MpesaService, job: MpesaJob, callbackReceipt: string | null): Promise<void> {
  const { db, clock } = service.env;
  const payment = await readPayment(db, job.business_id, job.subject);
  const confirming = job.kind === 'stk_confirm';
  if (!payment) return finish(service, job);
  if (payment.state === 'created') {
    // The server died between writing the payment and recording Daraja's answer.
    await db.transaction(async (tx) => {
      const row = await lockPayment(tx, job.business_id, job.subject);
      if (row?.state === 'created') await moveState(tx, clock, row, 'failed', 'no answer from M-Pesa was recorded', { cashier_message: 'M-Pesa did not confirm the request: try again' });
      await completeJob(tx, clock, job);
    });
    service.notify(job.business_id);
    return;
  }
  if (confirming && payment.state === 'succeeded' && payment.receipt_pending && callbackReceipt) {
    // The deadline's query credited it first; the callback still brings the receipt number.
    await db.transaction(async (tx) => {
      const row = await lockPayment(tx, job.business_id, job.subject);
      if (row?.state === 'succeeded' && row.receipt_pending) await moveState(tx, clock, row, 'succeeded', 'receipt from callback', { mpesa_receipt: callbackReceipt, receipt_pending: false });
      await completeJob(tx, clock, job);
    });
    service.notify(job.business_id);
    return;
  }
  if (!open_states.has(payment.state) || (payment.state === 'expired' && !confirming) || !payment.checkout_request_id) return finish(service, job);
  const account = await service.account(job.business_id);
  if (!account) return retryJobLater(db, service.env, job, 'M-Pesa account missing');

  if (!confirming && payment.state === 'requested') {
    await db.transaction(async (tx) => {
      const row = await lockPayment(tx, job.business_id, job.subject);
      if (row?.state === 'requested') await moveState(tx, clock, row, 'unknown', 'no callback by the deadline');
    });
    service.notify(job.business_id);
  }

  let answer: StkQueryResult;
  try {
    answer = await service.clientFor(account).stkQuery({
      business_shortcode: account.business_shortcode,
      passkey: account.secrets.passkey,
      checkout_request_id: payment.checkout_request_id,
      time_zone: account.time_zone,
    });
  } catch (error) {
    return retryJobLater(db, service.env, job, isPaymeError(error) ? `${error.code}: ${error.message}` : String(error));
  }
  if (answer.status === 'processing') return retryJobLater(db, service.env, job, 'M-Pesa is still processing');
  const code = answer.response.ResultCode;
  await db.transaction(async (tx) => {
    const row = await lockPayment(tx, job.business_id, job.subject);
    if (row && open_states.has(row.state)) {
      if (code === 0) await creditPayment(tx, service.env, row, callbackReceipt, confirming ? 'success callback confirmed by STK Query' : 'STK Query after the deadline');
      else if (row.state !== 'expired') {
        const meaning = mapResultCode(code, answer.response.ResultDesc);
        await moveState(tx, clock, row, meaning.outcome, `STK Query ${code}`, { result_code: code, cashier_message: meaning.cashier_message, deadline_at: null });
      }
    }
    if (confirming && code !== 0 && typeof job.data.callback_id === 'string') {
      // The callback claimed a success M-Pesa does not know: it was spoofed.
      await tx.query(
        `UPDATE mpesa_callbacks SET outcome = 'quarantined', reason = 'query_disagrees' WHERE business_id = $1 AND callback_id = $2`,
        [job.business_id, job.data.callback_id],
      );
      // Refused after the fact, it is the owner's to see like any refused callback (issue 12).
      await queueRefused(tx, service.env, { business_id: job.business_id, callback_id: job.data.callback_id, route: 'stk' }, 'query_disagrees');
    }
    await completeJob(tx, clock, job);
  });
  service.notify(job.business_id);
}

function receiptLookupParty(account: MpesaAccount): { party_a: string; identifier_type: '2' | '4' } {
  return account.kind === 'till' && account.till_number ? { party_a: account.till_number, identifier_type: '2' } : { party_a: account.business_shortcode, identifier_type: '4' };
}

/** Transaction Status for a payment confirmed by query but whose callback (and receipt) never came. */
async function lookUpReceipt(service: MpesaService, job: MpesaJob): Promise<void> {
  const { db, clock } = service.env;
  const payment: PaymentRow | undefined = await readPayment(db, job.business_id, job.subject);
  if (!payment || payment.state !== 'succeeded' || !payment.receipt_pending || !payment.checkout_request_id) return finish(service, job);
  const account = await service.account(job.business_id);
  const secrets = account?.secrets;
  if (!account || !secrets?.initiator_name || !secrets.security_credential) return retryJobLater(db, service.env, job, 'no initiator credentials for Transaction Status');
  let ack;
  try {
    ack = await service.clientFor(account).transactionStatus({
      initiator: secrets.initiator_name,
      security_credential: secrets.security_credential,
      original_conversation_id: payment.checkout_request_id,
      ...receiptLookupParty(account),
      result_url: callbackUrls(account).result,
      timeout_url: callbackUrls(account).timeout,
      remarks: 'PayMe receipt lookup',
    });
  } catch (error) {
    return retryJobLater(db, service.env, job, isPaymeError(error) ? `${error.code}: ${error.message}` : String(error));
  }
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO mpesa_async_requests (business_id, originator_conversation_id, conversation_id, kind, subject, created_at)
       VALUES ($1, $2, $3, 'receipt_lookup', $4, $5) ON CONFLICT DO NOTHING`,
      [job.business_id, ack.OriginatorConversationID, ack.ConversationID, job.subject, isoAt(clock.now())],
    );
    await completeJob(tx, clock, job);
  });
}

/** Sends a reversal once it is recorded; its result arrives on the result URL. */
async function sendReversal(service: MpesaService, job: MpesaJob): Promise<void> {
  const { db, clock } = service.env;
  const rows = await db.query<{ mpesa_receipt: string; amount_cents: number; status: string }>(
    'SELECT mpesa_receipt, amount_cents, status FROM mpesa_reversals WHERE business_id = $1 AND reversal_id = $2',
    [job.business_id, job.subject],
  );
  const reversal = rows[0];
  if (!reversal || reversal.status !== 'requested') return finish(service, job);
  const account = await service.account(job.business_id);
  const secrets = account?.secrets;
  if (!account || !secrets?.initiator_name || !secrets.security_credential) return retryJobLater(db, service.env, job, 'no initiator credentials for Reversal');
  let ack;
  try {
    ack = await service.clientFor(account).reversal({
      initiator: secrets.initiator_name,
      security_credential: secrets.security_credential,
      transaction_id: reversal.mpesa_receipt,
      amount_shillings: Number(reversal.amount_cents) / 100,
      receiver_party: account.kind === 'till' && account.till_number ? account.till_number : account.business_shortcode,
      receiver_identifier_type: '11',
      result_url: callbackUrls(account).result,
      timeout_url: callbackUrls(account).timeout,
      remarks: 'PayMe refund',
    });
  } catch (error) {
    // A reversal that timed out may have reached Daraja: it is not resent blindly.
    if (isPaymeError(error) && error.code === 'daraja_unavailable' && String(error.details.reason ?? '').startsWith('timed out')) {
      await db.query(`UPDATE mpesa_reversals SET status = 'failed', result_desc = $3 WHERE business_id = $1 AND reversal_id = $2`, [job.business_id, job.subject, 'timed out: check with M-Pesa before retrying']);
      return finish(service, job);
    }
    return retryJobLater(db, service.env, job, isPaymeError(error) ? `${error.code}: ${error.message}` : String(error));
  }
  await db.transaction(async (tx) => {
    await tx.query(`UPDATE mpesa_reversals SET status = 'sent', updated_at = $3 WHERE business_id = $1 AND reversal_id = $2`, [job.business_id, job.subject, isoAt(clock.now())]);
    await tx.query(
      `INSERT INTO mpesa_async_requests (business_id, originator_conversation_id, conversation_id, kind, subject, created_at)
       VALUES ($1, $2, $3, 'reversal', $4, $5) ON CONFLICT DO NOTHING`,
      [job.business_id, ack.OriginatorConversationID, ack.ConversationID, job.subject, isoAt(clock.now())],
    );
    await completeJob(tx, clock, job);
  });
}

/**
 * Records a reversal of a whole M-Pesa payment and queues it. `reversal_id` is the caller's id
 * (a till's reversal request, or the owner's refund), so asking twice changes nothing.
 */
export async function requestReversal(
  service: MpesaService,
  businessId: string,
  input: { reversal_id: string; payment_id: string | null; mpesa_receipt: string; amount_cents: number },
): Promise<boolean> {
  const { clock } = service.env;
  const created = await service.env.db.transaction(async (tx) => {
    const rows = await tx.query(
      `INSERT INTO mpesa_reversals (business_id, reversal_id, payment_id, mpesa_receipt, amount_cents, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'requested', $6, $6) ON CONFLICT DO NOTHING RETURNING reversal_id`,
      [businessId, input.reversal_id, input.payment_id, input.mpesa_receipt, input.amount_cents, isoAt(clock.now())],
    );
    if (rows.length === 0) return false;
    await enqueueJob(tx, service.env, businessId, { kind: 'reversal', subject: input.reversal_id });
    return true;
  });
  if (created) service.kick();
  return created;
}

/** Picks up reversal requests tills recorded offline (ingest's `reversal_requests`). */
export async function sweepReversalRequests(service: MpesaService): Promise<number> {
  const pending = await service.env.db.query<{ business_id: string; reversal_id: string; payment_id: string | null; mpesa_receipt: string; amount_cents: number }>(
    `SELECT r.business_id::text AS business_id, r.reversal_id::text AS reversal_id, r.payment_id::text AS payment_id, r.mpesa_receipt, r.amount_cents
       FROM reversal_requests r
      WHERE r.status = 'requested' AND NOT EXISTS (SELECT 1 FROM mpesa_reversals m WHERE m.business_id = r.business_id AND m.reversal_id = r.reversal_id)
      LIMIT 100`,
  );
  let created = 0;
  for (const row of pending) if (await requestReversal(service, row.business_id, { ...row, amount_cents: Number(row.amount_cents) })) created += 1;
  return created;
}
