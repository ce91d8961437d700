/** The simulator's OAuth, STK Push and STK Query endpoints, on Daraja's paths. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { mapResultCode } from '@payme/shared';
import { darajaTimestamp } from '../daraja-timestamp.js';
import { stkPushRequestSchema, stkQueryRequestSchema } from '../daraja-wire.js';
import { stkCallbackBody } from './sim-callbacks.js';
import type { SimFault } from './sim-faults.js';
import {
  answerHttpFault,
  checkBearer,
  darajaError,
  newDigits,
  newReceipt,
  nowStamp,
  passwordMatches,
  randomChars,
  type SimContext,
  type StkRecord,
} from './sim-context.js';

const stk_success_desc = 'The service request is processed successfully.';

/** Daraja's own words for the result codes tests use. */
const result_descriptions: Readonly<Record<number, string>> = {
  0: stk_success_desc,
  1: 'The balance is insufficient for the transaction.',
  1032: 'Request cancelled by user.',
  1037: 'DS timeout user cannot be reached.',
  1019: 'Transaction has expired.',
  2001: 'The initiator information is invalid.',
};

/** Parses with a Daraja wire schema, or answers Daraja's "Bad Request - Invalid <field>". */
export function parseDaraja<S extends z.ZodType>(ctx: SimContext, schema: S, body: unknown, reply: FastifyReply): z.output<S> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path.join('.') || 'request';
  void darajaError(ctx, reply, 400, '400.002.02', `Bad Request - Invalid ${field}`);
  return undefined;
}

export function registerStkRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.get('/oauth/v1/generate', { config: { operation: 'oauth' } }, async (request, reply) => {
    const fault = ctx.faults.choose('oauth', {});
    if (answerHttpFault(ctx, reply, fault)) return reply;
    const query = request.query as Record<string, string | undefined>;
    const header = request.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const key = colon > 0 ? decoded.slice(0, colon) : '';
    const secret = colon > 0 ? decoded.slice(colon + 1) : '';
    const known = ctx.consumers.size === 0 ? secret !== '' : ctx.consumers.get(key) === secret;
    if (query.grant_type !== 'client_credentials') return darajaError(ctx, reply, 400, '400.008.02', 'Invalid grant type passed');
    if (!key || !known) return darajaError(ctx, reply, 400, '400.008.01', 'Invalid Authentication passed');
    const token = randomChars(ctx.random, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 28);
    ctx.tokens.set(token, ctx.clock.now() + ctx.token_lifetime_s * 1000);
    return { access_token: token, expires_in: String(ctx.token_lifetime_s) };
  });

  app.post('/mpesa/stkpush/v1/processrequest', { config: { operation: 'stk_push' } }, async (request, reply) => {
    if (!checkBearer(ctx, request, reply)) return reply;
    const body = parseDaraja(ctx, stkPushRequestSchema, request.body, reply);
    if (!body) return reply;
    const shortcode = String(body.BusinessShortCode);
    const phone = String(body.PhoneNumber);
    const amount = Number(body.Amount);
    if (!passwordMatches(ctx, shortcode, body.Password, body.Timestamp)) return darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid Password');
    if (!Number.isInteger(amount) || amount < 1) return darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid Amount');
    if (!/^254[17]\d{8}$/.test(phone)) return darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid PhoneNumber');
    const fault = ctx.faults.choose('stk_push', { phone, shortcode });
    if (answerHttpFault(ctx, reply, fault)) return reply;
    const record: StkRecord = {
      merchant_request_id: `${newDigits(ctx.random, 5)}-${newDigits(ctx.random, 8)}-1`,
      checkout_request_id: `ws_CO_${nowStamp(ctx)}${newDigits(ctx.random, 10)}`,
      shortcode,
      party_b: String(body.PartyB),
      amount,
      phone,
      callback_url: body.CallBackURL,
      fault,
      status: 'processing',
    };
    ctx.stk.set(record.checkout_request_id, record);
    scheduleCustomerAnswer(ctx, record);
    return {
      MerchantRequestID: record.merchant_request_id,
      CheckoutRequestID: record.checkout_request_id,
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    };
  });

  app.post('/mpesa/stkpushquery/v1/query', { config: { operation: 'stk_query' } }, async (request, reply) => {
    if (!checkBearer(ctx, request, reply)) return reply;
    const body = parseDaraja(ctx, stkQueryRequestSchema, request.body, reply);
    if (!body) return reply;
    const fault = ctx.faults.choose('stk_query', { shortcode: String(body.BusinessShortCode) });
    if (answerHttpFault(ctx, reply, fault)) return reply;
    if (!passwordMatches(ctx, String(body.BusinessShortCode), body.Password, body.Timestamp)) return darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid Password');
    const record = ctx.stk.get(body.CheckoutRequestID);
    if (!record) return darajaError(ctx, reply, 400, '400.002.02', 'Bad Request - Invalid CheckoutRequestID');
    if (record.status === 'processing') return darajaError(ctx, reply, 500, '500.001.1001', 'The transaction is being processed');
    return {
      ResponseCode: '0',
      ResponseDescription: 'The service request has been accepted successsfully',
      MerchantRequestID: record.merchant_request_id,
      CheckoutRequestID: record.checkout_request_id,
      ResultCode: String(record.result_code),
      ResultDesc: record.result_desc,
    };
  });
}

/** After the delay the customer answers: the outcome is fixed, money moves, the callback goes. */
function scheduleCustomerAnswer(ctx: SimContext, record: StkRecord): void {
  const fault: SimFault = record.fault;
  const delayMs = fault.delay_ms ?? ctx.delays.callback_ms;
  ctx.callbacks.task(delayMs, () => {
    const resultCode = fault.result_code ?? (fault.spoof === 'fake_success' ? 1032 : 0);
    record.status = 'done';
    record.result_code = resultCode;
    record.result_desc = result_descriptions[resultCode] ?? mapResultCode(resultCode).cashier_message;
    const transactionDate = Number(darajaTimestamp(ctx.clock.now(), ctx.time_zone));
    if (resultCode === 0) {
      record.receipt = newReceipt(ctx.random);
      ctx.money.set(record.receipt, {
        receipt: record.receipt,
        amount: record.amount,
        phone: record.phone,
        shortcode: record.party_b,
        checkout_request_id: record.checkout_request_id,
        completed_at: nowStamp(ctx),
      });
    }
    const outcome = {
      merchant_request_id: record.merchant_request_id,
      checkout_request_id: record.checkout_request_id,
      result_code: resultCode,
      result_desc: record.result_desc,
      amount: record.amount,
      receipt: record.receipt,
      transaction_date: transactionDate,
      phone: Number(record.phone),
    };
    if (fault.spoof === 'fake_success') {
      // The forger claims success; the real outcome stays what the query reports.
      outcome.result_code = 0;
      outcome.result_desc = stk_success_desc;
      outcome.receipt = newReceipt(ctx.random);
    }
    if (fault.spoof === 'wrong_amount') outcome.amount = record.amount + 1 + ctx.random.int(0, 999);
    if (fault.spoof === 'unknown_checkout') {
      const forged = { ...outcome, result_code: 0, result_desc: stk_success_desc, checkout_request_id: `ws_CO_${nowStamp(ctx)}${newDigits(ctx.random, 10)}`, receipt: newReceipt(ctx.random) };
      ctx.callbacks.send(record.callback_url, stkCallbackBody(forged), { delayMs: 0 });
    }
    if (fault.callback === 'lost') return;
    ctx.callbacks.send(record.callback_url, stkCallbackBody(outcome), {
      delayMs: fault.callback === 'late' ? ctx.delays.late_ms : 0,
      copies: 1 + (fault.duplicates ?? 0),
      spacingMs: fault.concurrent ? 0 : ctx.delays.duplicate_spacing_ms,
      hold: fault.reorder === true,
    });
  });
}
