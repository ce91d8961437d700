import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@payme/shared';
import { DarajaClient } from '../daraja-client.js';
import { startSimHarness, type SimHarness } from './sim-harness.js';

const store_number = '174379';
let harness: SimHarness;
let daraja: DarajaClient;

type StkBody = { Body: { stkCallback: { CheckoutRequestID: string; ResultCode: number; CallbackMetadata?: { Item: Array<{ Name: string; Value?: unknown }> } } } };

function stkCallbacks() {
  return harness.received.filter((item) => item.path === '/stk').map((item) => (item.body as StkBody).Body.stkCallback);
}

function amountOf(callback: StkBody['Body']['stkCallback']): unknown {
  return callback.CallbackMetadata?.Item.find((item) => item.Name === 'Amount')?.Value;
}

async function push(phone = '254708374149', amount = 100) {
  return daraja.stkPush({
    kind: 'paybill',
    business_shortcode: store_number,
    passkey: 'pk',
    amount_shillings: amount,
    phone,
    callback_url: `${harness.callback_base}/stk`,
    account_reference: 'A1',
    description: 'sale',
  });
}

async function faults(payload: unknown) {
  const response = await harness.simulator.app.inject({ method: 'POST', url: '/__sim/faults', payload: payload as object });
  return response;
}

async function query(id: string) {
  return daraja.stkQuery({ business_shortcode: store_number, passkey: 'pk', checkout_request_id: id });
}

beforeEach(async () => {
  const clock = new ManualClock();
  harness = await startSimHarness({ clock, random: new SeededRandom(3), delays: { callback_ms: 10, late_ms: 120, duplicate_spacing_ms: 2 } });
  daraja = new DarajaClient({ base_url: harness.base_url, consumer_key: 'k', consumer_secret: 's', retries_max: 0 }, { fetch: (url, init) => fetch(url, init), clock, random: new SeededRandom(1) });
});

afterEach(async () => {
  await harness.close();
});

describe('Daraja simulator faults', () => {
  it('duplicate: the same callback arrives 1 + duplicates times, concurrently when asked', async () => {
    await faults({ rules: [{ fault: { duplicates: 4, concurrent: true } }] });
    const response = await push();
    await harness.simulator.idle();
    const callbacks = stkCallbacks();
    expect(callbacks).toHaveLength(5);
    expect(new Set(callbacks.map((callback) => JSON.stringify(callback))).size).toBe(1);
    expect(callbacks[0]?.CheckoutRequestID).toBe(response.CheckoutRequestID);
  });

  it('lost: no callback, but the query knows the payment succeeded', async () => {
    await faults({ rules: [{ fault: { callback: 'lost' } }] });
    const response = await push();
    await harness.simulator.idle();
    expect(stkCallbacks()).toHaveLength(0);
    expect(await query(response.CheckoutRequestID)).toMatchObject({ status: 'final', response: { ResultCode: 0 } });
  });

  it('late: the callback comes after late_ms, while the query already answers', async () => {
    await faults({ rules: [{ fault: { callback: 'late' } }] });
    const response = await push();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stkCallbacks()).toHaveLength(0);
    expect((await query(response.CheckoutRequestID)).status).toBe('final');
    await harness.simulator.idle();
    expect(stkCallbacks()).toHaveLength(1);
  });

  it('reordered: a held callback arrives after the next request’s callback', async () => {
    await faults({ rules: [{ fault: { reorder: true } }] });
    const first = await push();
    await faults({ rules: [{ fault: { delay_ms: 30 } }] });
    const second = await push('254708374150');
    await harness.simulator.idle();
    expect(stkCallbacks().map((callback) => callback.CheckoutRequestID)).toEqual([second.CheckoutRequestID, first.CheckoutRequestID]);
  });

  it('spoofed wrong amount: the callback claims another amount than was requested', async () => {
    await faults({ rules: [{ fault: { spoof: 'wrong_amount' } }] });
    await push('254708374149', 250);
    await harness.simulator.idle();
    const [callback] = stkCallbacks();
    expect(callback?.ResultCode).toBe(0);
    expect(amountOf(callback as never)).not.toBe(250);
  });

  it('spoofed unknown CheckoutRequestID: a success for a request nobody made arrives beside the real one', async () => {
    await faults({ rules: [{ fault: { spoof: 'unknown_checkout' } }] });
    const response = await push();
    await harness.simulator.idle();
    const ids = stkCallbacks().map((callback) => callback.CheckoutRequestID);
    expect(ids).toHaveLength(2);
    expect(ids).toContain(response.CheckoutRequestID);
    const forged = ids.find((id) => id !== response.CheckoutRequestID) as string;
    expect(harness.simulator.context.stk.has(forged)).toBe(false);
  });

  it('fake success: the callback says paid, the query tells the truth (cancelled)', async () => {
    await faults({ rules: [{ fault: { spoof: 'fake_success' } }] });
    const response = await push();
    await harness.simulator.idle();
    expect(stkCallbacks()[0]?.ResultCode).toBe(0);
    expect(await query(response.CheckoutRequestID)).toMatchObject({ status: 'final', response: { ResultCode: 1032 } });
  });

  it('rates draw faults from the injected Random: the same seed gives the same faults', async () => {
    async function run(): Promise<number[]> {
      await harness.close();
      harness = await startSimHarness({ random: new SeededRandom(99), rates: { lost: 0.3, duplicate: 0.3 }, delays: { callback_ms: 1, duplicate_spacing_ms: 0 } });
      daraja = new DarajaClient({ base_url: harness.base_url, consumer_key: 'k', consumer_secret: 's' }, { fetch: (url, init) => fetch(url, init), clock: new ManualClock(), random: new SeededRandom(1) });
      const ids: string[] = [];
      for (let i = 0; i < 12; i += 1) ids.push((await push(`2547083741${String(i).padStart(2, '0')}`)).CheckoutRequestID);
      await harness.simulator.idle();
      return ids.map((id) => stkCallbacks().filter((callback) => callback.CheckoutRequestID === id).length);
    }
    const first = await run();
    const second = await run();
    expect(first).toEqual(second);
    expect(first).toContain(0);
    expect(first).toContain(2);
  });

  it('the control API refuses an unknown fault and lists inbound requests and callbacks', async () => {
    const refused = await faults({ rules: [{ fault: { http_status: 418 } }] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'invalid_input', field: 'rules.0.fault.http_status' });
    await push();
    await harness.simulator.app.inject({ method: 'POST', url: '/__sim/idle' });
    const log = (await harness.simulator.app.inject({ method: 'GET', url: '/__sim/requests' })).json() as { requests: Array<{ operation: string; status: number }>; callbacks: Array<{ status: number }> };
    expect(log.requests.map((request) => request.operation)).toEqual(['oauth', 'stk_push']);
    expect(log.callbacks).toHaveLength(1);
    expect(log.callbacks[0]?.status).toBe(200);
    const cleared = await harness.simulator.app.inject({ method: 'DELETE', url: '/__sim/faults' });
    expect(cleared.json()).toEqual({ rules: [] });
  });

  it('answers unreadable JSON and a missing field the way Daraja’s gateway does', async () => {
    const token = await daraja.accessToken();
    const broken = await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/stkpush/v1/processrequest', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{nope' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ errorCode: '400.002.02' });
    const missing = await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/stkpush/v1/processrequest', headers: { authorization: `Bearer ${token}` }, payload: { BusinessShortCode: store_number } });
    expect(missing.json()).toMatchObject({ errorCode: '400.002.02', errorMessage: 'Bad Request - Invalid Password' });
    const noToken = await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/stkpushquery/v1/query', payload: {} });
    expect(noToken.json()).toMatchObject({ errorCode: '404.001.03' });
  });

  it('C2B, Transaction Status and Reversal refuse what Daraja refuses', async () => {
    const token = await daraja.accessToken();
    const auth = { authorization: `Bearer ${token}` };
    const unregistered = await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: auth, payload: { ShortCode: '600999', CommandID: 'CustomerPayBillOnline', Amount: 5, Msisdn: '254708374149', BillRefNumber: 'INV1' } });
    expect(unregistered.json()).toMatchObject({ errorMessage: 'Urls are not registered' });
    const badAmount = await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: auth, payload: { ShortCode: '600999', CommandID: 'CustomerPayBillOnline', Amount: 0.5, Msisdn: '254708374149' } });
    expect(badAmount.json()).toMatchObject({ errorMessage: 'Bad Request - Invalid Amount' });
    const initiator = { Initiator: 'api', SecurityCredential: 'Y3JlZA==', PartyA: store_number, IdentifierType: '4', ResultURL: `${harness.callback_base}/result`, QueueTimeOutURL: `${harness.callback_base}/timeout`, Remarks: 'r' };
    await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/transactionstatus/v1/query', headers: auth, payload: { ...initiator, CommandID: 'TransactionStatusQuery', TransactionID: 'NOPE000000' } });
    await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/transactionstatus/v1/query', headers: auth, payload: { ...initiator, CommandID: 'TransactionStatusQuery' } });
    await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/reversal/v1/request', headers: auth, payload: { ...initiator, CommandID: 'TransactionReversal', TransactionID: 'NOPE000000', Amount: 5, ReceiverParty: store_number, RecieverIdentifierType: '11' } });
    await harness.simulator.idle();
    const codes = harness.received.map((item) => (item.body as { Result: { ResultCode: unknown } }).Result.ResultCode);
    expect(codes).toEqual(['R000002', 'R000002', 'R000002']);
  });

  it('a validation URL that gives no clear answer falls back to the registered response type', async () => {
    const token = await daraja.accessToken();
    const auth = { authorization: `Bearer ${token}` };
    const silent = `${harness.base_url}/__sim/requests`;
    for (const responseType of ['Completed', 'Cancelled'] as const) {
      const shortcode = responseType === 'Completed' ? '600201' : '600202';
      await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/registerurl', headers: auth, payload: { ShortCode: shortcode, ResponseType: responseType, ConfirmationURL: `${harness.callback_base}/c2b/confirmation`, ValidationURL: silent.replace('/__sim/requests', '/__sim/nowhere') } });
      await harness.simulator.app.inject({ method: 'POST', url: '/mpesa/c2b/v1/simulate', headers: auth, payload: { ShortCode: shortcode, CommandID: 'CustomerBuyGoodsOnline', Amount: 7, Msisdn: '254708374149' } });
      await harness.simulator.idle();
    }
    const confirmations = harness.received.filter((item) => item.path === '/c2b/confirmation').map((item) => (item.body as { BusinessShortCode: string }).BusinessShortCode);
    expect(confirmations).toEqual(['600201']);
  });
});
