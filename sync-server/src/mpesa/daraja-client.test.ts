import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, isPaymeError, type PaymeError } from '@payme/shared';
import { DarajaClient, type DarajaClientConfig, type Fetch } from './daraja-client.js';
import { startSimHarness, type SimHarness } from './simulator/sim-harness.js';

const store_number = '174379';
const till_number = '600100';
const passkey = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
const phone_paying = '254708374149';

let harness: SimHarness;
let clock: ManualClock;
let sleeps: number[];

function client(overrides: Partial<DarajaClientConfig> = {}, fetchImpl: Fetch = (url, init) => fetch(url, init)): DarajaClient {
  return new DarajaClient(
    { base_url: harness.base_url, consumer_key: 'key', consumer_secret: 'secret', backoff_base_ms: 100, backoff_cap_ms: 300, ...overrides },
    {
      fetch: fetchImpl,
      clock,
      random: new SeededRandom(7),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  );
}

function stkInput(phone = phone_paying, amount = 120) {
  return {
    kind: 'till' as const,
    business_shortcode: store_number,
    till_number,
    passkey,
    amount_shillings: amount,
    phone,
    callback_url: `${harness.callback_base}/stk`,
    account_reference: 'Sale 0042',
    description: 'Duka sale',
  };
}

async function caught(promise: Promise<unknown>): Promise<PaymeError> {
  try {
    await promise;
  } catch (error) {
    if (isPaymeError(error)) return error;
    throw error;
  }
  throw new Error('expected a PaymeError');
}

function requestsOf(operation: string) {
  return harness.simulator.context.inbound.filter((request) => request.operation === operation);
}

type StkBody = { Body: { stkCallback: { CheckoutRequestID: string; ResultCode: number; CallbackMetadata?: { Item: Array<{ Name: string; Value?: unknown }> } } } };

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 2, 14, 9, 30, 0));
  sleeps = [];
  harness = await startSimHarness({ clock, random: new SeededRandom(11), passkeys: { [store_number]: passkey, '600000': passkey }, delays: { callback_ms: 20, late_ms: 150 } });
});

afterEach(async () => {
  await harness.close();
});

describe('OAuth token', () => {
  it('is fetched once, shared by concurrent callers, and fetched again after it expires', async () => {
    const daraja = client();
    const [a, b, c] = await Promise.all([daraja.accessToken(), daraja.accessToken(), daraja.accessToken()]);
    expect(new Set([a, b, c]).size).toBe(1);
    await daraja.accessToken();
    expect(requestsOf('oauth')).toHaveLength(1);
    // 3599 s lifetime, refreshed a minute early: at +58 min still cached, at +59 min renewed.
    clock.advance(58 * 60_000);
    expect(await daraja.accessToken()).toBe(a);
    clock.advance(60_000);
    const renewed = await daraja.accessToken();
    expect(renewed).not.toBe(a);
    expect(requestsOf('oauth')).toHaveLength(2);
  });

  it('refused consumer credentials are daraja_auth_failed, without retries', async () => {
    await harness.close();
    harness = await startSimHarness({ clock, consumers: { key: 'right' } });
    const error = await caught(client({ consumer_secret: 'wrong' }).accessToken());
    expect(error.code).toBe('daraja_auth_failed');
    expect(error.details.daraja_error_code).toBe('400.008.01');
    expect(requestsOf('oauth')).toHaveLength(1);
    expect(error.message).not.toContain('wrong');
  });

  it('a token Daraja forgot is replaced once and the call succeeds', async () => {
    const daraja = client();
    await daraja.accessToken();
    harness.simulator.context.tokens.clear();
    const response = await daraja.stkPush(stkInput());
    expect(response.ResponseCode).toBe(0);
    expect(requestsOf('oauth')).toHaveLength(2);
  });
});

describe('STK Push and its callbacks', () => {
  it('sends Buy Goods with the store number as BusinessShortCode and the till as PartyB, and the paid callback arrives by name', async () => {
    const response = await client().stkPush(stkInput());
    const sent = requestsOf('stk_push')[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ BusinessShortCode: store_number, PartyB: till_number, TransactionType: 'CustomerBuyGoodsOnline', Amount: 120, PartyA: phone_paying });
    expect(sent.Timestamp).toBe('20260314123000');
    expect(Buffer.from(String(sent.Password), 'base64').toString()).toBe(`${store_number}${passkey}20260314123000`);
    await harness.simulator.idle();
    const callbacks = harness.received.filter((item) => item.path === '/stk');
    expect(callbacks).toHaveLength(1);
    const stk = (callbacks[0]?.body as StkBody).Body.stkCallback;
    expect(stk.CheckoutRequestID).toBe(response.CheckoutRequestID);
    expect(stk.ResultCode).toBe(0);
    const items = new Map(stk.CallbackMetadata?.Item.map((item) => [item.Name, item]));
    expect(items.get('Amount')?.Value).toBe(120);
    expect(String(items.get('MpesaReceiptNumber')?.Value)).toMatch(/^[A-Z]{3}[A-Z0-9]{7}$/);
    expect(items.get('Balance')).toEqual({ Name: 'Balance' });
    expect(items.get('PhoneNumber')?.Value).toBe(Number(phone_paying));
  });

  it('sends a paybill payment with the paybill as both BusinessShortCode and PartyB', async () => {
    await client().stkPush({ ...stkInput(), kind: 'paybill', business_shortcode: '600000', till_number: undefined });
    expect(requestsOf('stk_push')[0]?.body).toMatchObject({ BusinessShortCode: '600000', PartyB: '600000', TransactionType: 'CustomerPayBillOnline' });
  });

  it('a wrong passkey is refused by the simulator as Daraja does, as daraja_rejected', async () => {
    const error = await caught(client().stkPush({ ...stkInput(), passkey: 'not-the-passkey' }));
    expect(error.code).toBe('daraja_rejected');
    expect(error.details).toMatchObject({ http_status: 400, daraja_error_code: '400.002.02', daraja_error_message: 'Bad Request - Invalid Password' });
  });

  it.each([
    ['254708371032', 1032],
    ['254708371037', 1037],
    ['254708372001', 2001],
    ['254708370001', 1],
  ])('phone %s ends with result code %i: the callback has no metadata and the query agrees', async (phone, code) => {
    const daraja = client();
    const response = await daraja.stkPush(stkInput(phone));
    await harness.simulator.idle();
    const stk = (harness.received[0]?.body as StkBody).Body.stkCallback;
    expect(stk.ResultCode).toBe(code);
    expect(stk.CallbackMetadata).toBeUndefined();
    const query = await daraja.stkQuery({ business_shortcode: store_number, passkey, checkout_request_id: response.CheckoutRequestID });
    expect(query.status === 'final' && query.response.ResultCode).toBe(code);
  });

  it('a query before the customer answers says processing, after says paid', async () => {
    const daraja = client();
    await harness.simulator.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ fault: { delay_ms: 200 } }] } });
    const response = await daraja.stkPush(stkInput());
    const early = await daraja.stkQuery({ business_shortcode: store_number, passkey, checkout_request_id: response.CheckoutRequestID });
    expect(early.status).toBe('processing');
    await harness.simulator.idle();
    const late = await daraja.stkQuery({ business_shortcode: store_number, passkey, checkout_request_id: response.CheckoutRequestID });
    expect(late).toMatchObject({ status: 'final', response: { ResultCode: 0, CheckoutRequestID: response.CheckoutRequestID } });
    expect(sleeps).toEqual([]);
  });

  it('a query for a CheckoutRequestID nobody issued is daraja_rejected', async () => {
    const error = await caught(client().stkQuery({ business_shortcode: store_number, passkey, checkout_request_id: 'ws_CO_nothing' }));
    expect(error.code).toBe('daraja_rejected');
    expect(error.details.daraja_error_message).toContain('CheckoutRequestID');
  });
});

describe('retries and typed errors', () => {
  it('retries HTTP 500 and spike arrest with growing, capped, jittered backoff, then succeeds', async () => {
    await harness.simulator.app.inject({
      method: 'POST',
      url: '/__sim/faults',
      payload: { rules: [{ match: { operation: 'stk_push' }, times: 3, fault: { http_status: 500 } }] },
    });
    const response = await client().stkPush(stkInput());
    expect(response.ResponseCode).toBe(0);
    expect(requestsOf('stk_push').map((request) => request.status)).toEqual([500, 500, 500, 200]);
    expect(sleeps).toHaveLength(3);
    // attempt 1: 50..100, attempt 2: 100..200, attempt 3: capped at 300 → 150..300
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(sleeps[1]).toBeLessThanOrEqual(200);
    expect(sleeps[2]).toBeGreaterThanOrEqual(150);
    expect(sleeps[2]).toBeLessThanOrEqual(300);
  });

  it('spike arrest that never stops ends as daraja_unavailable after the retry budget', async () => {
    await harness.simulator.app.inject({ method: 'POST', url: '/__sim/faults', payload: { rules: [{ match: { operation: 'stk_query' }, times: 0, fault: { http_status: 429 } }] } });
    const error = await caught(client({ retries_max: 2 }).stkQuery({ business_shortcode: store_number, passkey, checkout_request_id: 'ws_CO_x' }));
    expect(error.code).toBe('daraja_unavailable');
    expect(error.details).toMatchObject({ http_status: 429, attempts: 3, reason: 'spike arrest', daraja_error_code: 'policies.ratelimit.SpikeArrestViolation' });
    expect(sleeps).toHaveLength(2);
  });

  it('a refused connection is retried and ends as daraja_unavailable naming the network error', async () => {
    const closed = await startSimHarness();
    const deadUrl = closed.base_url;
    await closed.close();
    const daraja = client({ base_url: deadUrl, retries_max: 1 });
    const error = await caught(daraja.accessToken());
    expect(error.code).toBe('daraja_unavailable');
    expect(error.details).toMatchObject({ attempts: 2, reason: 'ECONNREFUSED' });
  });

  it('an STK Push that timed out after being sent is not sent again (no second prompt); a query is', async () => {
    const slowFetch: Fetch = async (url, init) => {
      if (url.includes('/stkpush') || url.includes('/stkpushquery')) {
        await new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      }
      return fetch(url, init);
    };
    const daraja = client({ timeout_ms: 40, retries_max: 2 }, slowFetch);
    const push = await caught(daraja.stkPush(stkInput()));
    expect(push.code).toBe('daraja_unavailable');
    expect(push.details).toMatchObject({ attempts: 1, reason: 'timed out after 40 ms' });
    const query = await caught(daraja.stkQuery({ business_shortcode: store_number, passkey, checkout_request_id: 'ws_CO_x' }));
    expect(query.details).toMatchObject({ attempts: 3 });
  });

  it('an answer that is not Daraja JSON is daraja_bad_response', async () => {
    const garbage: Fetch = async () => new Response('<html>proxy error</html>', { status: 200 });
    const error = await caught(client({}, garbage).accessToken());
    expect(error.code).toBe('daraja_bad_response');
  });
});

describe('C2B, Transaction Status and Reversal', () => {
  it('registers URLs; a simulated payment is validated, then confirmed with a masked phone', async () => {
    const daraja = client();
    await daraja.registerC2bUrls({ shortcode: till_number, response_type: 'Completed', confirmation_url: `${harness.callback_base}/c2b/confirmation`, validation_url: `${harness.callback_base}/c2b/validation` });
    const simulated = await harness.simulator.app.inject({
      method: 'POST',
      url: '/mpesa/c2b/v1/simulate',
      headers: { authorization: `Bearer ${await daraja.accessToken()}` },
      payload: { ShortCode: till_number, CommandID: 'CustomerBuyGoodsOnline', Amount: 350, Msisdn: phone_paying, BillRefNumber: '' },
    });
    expect(simulated.json()).toMatchObject({ ResponseCode: '0' });
    await harness.simulator.idle();
    expect(harness.received.map((item) => item.path)).toEqual(['/c2b/validation', '/c2b/confirmation']);
    const confirmation = harness.received[1]?.body as Record<string, string>;
    expect(confirmation).toMatchObject({ TransactionType: 'Buy Goods', TransAmount: '350.00', BusinessShortCode: till_number, MSISDN: '2547*****149' });
    expect(confirmation.TransID).toMatch(/^[A-Z]{3}[A-Z0-9]{7}$/);
  });

  it('a validation refusal stops the confirmation', async () => {
    const daraja = client();
    harness.validation_answer = { ResultCode: 'C2B00012', ResultDesc: 'Rejected' };
    await daraja.registerC2bUrls({ shortcode: till_number, response_type: 'Completed', confirmation_url: `${harness.callback_base}/c2b/confirmation`, validation_url: `${harness.callback_base}/c2b/validation` });
    await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: { authorization: `Bearer ${await daraja.accessToken()}` }, payload: { ShortCode: till_number, CommandID: 'CustomerBuyGoodsOnline', Amount: 10, Msisdn: phone_paying } });
    await harness.simulator.idle();
    expect(harness.received.map((item) => item.path)).toEqual(['/c2b/validation']);
  });

  it('finds the receipt of an STK payment whose callback was lost, by its CheckoutRequestID', async () => {
    const daraja = client();
    const push = await daraja.stkPush(stkInput('254708370404'));
    await harness.simulator.idle();
    expect(harness.received).toHaveLength(0);
    const ack = await daraja.transactionStatus({
      initiator: 'testapi',
      security_credential: 'c2VjcmV0',
      original_conversation_id: push.CheckoutRequestID,
      party_a: store_number,
      identifier_type: '4',
      result_url: `${harness.callback_base}/result`,
      timeout_url: `${harness.callback_base}/timeout`,
      remarks: 'reconcile',
    });
    expect(ack.ResponseCode).toBe(0);
    await harness.simulator.idle();
    const result = (harness.received[0]?.body as { Result: { ResultCode: number; ResultParameters: { ResultParameter: Array<{ Key: string; Value: unknown }> } } }).Result;
    expect(harness.received[0]?.path).toBe('/result');
    expect(result.ResultCode).toBe(0);
    const receipt = result.ResultParameters.ResultParameter.find((p) => p.Key === 'ReceiptNo')?.Value;
    expect(receipt).toBe(harness.simulator.context.stk.get(push.CheckoutRequestID)?.receipt);
  });

  it('reverses a whole payment once; a second reversal is refused in the result', async () => {
    const daraja = client();
    const push = await daraja.stkPush(stkInput(phone_paying, 500));
    await harness.simulator.idle();
    const receipt = harness.simulator.context.stk.get(push.CheckoutRequestID)?.receipt as string;
    const reversal = {
      initiator: 'testapi',
      security_credential: 'c2VjcmV0',
      transaction_id: receipt,
      amount_shillings: 500,
      receiver_party: till_number,
      receiver_identifier_type: '11' as const,
      result_url: `${harness.callback_base}/result`,
      timeout_url: `${harness.callback_base}/timeout`,
      remarks: 'refund',
    };
    await daraja.reversal(reversal);
    await daraja.reversal(reversal);
    await harness.simulator.idle();
    const codes = harness.received.filter((item) => item.path === '/result').map((item) => (item.body as { Result: { ResultCode: unknown } }).Result.ResultCode);
    expect(codes).toEqual([0, 'R000001']);
  });
});
