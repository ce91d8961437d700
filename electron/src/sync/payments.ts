/**
 * The till's M-Pesa payments provider (DESIGN §7): STK requests go to the sync server with the
 * device token (`POST /v1/payments/mpesa/stk`, Idempotency-Key = payment id, so a retry with the
 * same id and body replays the same payment), and a payment's state is read from the server when
 * it answers, else from the ledger's feed-synced copy. The till never sees a Daraja secret.
 * This file is a process-edge adapter: it meets the real network through `fetch`.
 */
import { PaymeError, errorBodySchema, errorFromWire, paymentRecord, type PaymentRecord, type TillParsedInput } from '@payme/shared';

/** The server asks Daraja before it answers an STK request: give it time, but not forever. */
export const stk_request_timeout_ms = 30_000;
/** The pay screen polls every second or two: a slow server must not stack polls up. */
export const payment_read_timeout_ms = 5_000;
/** Answers remembered for payments this till asked for, until the feed brings them. */
const remembered_payments_max = 200;

/** What the provider needs of the ledger: the payment as the pull feed last delivered it. */
export interface PaymentsLedgerPort {
  getPayment(input: { payment_id: string }): PaymentRecord;
}

export interface MpesaPaymentsOptions {
  /** The sync server, `https://sync.example.co.ke`. */
  baseUrl: string;
  /** Read on every request: a re-enrollment replaces the token. */
  deviceToken: () => string | null;
  ledger: PaymentsLedgerPort;
  fetch?: typeof fetch;
  requestTimeoutMs?: number;
  readTimeoutMs?: number;
}

export interface MpesaPayments {
  requestMpesaPayment(actor_id: string, input: TillParsedInput<'requestMpesaPayment'>): Promise<PaymentRecord>;
  getPayment(input: { payment_id: string }): Promise<PaymentRecord>;
}

/** The offline case the pay screen turns into "pay to the till number and type the code". */
function unavailable(message: string, details: Record<string, unknown> = {}): PaymeError {
  return new PaymeError('mpesa_unavailable', message, undefined, details);
}

/** A server refusal in the shared error shape; outages and an unset account read as "unavailable". */
export function paymentErrorFrom(status: number, body: unknown): PaymeError {
  const parsed = errorBodySchema.safeParse(body);
  if (status >= 500 || !parsed.success) {
    return unavailable('M-Pesa cannot be reached through the server right now', { status });
  }
  if (parsed.data.code === 'mpesa_not_configured') return unavailable(parsed.data.message, { server_code: parsed.data.code });
  const refusal = errorFromWire(parsed.data, { code: 'mpesa_unavailable', message: parsed.data.message });
  return new PaymeError(refusal.code, refusal.message, refusal.field, { ...refusal.details, status });
}

function newerOf(a: PaymentRecord | undefined, b: PaymentRecord | undefined): PaymentRecord | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b.updated_at) > Date.parse(a.updated_at) ? b : a;
}

/**
 * What the pay screen is told. A sale completes only with a payment the ledger holds as paid (it
 * checks its own, feed-synced copy), so "paid" is shown once the feed has brought the success,
 * an instant after the server has it; any other state is shown as soon as it is known.
 */
export function tillView(local: PaymentRecord | undefined, fresh: PaymentRecord | undefined, freshFromServer: boolean): PaymentRecord | undefined {
  if (fresh?.state === 'succeeded' && local?.state !== 'succeeded') return local;
  if (fresh === undefined) return local;
  return freshFromServer ? fresh : newerOf(local, fresh);
}

export function createMpesaPayments(options: MpesaPaymentsOptions): MpesaPayments {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const remembered = new Map<string, PaymentRecord>();

  const remember = (record: PaymentRecord) => {
    remembered.delete(record.payment_id);
    remembered.set(record.payment_id, record);
    if (remembered.size > remembered_payments_max) remembered.delete(remembered.keys().next().value as string);
  };

  async function call(method: 'GET' | 'POST', path: string, init: { body?: unknown; idempotencyKey?: string; timeoutMs: number }): Promise<PaymentRecord> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.deviceToken();
    if (token === null) throw unavailable('This till is not enrolled with a server, so M-Pesa cannot be asked');
    headers['authorization'] = `Bearer ${token}`;
    if (init.idempotencyKey !== undefined) headers['idempotency-key'] = init.idempotencyKey;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(init.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw unavailable('M-Pesa needs the internet: the server cannot be reached', { cause: error instanceof Error ? error.message : String(error) });
    }
    let body: unknown;
    try {
      body = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      body = null; // not JSON: paymentErrorFrom and the record check both refuse it
    }
    if (!response.ok) throw paymentErrorFrom(response.status, body);
    const record = paymentRecord.safeParse(body);
    if (!record.success) throw unavailable('The server answered the payment in a shape this till does not know', { status: response.status });
    remember(record.data);
    return record.data;
  }

  function fromLedger(payment_id: string): PaymentRecord | undefined {
    try {
      return options.ledger.getPayment({ payment_id });
    } catch (error) {
      if (error instanceof PaymeError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  return {
    requestMpesaPayment(_actor_id, input) {
      // The server knows the till from its token; the staff member is on the sale itself.
      const body = { payment_id: input.payment_id, sale_id: input.sale_id, phone: input.phone, amount: input.amount };
      return call('POST', '/v1/payments/mpesa/stk', { body, idempotencyKey: input.payment_id, timeoutMs: options.requestTimeoutMs ?? stk_request_timeout_ms });
    },
    async getPayment({ payment_id }) {
      let fresh: PaymentRecord | undefined;
      let failure: unknown = null;
      try {
        fresh = await call('GET', `/v1/payments/${encodeURIComponent(payment_id)}`, { timeoutMs: options.readTimeoutMs ?? payment_read_timeout_ms });
      } catch (error) {
        // Offline or refused: the feed's copy (or the last answer) is still the best we know.
        failure = error;
        fresh = remembered.get(payment_id);
      }
      const local = fromLedger(payment_id);
      const view = tillView(local, fresh, failure === null);
      if (view !== undefined) return view;
      if (failure !== null && !(failure instanceof PaymeError && failure.code === 'mpesa_unavailable')) throw failure;
      throw new PaymeError('not_found', 'payment_id: this till has not heard of this payment yet (or its success has not reached it)', 'payment_id');
    },
  };
}
