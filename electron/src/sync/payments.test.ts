import { PaymeError, type PaymentRecord } from '@payme/shared';
import { describe, expect, it } from 'vitest';
import { createMpesaPayments, paymentErrorFrom, tillView, type PaymentsLedgerPort } from './payments.js';

const token = 'dt_'.padEnd(40, 'z');
const ids = {
  payment: '01930000-0000-7000-8000-0000000b0001',
  other: '01930000-0000-7000-8000-0000000b0002',
  sale: '01930000-0000-7000-8000-0000000b0003',
};
const request = { command_id: '01930000-0000-7000-8000-0000000b0009', payment_id: ids.payment, sale_id: ids.sale, phone: '254712345678', amount: 25_000 };

/**
 * The server's STK contract as the till sees it (sync-server/src/mpesa/stk-request.ts): device
 * token required, Idempotency-Key = payment id, the same key and body replay the payment, the
 * same key with another body is 409. The real route is exercised in e2e/tests/till-mpesa.
 */
function fakeServer() {
  const payments = new Map<string, { body: string; record: PaymentRecord }>();
  const seen: { method: string; url: string; headers: Record<string, string> }[] = [];
  let offline = false;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchLike = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = init?.headers as Record<string, string>;
    seen.push({ method: init?.method ?? 'GET', url: String(url), headers });
    if (offline) throw new TypeError('fetch failed');
    if (headers['authorization'] !== `Bearer ${token}`) return json(401, { code: 'unauthorized', message: 'no device token' });
    const path = new URL(String(url)).pathname;
    if (init?.method === 'POST' && path === '/v1/payments/mpesa/stk') {
      const body = String(init.body);
      const input = JSON.parse(body) as { payment_id: string; amount: number; phone: string; sale_id: string };
      if (headers['idempotency-key'] !== input.payment_id) return json(400, { code: 'idempotency_key_mismatch', message: 'key', field: 'Idempotency-Key' });
      const existing = payments.get(input.payment_id);
      if (existing !== undefined) {
        return existing.body === body ? json(200, existing.record) : json(409, { code: 'idempotency_key_reused', message: 'used', field: 'Idempotency-Key' });
      }
      const record: PaymentRecord = { payment_id: input.payment_id, state: 'requested', amount: input.amount, phone: input.phone, sale_id: input.sale_id, updated_at: '2026-11-26T10:00:00.000Z' };
      payments.set(input.payment_id, { body, record });
      return json(201, record);
    }
    const match = /^\/v1\/payments\/([^/]+)$/.exec(path);
    if (init?.method === 'GET' && match !== null) {
      const found = payments.get(match[1] ?? '');
      return found === undefined ? json(404, { code: 'not_found', message: 'Payment not found', field: 'id' }) : json(200, found.record);
    }
    return json(404, { code: 'not_found', message: 'no route' });
  };
  return {
    fetch: fetchLike as typeof fetch,
    seen,
    payments,
    setOffline: (value: boolean) => {
      offline = value;
    },
  };
}

function ledgerWith(records: PaymentRecord[]): PaymentsLedgerPort {
  return {
    getPayment: ({ payment_id }) => {
      const found = records.find((record) => record.payment_id === payment_id);
      if (found === undefined) throw new PaymeError('not_found', 'payment_id: not heard of', 'payment_id');
      return found;
    },
  };
}

describe('M-Pesa payments provider', () => {
  it('asks the server with the device token and Idempotency-Key = payment id; a retry replays the same payment', async () => {
    const server = fakeServer();
    const payments = createMpesaPayments({ baseUrl: 'http://server.test/', deviceToken: () => token, ledger: ledgerWith([]), fetch: server.fetch });
    const first = await payments.requestMpesaPayment('staff', request);
    expect(first).toMatchObject({ payment_id: ids.payment, state: 'requested', amount: 25_000, phone: '254712345678' });
    expect(server.seen[0]).toMatchObject({ method: 'POST', url: 'http://server.test/v1/payments/mpesa/stk', headers: { 'idempotency-key': ids.payment } });
    const again = await payments.requestMpesaPayment('staff', request);
    expect(again).toEqual(first);
    expect(server.payments.size).toBe(1);
  });

  it('passes a refusal on in the shared error shape, naming the field', async () => {
    const server = fakeServer();
    const payments = createMpesaPayments({ baseUrl: 'http://server.test', deviceToken: () => token, ledger: ledgerWith([]), fetch: server.fetch });
    await payments.requestMpesaPayment('staff', request);
    const reused = await payments.requestMpesaPayment('staff', { ...request, amount: 30_000 }).catch((error: unknown) => error);
    expect(reused).toBeInstanceOf(PaymeError);
    expect((reused as PaymeError).toBody()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
  });

  it('offline, a server outage or an unset M-Pesa account is mpesa_unavailable, so the screen offers the claim', async () => {
    const server = fakeServer();
    server.setOffline(true);
    const payments = createMpesaPayments({ baseUrl: 'http://server.test', deviceToken: () => token, ledger: ledgerWith([]), fetch: server.fetch });
    await expect(payments.requestMpesaPayment('staff', request)).rejects.toMatchObject({ code: 'mpesa_unavailable' });
    expect(paymentErrorFrom(503, { code: 'internal', message: 'down' }).code).toBe('mpesa_unavailable');
    expect(paymentErrorFrom(409, { code: 'mpesa_not_configured', message: 'not set up' }).code).toBe('mpesa_unavailable');
    expect(paymentErrorFrom(400, 'not an error body').code).toBe('mpesa_unavailable');
    expect(paymentErrorFrom(429, { code: 'rate_limited', message: 'slow down' }).code).toBe('rate_limited');
    const unenrolled = createMpesaPayments({ baseUrl: 'http://server.test', deviceToken: () => null, ledger: ledgerWith([]), fetch: server.fetch });
    await expect(unenrolled.requestMpesaPayment('staff', request)).rejects.toMatchObject({ code: 'mpesa_unavailable' });
  });

  it('reads a payment from the server when online and from the ledger (or the last answer) offline', async () => {
    const server = fakeServer();
    const synced: PaymentRecord = { payment_id: ids.payment, state: 'succeeded', amount: 25_000, mpesa_receipt: 'NLJ7RT61SV', result_code: 0, updated_at: '2026-11-26T10:00:30.000Z' };
    const payments = createMpesaPayments({ baseUrl: 'http://server.test', deviceToken: () => token, ledger: ledgerWith([synced]), fetch: server.fetch });
    await payments.requestMpesaPayment('staff', request);
    server.payments.get(ids.payment)!.record = { ...server.payments.get(ids.payment)!.record, state: 'cancelled', result_code: 1032, updated_at: '2026-11-26T10:00:20.000Z' };
    expect(await payments.getPayment({ payment_id: ids.payment })).toMatchObject({ state: 'cancelled', result_code: 1032 });

    server.setOffline(true);
    // The ledger's copy is newer than the last answer the server gave.
    expect(await payments.getPayment({ payment_id: ids.payment })).toMatchObject({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV' });
    await expect(payments.getPayment({ payment_id: ids.other })).rejects.toMatchObject({ code: 'not_found', field: 'payment_id' });

    // A payment the feed has not brought yet is still known from the request's answer.
    const fresh = createMpesaPayments({ baseUrl: 'http://server.test', deviceToken: () => token, ledger: ledgerWith([]), fetch: server.fetch });
    server.setOffline(false);
    await fresh.requestMpesaPayment('staff', { ...request, payment_id: ids.other });
    server.setOffline(true);
    expect(await fresh.getPayment({ payment_id: ids.other })).toMatchObject({ payment_id: ids.other, state: 'requested' });
  });

  it('shows a success only once the ledger holds it, since the sale completes against the ledger', async () => {
    const server = fakeServer();
    const synced: PaymentRecord[] = [];
    const payments = createMpesaPayments({ baseUrl: 'http://server.test', deviceToken: () => token, ledger: ledgerWith(synced), fetch: server.fetch });
    const requested = await payments.requestMpesaPayment('staff', request);
    const paid: PaymentRecord = { ...requested, state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV', result_code: 0, updated_at: '2026-11-26T10:00:10.000Z' };
    server.payments.get(ids.payment)!.record = paid;
    // The server knows, the feed has not brought it: the poll misses (the screen keeps waiting).
    await expect(payments.getPayment({ payment_id: ids.payment })).rejects.toMatchObject({ code: 'not_found' });
    synced.push(requested);
    expect(await payments.getPayment({ payment_id: ids.payment })).toMatchObject({ state: 'requested' });
    synced[0] = paid;
    expect(await payments.getPayment({ payment_id: ids.payment })).toMatchObject({ state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV' });
    // Offline, a remembered success the ledger lacks is not shown either.
    expect(tillView(requested, paid, false)).toEqual(requested);
    expect(tillView(undefined, paid, false)).toBeUndefined();
  });
});
