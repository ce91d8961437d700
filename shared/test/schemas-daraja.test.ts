import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { PaymeError } from '../src/errors.js';
import { parseInput } from '../src/schemas/errors.js';
import {
  c2bAmountCents,
  parseMpesaAmount,
  c2bRegisterUrlRequestSchema,
  c2bTransactionSchema,
  c2bValidationResponseSchema,
  callbackItems,
  darajaAcceptedResponseSchema,
  darajaErrorResponseSchema,
  darajaResultCallbackSchema,
  darajaTokenResponseSchema,
  resultParameters,
  reversalRequestSchema,
  shillingsToCents,
  stkCallbackSchema,
  stkPushRequestSchema,
  stkPushResponseSchema,
  stkQueryRequestSchema,
  stkQueryResponseSchema,
  transactionStatusRequestSchema,
} from '../src/schemas/daraja.js';
import { darajaSamples as samples, deleteField, keyPaths, leaves, mutateAt, dotted, refusalOf } from './schemas-fixtures.js';

function refusal(schema: z.ZodType, value: unknown): PaymeError {
  return refusalOf(() => parseInput(schema, value), value);
}

/** Requests PayMe builds: every field required, checked and named. */
const outbound: [string, z.ZodType, () => Record<string, unknown>, string[]][] = [
  ['STK push', stkPushRequestSchema, samples.stkPushRequest, []],
  ['STK query', stkQueryRequestSchema, samples.stkQueryRequest, []],
  ['C2B register URL', c2bRegisterUrlRequestSchema, samples.c2bRegisterUrl, []],
  ['Transaction Status', transactionStatusRequestSchema, samples.transactionStatusRequest, ['Occasion']],
  ['Reversal', reversalRequestSchema, samples.reversalRequest, []],
];

describe.each(outbound)('%s request', (_label, schema, sample, optional) => {
  it('accepts the sample and refuses unknown keys, naming them', () => {
    expect(schema.parse(sample())).toEqual(sample());
    expect(refusal(schema, { ...sample(), Extra: 1 }).field).toBe('Extra');
  });

  it('refuses each missing required field, naming it', () => {
    for (const path of keyPaths(sample())) {
      if (optional.includes(String(path[0]))) continue;
      expect(refusal(schema, mutateAt(sample(), path, deleteField)).field).toBe(dotted(path));
    }
  });

  it('refuses over-long or wrongly typed text and bad numbers, naming the field', () => {
    for (const { path, value } of leaves(sample())) {
      const bads = typeof value === 'number' ? [0, -1, 1.5, 250_001, '200'] : ['x'.repeat(1_100), 7];
      for (const bad of bads) expect(refusal(schema, mutateAt(sample(), path, bad)).field, `${dotted(path)}=${String(bad)}`).toBe(dotted(path));
    }
  });
});

describe('Transaction Status by OriginalConversationID', () => {
  const byConversation = () => {
    const { TransactionID: _receipt, ...rest } = samples.transactionStatusRequest();
    return { ...rest, OriginalConversationID: 'AG_20261126_00004e48cf7e3533f581' };
  };

  it('accepts the OriginalConversationID instead of a TransactionID, or both', () => {
    expect(transactionStatusRequestSchema.parse(byConversation())).toEqual(byConversation());
    const both = { ...byConversation(), TransactionID: 'NLJ7RT61SV' };
    expect(transactionStatusRequestSchema.parse(both)).toEqual(both);
  });

  it('refuses a request with neither, naming TransactionID, and a bad OriginalConversationID, naming it', () => {
    const { OriginalConversationID: _id, ...neither } = byConversation();
    expect(refusal(transactionStatusRequestSchema, neither).field).toBe('TransactionID');
    expect(refusal(transactionStatusRequestSchema, { ...byConversation(), OriginalConversationID: '' }).field).toBe('OriginalConversationID');
    expect(refusal(transactionStatusRequestSchema, { ...byConversation(), OriginalConversationID: 'x'.repeat(101) }).field).toBe('OriginalConversationID');
  });
});

describe('STK push specifics', () => {
  it('AccountReference is at most 12 characters and TransactionDesc 13', () => {
    expect(() => stkPushRequestSchema.parse({ ...samples.stkPushRequest(), AccountReference: 'A'.repeat(12), TransactionDesc: 'D'.repeat(13) })).not.toThrow();
    expect(refusal(stkPushRequestSchema, { ...samples.stkPushRequest(), AccountReference: 'A'.repeat(13) }).field).toBe('AccountReference');
    expect(refusal(stkPushRequestSchema, { ...samples.stkPushRequest(), TransactionDesc: 'D'.repeat(14) }).field).toBe('TransactionDesc');
  });

  it('refuses an impossible timestamp, a non-https callback, a non-Kenyan phone', () => {
    expect(refusal(stkPushRequestSchema, { ...samples.stkPushRequest(), Timestamp: '20261326093000' }).field).toBe('Timestamp');
    expect(refusal(stkPushRequestSchema, { ...samples.stkPushRequest(), CallBackURL: 'http://pay.example.co.ke/cb' }).field).toBe('CallBackURL');
    expect(refusal(stkPushRequestSchema, { ...samples.stkPushRequest(), PhoneNumber: '255712345678' }).field).toBe('PhoneNumber');
  });

  it('reads the response, the token and Daraja error bodies leniently', () => {
    expect(stkPushResponseSchema.parse({ ...samples.stkPushResponse(), Extra: 'kept' })).toMatchObject({ ResponseCode: 0, Extra: 'kept' });
    expect(darajaTokenResponseSchema.parse(samples.token()).expires_in).toBe(3599);
    expect(darajaTokenResponseSchema.parse({ ...samples.token(), expires_in: 3599 }).expires_in).toBe(3599);
    expect(darajaTokenResponseSchema.safeParse({ access_token: 'x' }).success).toBe(false);
    expect(darajaErrorResponseSchema.parse({ requestId: '1', errorCode: '500.001.1001', errorMessage: 'The transaction is being processed' }).errorCode).toBe('500.001.1001');
  });
});

describe('STK callback', () => {
  it('reads items by name, whatever their order, and a Balance without a value', () => {
    const callback = stkCallbackSchema.parse(samples.stkCallbackSuccess());
    expect(callbackItems(callback)).toEqual({ amount_cents: 20_000, mpesa_receipt: 'NLJ7RT61SV', transaction_date: '20261126093012', phone: '254712345678' });
    const reversed = samples.stkCallbackSuccess();
    reversed.Body.stkCallback.CallbackMetadata.Item.reverse();
    expect(callbackItems(stkCallbackSchema.parse(reversed))).toEqual(callbackItems(callback));
  });

  it('property: item order never changes what is read', () => {
    const items = samples.stkCallbackSuccess().Body.stkCallback.CallbackMetadata.Item;
    const expected = callbackItems(stkCallbackSchema.parse(samples.stkCallbackSuccess()));
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), (shuffled) => {
        const callback = mutateAt(samples.stkCallbackSuccess(), ['Body', 'stkCallback', 'CallbackMetadata', 'Item'], shuffled);
        expect(callbackItems(stkCallbackSchema.parse(callback))).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('a failure callback has no metadata and a result code as a number or digits', () => {
    const cancelled = stkCallbackSchema.parse(samples.stkCallbackCancelled());
    expect(cancelled.Body.stkCallback.ResultCode).toBe(1032);
    expect(callbackItems(cancelled)).toEqual({});
    const asText = mutateAt(samples.stkCallbackCancelled(), ['Body', 'stkCallback', 'ResultCode'], '1032');
    expect(stkCallbackSchema.parse(asText).Body.stkCallback.ResultCode).toBe(1032);
  });

  it('refuses what PayMe relies on when missing or malformed, naming it', () => {
    const path = ['Body', 'stkCallback'];
    expect(refusal(stkCallbackSchema, mutateAt(samples.stkCallbackSuccess(), [...path, 'CheckoutRequestID'], deleteField)).field).toBe('Body.stkCallback.CheckoutRequestID');
    expect(refusal(stkCallbackSchema, mutateAt(samples.stkCallbackSuccess(), [...path, 'ResultCode'], 'zero')).field).toBe('Body.stkCallback.ResultCode');
    expect(refusal(stkCallbackSchema, mutateAt(samples.stkCallbackSuccess(), [...path, 'CheckoutRequestID'], 'x'.repeat(101))).field).toBe('Body.stkCallback.CheckoutRequestID');
    expect(refusal(stkCallbackSchema, {}).field).toBe('Body');
  });

  it.each([
    ['Amount', -5],
    ['Amount', 10.555],
    ['Amount', 'lots'],
    ['MpesaReceiptNumber', 'nlj7rt61sv'],
    ['TransactionDate', 20261399093012],
  ])('a malformed %s item is refused by name', (name, value) => {
    const callback = samples.stkCallbackSuccess();
    const item = callback.Body.stkCallback.CallbackMetadata.Item.find((entry) => entry.Name === name)!;
    (item as { Value?: unknown }).Value = value;
    expect(() => callbackItems(stkCallbackSchema.parse(callback))).toThrow(expect.objectContaining({ field: `Body.stkCallback.CallbackMetadata.Item.${name}` }));
  });
});

describe('STK query and C2B', () => {
  it('reads the query answer with result codes as text', () => {
    expect(stkQueryResponseSchema.parse(samples.stkQueryResponse())).toMatchObject({ ResultCode: 0, ResponseCode: 0 });
    expect(stkQueryResponseSchema.safeParse({ ...samples.stkQueryResponse(), ResultCode: 'ok' }).success).toBe(false);
  });

  it('reads a confirmation, keeps extra keys, and turns the amount text into cents exactly', () => {
    const body = c2bTransactionSchema.parse({ ...samples.c2bConfirmation(), LastName: 'DOE', Extra: 1 });
    expect(c2bAmountCents(body)).toBe(50_000);
    expect(body).toMatchObject({ Extra: 1 });
    expect(c2bAmountCents(c2bTransactionSchema.parse({ ...samples.c2bConfirmation(), TransAmount: 10, BusinessShortCode: 600984, MSISDN: 254712345678 }))).toBe(1_000);
  });

  it('refuses as money what M-Pesa cannot carry: a fraction, under a shilling, over 250,000, an exponent (issue 12)', () => {
    for (const amount of ['10.50', 10.5, '0.50', '0', '250001', 250_001, '1e3', '+5', ' ', null]) {
      expect(() => parseMpesaAmount(amount, 'TransAmount'), String(amount)).toThrow(/whole shillings from 1 to 250,000/);
    }
    expect(parseMpesaAmount('250000', 'TransAmount')).toBe(25_000_000);
    expect(parseMpesaAmount('1.00', 'TransAmount')).toBe(100);
    expect(parseMpesaAmount(7, 'TransAmount')).toBe(700);
  });

  it.each([
    ['TransID', 'short'],
    ['TransID', deleteField],
    ['TransTime', '2026-11-26'],
    ['TransAmount', '-5.00'],
    ['TransAmount', '5.005'],
    ['TransAmount', deleteField],
    ['BusinessShortCode', 'abc'],
    ['MSISDN', deleteField],
  ])('refuses a confirmation with a bad %s, naming it', (field, bad) => {
    expect(refusal(c2bTransactionSchema, mutateAt(samples.c2bConfirmation(), [field], bad)).field).toBe(field);
  });

  it('validation answers: 0 accepts, C2B000xx rejects, anything else is refused', () => {
    expect(c2bValidationResponseSchema.parse({ ResultCode: 0, ResultDesc: 'Accepted' }).ResultCode).toBe(0);
    expect(c2bValidationResponseSchema.parse({ ResultCode: 'C2B00012', ResultDesc: 'Invalid Account Number' }).ResultCode).toBe('C2B00012');
    expect(refusal(c2bValidationResponseSchema, { ResultCode: 'no', ResultDesc: 'x' }).field).toBe('ResultCode');
  });
});

describe('Transaction Status and Reversal results', () => {
  it('reads result parameters by key, a single one given as an object too', () => {
    const result = darajaResultCallbackSchema.parse(samples.transactionStatusResult());
    expect(resultParameters(result)).toMatchObject({ ReceiptNo: 'NLJ7RT61SV', Amount: 200, ReasonType: undefined });
    const single = mutateAt(samples.transactionStatusResult(), ['Result', 'ResultParameters', 'ResultParameter'], { Key: 'ReceiptNo', Value: 'NLJ7RT61SV' });
    expect(resultParameters(darajaResultCallbackSchema.parse(single))).toEqual({ ReceiptNo: 'NLJ7RT61SV' });
    const none = mutateAt(samples.transactionStatusResult(), ['Result', 'ResultParameters'], deleteField);
    expect(resultParameters(darajaResultCallbackSchema.parse(none))).toEqual({});
  });

  it('refuses a result without its code or conversation id, naming it', () => {
    expect(refusal(darajaResultCallbackSchema, mutateAt(samples.transactionStatusResult(), ['Result', 'ResultCode'], deleteField)).field).toBe('Result.ResultCode');
    expect(refusal(darajaResultCallbackSchema, mutateAt(samples.transactionStatusResult(), ['Result', 'ConversationID'], '')).field).toBe('Result.ConversationID');
  });

  it("accepts Daraja's alphanumeric result codes as text, digit codes as numbers, and a failure without a TransactionID", () => {
    const failed = mutateAt(mutateAt(samples.transactionStatusResult(), ['Result', 'ResultCode'], 'R000002'), ['Result', 'ResultParameters'], deleteField);
    expect(darajaResultCallbackSchema.parse(failed).Result.ResultCode).toBe('R000002');
    expect(darajaResultCallbackSchema.parse(mutateAt(failed, ['Result', 'ResultCode'], 'SFC_IC0003')).Result.ResultCode).toBe('SFC_IC0003');
    expect(darajaResultCallbackSchema.parse(mutateAt(failed, ['Result', 'ResultCode'], '2001')).Result.ResultCode).toBe(2001);
    expect(darajaResultCallbackSchema.parse(mutateAt(failed, ['Result', 'TransactionID'], 'R000001')).Result.TransactionID).toBe('R000001');
    expect(darajaResultCallbackSchema.parse(mutateAt(failed, ['Result', 'TransactionID'], '')).Result.TransactionID).toBe('');
    expect(darajaResultCallbackSchema.parse(mutateAt(failed, ['Result', 'TransactionID'], deleteField)).Result.TransactionID).toBeUndefined();
  });

  it('still refuses result codes and transaction ids that are neither', () => {
    for (const bad of ['', 'R 0002', '0x1F', '-', 'R'.repeat(31), 1.5, true]) {
      expect(refusal(darajaResultCallbackSchema, mutateAt(samples.transactionStatusResult(), ['Result', 'ResultCode'], bad)).field, String(bad)).toBe('Result.ResultCode');
    }
    for (const bad of ['SKE-000000', 'x'.repeat(41), 7]) {
      expect(refusal(darajaResultCallbackSchema, mutateAt(samples.transactionStatusResult(), ['Result', 'TransactionID'], bad)).field, String(bad)).toBe('Result.TransactionID');
    }
  });

  it('reads the synchronous acknowledgement', () => {
    const ack = { OriginatorConversationID: '10571-7910404-1', ConversationID: 'AG_20261126_1', ResponseCode: '0', ResponseDescription: 'Accept the service request successfully.' };
    expect(darajaAcceptedResponseSchema.parse(ack).ResponseCode).toBe(0);
  });
});

describe('shillingsToCents', () => {
  it('property: formatting cents as shillings text and reading it back is exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 25_000_000 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        expect(shillingsToCents(text, 'Amount')).toBe(cents);
      }),
    );
  });

  it('refuses three decimals, signs and words, naming the field', () => {
    for (const bad of ['1.005', '-1', '1e3', 'ten', '']) {
      expect(() => shillingsToCents(bad, 'TransAmount')).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'TransAmount' }));
    }
  });
});
