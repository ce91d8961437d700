/** The simulator's C2B (register, simulate), Transaction Status and Reversal endpoints. */
import type { FastifyInstance } from 'fastify';
import {
  c2bRegisterRequestSchema,
  c2bSimulateRequestSchema,
  reversalRequestSchema,
  transactionStatusRequestSchema,
} from '../daraja-wire.js';
import { c2bBody, resultBody, type SimFetch } from './sim-callbacks.js';
import { answerHttpFault, checkBearer, darajaError, newDigits, newReceipt, nowStamp, randomChars, type MoneyRecord, type SimContext } from './sim-context.js';
import { parseDaraja } from './sim-stk-routes.js';
import type { SimFault } from './sim-faults.js';

/** Daraja gives the validation URL a few seconds before it applies the registered default. */
const validation_wait_ms = 8_000;

function conversationIds(ctx: SimContext) {
  return {
    OriginatorConversationID: `${newDigits(ctx.random, 5)}-${newDigits(ctx.random, 8)}-1`,
    ConversationID: `AG_${nowStamp(ctx).slice(0, 8)}_${randomChars(ctx.random, '0123456789abcdef', 20)}`,
  };
}

/** Newer Daraja masks the payer's number on C2B (`2547 ***** 149`). */
function maskMsisdn(phone: string): string {
  return `${phone.slice(0, 4)}*****${phone.slice(-3)}`;
}

export function registerC2bRoutes(app: FastifyInstance, ctx: SimContext, fetch: SimFetch): void {
  app.post('/mpesa/c2b/v1/registerurl', { config: { operation: 'c2b_register' } }, async (request, reply) => {
    if (!checkBearer(ctx, request, reply)) return reply;
    const body = parseDaraja(ctx, c2bRegisterRequestSchema, request.body, reply);
    if (!body) return reply;
    if (answerHttpFault(ctx, reply, ctx.faults.choose('c2b_register', { shortcode: String(body.ShortCode) }))) return reply;
    ctx.c2b_urls.set(String(body.ShortCode), { confirmation: body.ConfirmationURL, validation: body.ValidationURL, response_type: body.ResponseType });
    return { OriginatorCoversationID: conversationIds(ctx).OriginatorConversationID, ResponseCode: '0', ResponseDescription: 'Success' };
  });

  app.post('/mpesa/c2b/v1/simulate', { config: { operation: 'c2b_simulate' } }, async (request, reply) => {
    if (!checkBearer(ctx, request, reply)) return reply;
    const body = parseDaraja(ctx, c2bSimulateRequestSchema, request.body, reply);
    if (!body) return reply;
    const shortcode = String(body.ShortCode);
    const phone = String(body.Msisdn);
    const amount = Number(body.Amount);
    if (!Number.isInteger(amount) || amount < 1) return darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid Amount');
    const urls = ctx.c2b_urls.get(shortcode);
    if (!urls) return darajaError(ctx, reply, 500, '500.003.1001', 'Urls are not registered');
    const fault = ctx.faults.choose('c2b_simulate', { phone, shortcode });
    if (answerHttpFault(ctx, reply, fault)) return reply;
    const payment = {
      transaction_type: body.CommandID === 'CustomerPayBillOnline' ? ('Pay Bill' as const) : ('Buy Goods' as const),
      trans_id: newReceipt(ctx.random),
      trans_time: nowStamp(ctx),
      amount,
      business_shortcode: shortcode,
      bill_ref: body.BillRefNumber ?? '',
      msisdn: maskMsisdn(phone),
      first_name: 'JOHN',
    };
    const wire = c2bBody(payment);
    ctx.callbacks.task(0, async () => {
      const accepted = await askValidation(fetch, urls.validation, wire, urls.response_type === 'Completed');
      if (!accepted) return;
      ctx.money.set(payment.trans_id, { receipt: payment.trans_id, amount, phone, shortcode, completed_at: payment.trans_time });
      if (fault.callback === 'lost') return;
      ctx.callbacks.send(urls.confirmation, wire, {
        delayMs: fault.callback === 'late' ? ctx.delays.late_ms : (fault.delay_ms ?? 0),
        copies: 1 + (fault.duplicates ?? 0),
        spacingMs: fault.concurrent ? 0 : ctx.delays.duplicate_spacing_ms,
        hold: fault.reorder === true,
      });
    });
    return { OriginatorCoversationID: conversationIds(ctx).OriginatorConversationID, ResponseCode: '0', ResponseDescription: 'Accept the service request successfully.' };
  });

  app.post('/mpesa/transactionstatus/v1/query', { config: { operation: 'transaction_status' } }, async (request, reply) => {
    if (!checkBearer(ctx, request, reply)) return reply;
    const body = parseDaraja(ctx, transactionStatusRequestSchema, request.body, reply);
    if (!body) return reply;
    const fault = ctx.faults.choose('transaction_status', { shortcode: String(body.PartyA) });
    if (answerHttpFault(ctx, reply, fault)) return reply;
    const ids = conversationIds(ctx);
    const found = findMoney(ctx, body.TransactionID, body.OriginalConversationID);
    const result = found
      ? resultBody({
          result_code: 0,
          result_desc: 'The service request is processed successfully.',
          originator_conversation_id: ids.OriginatorConversationID,
          conversation_id: ids.ConversationID,
          transaction_id: found.receipt,
          occasion: body.Occasion ?? '',
          parameters: [
            { Key: 'ReceiptNo', Value: found.receipt },
            { Key: 'Amount', Value: found.amount },
            { Key: 'TransactionStatus', Value: found.reversed_by ? 'Reversed' : 'Completed' },
            { Key: 'DebitPartyName', Value: `${maskMsisdn(found.phone)} - JOHN DOE` },
            { Key: 'CreditPartyName', Value: `${found.shortcode} - PAYME TEST SHOP` },
            { Key: 'FinalisedTime', Value: Number(found.completed_at) },
            { Key: 'InitiatedTime', Value: Number(found.completed_at) },
            { Key: 'ReasonType', Value: found.checkout_request_id ? 'Pay Merchant via STK' : 'Pay Merchant' },
            { Key: 'OriginatorConversationID', Value: found.checkout_request_id ?? '' },
          ],
        })
      : resultBody({
          result_code: 'R000002',
          result_desc: 'The transaction receipt number does not exist.',
          originator_conversation_id: ids.OriginatorConversationID,
          conversation_id: ids.ConversationID,
          transaction_id: body.TransactionID ?? '',
          occasion: body.Occasion ?? '',
        });
    sendResult(ctx, fault, fault.queue_timeout ? body.QueueTimeOutURL : body.ResultURL, result);
    return { ...ids, ResponseCode: '0', ResponseDescription: 'Accept the service request successfully.' };
  });

  app.post('/mpesa/reversal/v1/request', { config: { operation: 'reversal' } }, async (request, reply) => {
    if (!checkBearer(ctx, request, reply)) return reply;
    const body = parseDaraja(ctx, reversalRequestSchema, request.body, reply);
    if (!body) return reply;
    const fault = ctx.faults.choose('reversal', { shortcode: String(body.ReceiverParty) });
    if (answerHttpFault(ctx, reply, fault)) return reply;
    const ids = conversationIds(ctx);
    const original = ctx.money.get(body.TransactionID);
    // A queue timeout means Daraja never carried the reversal out.
    const outcome = fault.queue_timeout ? { code: 'SFC_IC0003', desc: 'Request timed out in the queue.' } : reversalOutcome(original, Number(body.Amount));
    const reversalReceipt = newReceipt(ctx.random);
    if (outcome.code === 0 && original) original.reversed_by = reversalReceipt;
    const result = resultBody({
      result_code: outcome.code,
      result_desc: outcome.desc,
      originator_conversation_id: ids.OriginatorConversationID,
      conversation_id: ids.ConversationID,
      transaction_id: reversalReceipt,
      occasion: body.Occasion ?? '',
      ...(outcome.code === 0 && original
        ? {
            parameters: [
              { Key: 'Amount', Value: original.amount },
              { Key: 'OriginalTransactionID', Value: original.receipt },
              { Key: 'TransCompletedTime', Value: Number(nowStamp(ctx)) },
              { Key: 'Charge', Value: 0 },
              { Key: 'CreditPartyPublicName', Value: `${maskMsisdn(original.phone)} - JOHN DOE` },
              { Key: 'DebitPartyPublicName', Value: `${original.shortcode} - PAYME TEST SHOP` },
            ],
          }
        : {}),
    });
    sendResult(ctx, fault, fault.queue_timeout ? body.QueueTimeOutURL : body.ResultURL, result);
    return { ...ids, ResponseCode: '0', ResponseDescription: 'Accept the service request successfully.' };
  });
}

/** A result is posted to the caller's URL, copied as the fault says, or never (`result_lost`). */
function sendResult(ctx: SimContext, fault: SimFault, url: string, result: unknown): void {
  if (fault.result_lost) return;
  ctx.callbacks.send(url, result, { delayMs: ctx.delays.result_ms, copies: 1 + (fault.duplicates ?? 0) });
}

function findMoney(ctx: SimContext, transactionId: string | undefined, originalConversationId: string | undefined): MoneyRecord | undefined {
  if (transactionId) return ctx.money.get(transactionId);
  if (!originalConversationId) return undefined;
  for (const record of ctx.money.values()) if (record.checkout_request_id === originalConversationId) return record;
  return undefined;
}

function reversalOutcome(original: MoneyRecord | undefined, amount: number): { code: number | string; desc: string } {
  if (!original) return { code: 'R000002', desc: 'The OriginalTransID is invalid.' };
  if (original.reversed_by) return { code: 'R000001', desc: 'The transaction has already been reversed.' };
  // Reversals are for the whole transaction (DESIGN §7).
  if (amount !== original.amount) return { code: 'R000003', desc: 'The amount does not match the original transaction.' };
  return { code: 0, desc: 'The service request is processed successfully.' };
}

/** Asks the validation URL; an answer that is not a clear yes or no falls back to the registered default. */
async function askValidation(fetch: SimFetch, url: string, body: unknown, defaultAccept: boolean): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), validation_wait_ms);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const answer = (await response.json().catch(() => undefined)) as { ResultCode?: unknown } | undefined;
    if (answer && answer.ResultCode !== undefined) return String(answer.ResultCode) === '0';
    return defaultAccept;
  } catch {
    return defaultAccept;
  } finally {
    clearTimeout(timer);
  }
}
