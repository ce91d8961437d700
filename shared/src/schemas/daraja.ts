/**
 * Safaricom Daraja payloads, named exactly as Daraja names them (PascalCase, including its own
 * misspellings such as `RecieverIdentifierType`).
 *
 * Requests PayMe builds are strict. What Daraja sends is parsed leniently where Daraja is loose
 * (extra keys kept, numbers that arrive as strings, a single `ResultParameter` instead of a
 * list) and strictly on the fields PayMe relies on (ids, result codes, amounts, receipt numbers).
 */
import { z } from 'zod';
import { cents_per_shilling, mpesa_amount_shillings_max, mpesa_amount_shillings_min } from '../limits.js';
import { PaymeError } from '../errors.js';
import { mpesaReceipt, phone, strictObject, withRules } from './common.js';
import type { JsonPath } from '../json-number-text.js';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`);

/** A Daraja id (MerchantRequestID, CheckoutRequestID, ConversationID): non-empty text. */
const darajaId = z.string({ error: required('an id') }).min(1, { error: 'may not be empty' }).max(100, { error: 'may be at most 100 characters' });
const shortCode = z.string({ error: required('a shortcode') }).regex(/^\d{5,8}$/, { error: 'must be a shortcode of 5 to 8 digits' });
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https address' }).max(500, { error: 'may be at most 500 characters' });
/** `YYYYMMDDHHmmss` in the business's time zone. */
export const darajaTimestamp = z
  .string({ error: required('a time like 20261126093000') })
  .regex(/^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$/, { error: 'must be a time like 20261126093000' });
/** Whole shillings within M-Pesa's per-transaction range. */
const mpesaShillings = z
  .number({ error: required('a whole number of shillings') })
  .int({ error: 'must be a whole number of shillings' })
  .min(mpesa_amount_shillings_min, { error: `must be at least ${mpesa_amount_shillings_min}` })
  .max(mpesa_amount_shillings_max, { error: `may be at most ${mpesa_amount_shillings_max}` });
/** Daraja sends codes as numbers in some payloads and as digit strings in others. */
const resultCode = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)], { error: required('a result code') });
const base64 = (max: number) =>
  z
    .string({ error: required('base64 text') })
    .max(max, { error: `may be at most ${max} characters` })
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: 'must be base64 text' });
/** base64(shortcode + passkey + timestamp): about 110 characters. */
const password = base64(300);

// ---- OAuth ----------------------------------------------------------------------------------

export const darajaTokenResponseSchema = z.looseObject({
  access_token: z.string({ error: required('a token') }).min(1),
  /** Seconds, sent as a string ("3599"). */
  expires_in: z.union([z.string().regex(/^\d+$/).transform(Number), z.number().int()], { error: required('a number of seconds') }),
});

// ---- STK Push (M-Pesa Express) ---------------------------------------------------------------

export const stk_transaction_types = ['CustomerPayBillOnline', 'CustomerBuyGoodsOnline'] as const;

export const stkPushRequestSchema = strictObject({
  BusinessShortCode: shortCode,
  /** base64(shortcode + passkey + timestamp). */
  Password: password,
  Timestamp: darajaTimestamp,
  TransactionType: z.enum(stk_transaction_types, { error: 'must be CustomerPayBillOnline or CustomerBuyGoodsOnline' }),
  Amount: mpesaShillings,
  PartyA: phone,
  PartyB: shortCode,
  PhoneNumber: phone,
  CallBackURL: httpsUrl,
  AccountReference: z.string({ error: required('text') }).min(1, { error: 'may not be empty' }).max(12, { error: 'may be at most 12 characters' }),
  TransactionDesc: z.string({ error: required('text') }).min(1, { error: 'may not be empty' }).max(13, { error: 'may be at most 13 characters' }),
});
export type StkPushRequest = z.infer<typeof stkPushRequestSchema>;

export const stkPushResponseSchema = z.looseObject({
  MerchantRequestID: darajaId,
  CheckoutRequestID: darajaId,
  ResponseCode: resultCode,
  ResponseDescription: z.string(),
  CustomerMessage: z.string().optional(),
});

/** Daraja's error body (`{requestId, errorCode: "500.001.1001", errorMessage}`), e.g. "still processing". */
export const darajaErrorResponseSchema = z.looseObject({
  requestId: z.string().optional(),
  errorCode: z.string(),
  errorMessage: z.string(),
});

const callbackItem = z.looseObject({
  Name: z.string({ error: required('an item name') }),
  /** Absent on some items (a `Balance` with no value). */
  Value: z.union([z.string(), z.number()]).optional(),
});

export const stkCallbackSchema = z.looseObject({
  Body: z.looseObject({
    stkCallback: z.looseObject({
      MerchantRequestID: darajaId,
      CheckoutRequestID: darajaId,
      ResultCode: resultCode,
      ResultDesc: z.string({ error: required('text') }).max(1_000),
      CallbackMetadata: z.looseObject({ Item: z.array(callbackItem) }).optional(),
    }),
  }),
});
export type StkCallback = z.output<typeof stkCallbackSchema>;

export interface StkCallbackItems {
  amount_cents?: number;
  mpesa_receipt?: string;
  /** `YYYYMMDDHHmmss`, as Daraja sends it (a number) turned into text. */
  transaction_date?: string;
  phone?: string;
}

/**
 * Reads the callback's metadata by item name, never by position (DESIGN §7). A present item
 * with a malformed value throws `invalid_input` naming it, so the callback is quarantined.
 */
export function callbackItems(callback: StkCallback, numberText?: (path: JsonPath) => string | undefined): StkCallbackItems {
  const items = callback.Body.stkCallback.CallbackMetadata?.Item ?? [];
  const byName = new Map(items.map((item) => [item.Name, item.Value]));
  const where = (name: string) => `Body.stkCallback.CallbackMetadata.Item.${name}`;
  const result: StkCallbackItems = {};
  const amount = byName.get('Amount');
  if (amount !== undefined) {
    // The Amount as written (a JSON number's digits), so 100.0000000000000001 is not 100.
    const index = items.map((item) => item.Name).lastIndexOf('Amount');
    const written = typeof amount === 'number' ? numberText?.(['Body', 'stkCallback', 'CallbackMetadata', 'Item', index, 'Value']) : undefined;
    result.amount_cents = parseMpesaAmount(written ?? amount, where('Amount'));
  }
  const receipt = byName.get('MpesaReceiptNumber');
  if (receipt !== undefined) result.mpesa_receipt = checked(mpesaReceipt, String(receipt), where('MpesaReceiptNumber'));
  const date = byName.get('TransactionDate');
  if (date !== undefined) result.transaction_date = checked(darajaTimestamp, String(date), where('TransactionDate'));
  const payer = byName.get('PhoneNumber');
  if (payer !== undefined) result.phone = String(payer);
  return result;
}

function checked(schema: z.ZodType<string>, value: string, field: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new PaymeError('invalid_input', `${field}: ${parsed.error.issues[0]?.message ?? 'is not valid'}`, field);
  }
  return parsed.data;
}

export const stkQueryRequestSchema = strictObject({
  BusinessShortCode: shortCode,
  Password: password,
  Timestamp: darajaTimestamp,
  CheckoutRequestID: darajaId,
});

export const stkQueryResponseSchema = z.looseObject({
  ResponseCode: resultCode,
  ResponseDescription: z.string(),
  MerchantRequestID: darajaId,
  CheckoutRequestID: darajaId,
  ResultCode: resultCode,
  ResultDesc: z.string(),
});

// ---- C2B ------------------------------------------------------------------------------------

export const c2bRegisterUrlRequestSchema = strictObject({
  ShortCode: shortCode,
  /** What M-Pesa does when the validation URL does not answer in time. */
  ResponseType: z.enum(['Completed', 'Cancelled'], { error: 'must be Completed or Cancelled' }),
  ConfirmationURL: httpsUrl,
  ValidationURL: httpsUrl,
});

/** Validation and confirmation bodies share this shape. */
export const c2bTransactionSchema = z.looseObject({
  TransactionType: z.string({ error: required('text') }),
  TransID: mpesaReceipt,
  TransTime: darajaTimestamp,
  /** Shillings as text ("10.00"). */
  TransAmount: z.union([z.string(), z.number()], { error: required('an amount') }),
  BusinessShortCode: z.union([shortCode, z.number().int().transform(String)]),
  BillRefNumber: z.string().optional(),
  InvoiceNumber: z.string().optional(),
  OrgAccountBalance: z.union([z.string(), z.number()]).optional(),
  ThirdPartyTransID: z.string().optional(),
  /** May arrive masked (2547****1234) or hashed: never matched on alone. */
  MSISDN: z.union([z.string(), z.number().transform(String)], { error: required('a phone number') }),
  FirstName: z.string().optional(),
  MiddleName: z.string().optional(),
  LastName: z.string().optional(),
}).superRefine((body, ctx) => {
  try {
    shillingsToCents(body.TransAmount, 'TransAmount');
  } catch {
    ctx.addIssue({ code: 'custom', path: ['TransAmount'], message: 'must be an amount of shillings like 10.00' });
  }
});
export type C2bTransaction = z.output<typeof c2bTransactionSchema>;

/**
 * The cents a C2B confirmation carries, if M-Pesa can carry them (see parseMpesaAmount);
 * `numberText` gives a JSON number's digits as written (json-number-text.ts).
 */
export function c2bAmountCents(body: C2bTransaction, numberText?: (path: JsonPath) => string | undefined): number {
  const written = typeof body.TransAmount === 'number' ? numberText?.(['TransAmount']) : undefined;
  return parseMpesaAmount(written ?? body.TransAmount, 'TransAmount');
}

/**
 * An amount M-Pesa can carry (DESIGN §3, issue 12): whole shillings from 1 to 250,000, as
 * Daraja writes them ("100", "100.00", or the number 100). A fraction of a shilling, an
 * exponent, a sign, a number past that range or anything else is refused: such a callback is a
 * forgery or a bug, kept for the owner as a refused raw record, never recorded as money.
 */
export function parseMpesaAmount(value: unknown, field: string, unit: 'shillings' | 'cents' = 'shillings'): number {
  const range = `whole shillings from 1 to ${mpesa_amount_shillings_max.toLocaleString('en-US')}`;
  const refuse = () =>
    new PaymeError(
      'invalid_amount',
      unit === 'cents' ? `${field}: M-Pesa amounts are ${range}, written as a whole number of cents (100 to ${(mpesa_amount_shillings_max * cents_per_shilling).toLocaleString('en-US')})` : `${field}: M-Pesa amounts are ${range}`,
      field,
    );
  // Cents are whole as written (no fraction, no exponent); shillings may carry ".0" or ".00".
  const written = unit === 'cents' ? /^(\d{1,9})$/ : /^(\d{1,6})(?:\.(0{1,2}))?$/;
  let amount: number;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw refuse();
    amount = value;
  } else if (typeof value === 'string') {
    const match = written.exec(value.trim());
    if (!match) throw refuse();
    amount = Number(match[1]);
  } else throw refuse();
  const cents = unit === 'cents' ? amount : amount * cents_per_shilling;
  if (cents % cents_per_shilling !== 0 || cents < mpesa_amount_shillings_min * cents_per_shilling || cents > mpesa_amount_shillings_max * cents_per_shilling) throw refuse();
  return cents;
}

/**
 * The `Amount` result parameter of a Transaction Status or Reversal result, in cents, judged by
 * parseMpesaAmount on its digits as written; undefined when the result carries none.
 */
export function resultAmountCents(result: DarajaResultCallback, numberText?: (path: JsonPath) => string | undefined): number | undefined {
  const list = result.Result.ResultParameters?.ResultParameter ?? [];
  const index = list.map((parameter) => parameter.Key).lastIndexOf('Amount');
  const value = list[index]?.Value;
  if (value === undefined) return undefined;
  // A single parameter arrives as an object, several as a list (keyValueList).
  const written = typeof value === 'number'
    ? (numberText?.(['Result', 'ResultParameters', 'ResultParameter', index, 'Value']) ?? numberText?.(['Result', 'ResultParameters', 'ResultParameter', 'Value']))
    : undefined;
  return parseMpesaAmount(written ?? value, 'Result.ResultParameters.ResultParameter.Amount');
}

/** Answer to a validation request: `0` accepts, `C2B000xx` rejects with Daraja's reason code. */
export const c2bValidationResponseSchema = strictObject({
  ResultCode: z.union([z.literal(0), z.string().regex(/^(0|C2B000\d\d)$/)], { error: 'must be 0 or a C2B000xx code' }),
  ResultDesc: z.string().min(1).max(100),
});

// ---- Transaction Status and Reversal ----------------------------------------------------------

const initiatorShape = {
  Initiator: z.string({ error: required('an initiator name') }).min(1).max(100),
  /** RSA-encrypted initiator password, base64 (a 4096-bit key gives 684 characters). */
  SecurityCredential: base64(1_024),
  TransactionID: mpesaReceipt,
  ResultURL: httpsUrl,
  QueueTimeOutURL: httpsUrl,
  Remarks: z.string({ error: required('text') }).min(1).max(100),
  Occasion: z.string().max(100).optional(),
};

/**
 * Daraja looks a transaction up by its receipt (`TransactionID`) or, when there is no receipt
 * (an STK payment whose callback never came), by the request's `OriginalConversationID`.
 */
export const transactionStatusRequestSchema = withRules(strictObject({
  ...initiatorShape,
  TransactionID: mpesaReceipt.optional(),
  OriginalConversationID: darajaId.optional(),
  CommandID: z.literal('TransactionStatusQuery'),
  PartyA: shortCode,
  /** 1 MSISDN, 2 till number, 4 organisation shortcode. */
  IdentifierType: z.enum(['1', '2', '4'], { error: 'must be 1, 2 or 4' }),
  OriginatorConversationID: z.string().max(100).optional(),
}), (request, ctx) => {
  if (request.TransactionID === undefined && request.OriginalConversationID === undefined) {
    ctx.addIssue({ code: 'custom', path: ['TransactionID'], message: 'is required (or OriginalConversationID)' });
  }
});

export const reversalRequestSchema = strictObject({
  ...initiatorShape,
  CommandID: z.literal('TransactionReversal'),
  Amount: mpesaShillings,
  ReceiverParty: shortCode,
  /** Daraja's own spelling. 11 = organisation (the reversal of a C2B payment). */
  RecieverIdentifierType: z.literal('11'),
});

/** Synchronous acknowledgement of Transaction Status and Reversal requests. */
export const darajaAcceptedResponseSchema = z.looseObject({
  OriginatorConversationID: z.string(),
  ConversationID: darajaId,
  ResponseCode: resultCode,
  ResponseDescription: z.string(),
});

const keyValue = z.looseObject({ Key: z.string(), Value: z.union([z.string(), z.number()]).optional() });
/** Daraja sends a single parameter as an object, several as a list: both become a list. */
const keyValueList = z.union([z.array(keyValue), keyValue.transform((one) => [one])]);

/**
 * Result callbacks carry 0 or a numeric code on most answers, but Daraja's own alphanumeric codes
 * on others (Reversal: `"R000001"` already reversed, `"R000002"` the OriginalTransactionID is
 * invalid; gateway codes such as `"SFC_IC0003"`): digits become a number, such a code stays text.
 */
const resultCallbackCode = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number), z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,29}$/)], {
  error: required('a result code (a number, or a code like R000002)'),
});
/** M-Pesa's transaction ids are letters and digits (`SKE0000000`, `LGR019G3J2`); failures may send none or an empty one. */
const resultTransactionId = z.string().max(40).regex(/^[A-Za-z0-9]*$/, { error: 'must be letters and digits' });

/** The result callback of Transaction Status and Reversal. */
export const darajaResultCallbackSchema = z.looseObject({
  Result: z.looseObject({
    ResultType: resultCode.optional(),
    ResultCode: resultCallbackCode,
    ResultDesc: z.string(),
    OriginatorConversationID: z.string(),
    ConversationID: darajaId,
    TransactionID: resultTransactionId.optional(),
    ResultParameters: z.looseObject({ ResultParameter: keyValueList }).optional(),
    ReferenceData: z.looseObject({ ReferenceItem: keyValueList.optional() }).optional(),
  }),
});
export type DarajaResultCallback = z.output<typeof darajaResultCallbackSchema>;
export const transactionStatusResultSchema = darajaResultCallbackSchema;
export const reversalResultSchema = darajaResultCallbackSchema;

/** The result parameters by Key (`ReceiptNo`, `Amount`, `DebitPartyName`, …). */
export function resultParameters(result: DarajaResultCallback): Record<string, string | number | undefined> {
  const list = result.Result.ResultParameters?.ResultParameter ?? [];
  return Object.fromEntries(list.map((parameter) => [parameter.Key, parameter.Value]));
}

/**
 * Shillings as Daraja writes them (`10`, `"10.00"`, `10.5`) to cents, by text so no float
 * arithmetic touches money. Throws `PaymeError('invalid_input')` naming the field otherwise.
 */
export function shillingsToCents(value: string | number, field: string): number {
  const text = String(value).trim();
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new PaymeError('invalid_input', `${field}: must be an amount of shillings like 10.00`, field);
  return Number(match[1]) * cents_per_shilling + Number((match[2] ?? '').padEnd(2, '0'));
}
