/**
 * What `npm start` (and the e2e demo stack) does to make the demo shop usable, through the same
 * APIs a real shop would use:
 * - the owner points the business's M-Pesa account at the Daraja simulator (`PUT
 *   /v1/mpesa/account`, made-up sandbox-like credentials: the simulator checks only their shape);
 * - the manager books the shop's first delivery at the till (`receiveStock`, a real
 *   `stock_received` event), so the demo's sales are not refused for zero stock.
 * - the manager books the demo customers' opening credit balances (`adjustCredit`), so the
 *   credit book has history to show.
 * Each is skipped when already done, so a second `npm start` changes nothing.
 */
import { PaymeError, errorFromWire, type QuantityUnit, type TillInput, type TillMethod, type TillOutput } from '@payme/shared';

/** The Daraja sandbox's well-known test shortcode and a till number: invented, never real money. */
export const demo_mpesa = {
  kind: 'till',
  business_shortcode: '174379',
  till_number: '123456',
  consumer_key: 'demo-consumer-key',
  consumer_secret: 'demo-consumer-secret',
  passkey: 'demo-passkey-for-the-daraja-simulator',
} as const;

/** The first delivery, per product, in the product's unit (pieces, grams, millilitres). */
export const opening_stock: Readonly<Record<QuantityUnit, number>> = { piece: 50, gram: 20_000, millilitre: 20_000 };

export type FetchJson = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; json(): Promise<unknown> }>;

async function sendJson(doFetch: FetchJson, url: string, method: string, body: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  const response = await doFetch(url, { method, headers, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => null);
  if (response.status >= 400) {
    const refusal = errorFromWire(answer, { code: 'internal', message: '' });
    throw new PaymeError(refusal.code, `${method} ${new URL(url).pathname}: HTTP ${response.status} ${refusal.message}`.trim(), refusal.field, { ...refusal.details });
  }
  return answer;
}

/** The account body for the simulator: Daraja calls back to the sync server itself. */
export function demoMpesaAccount(serverUrl: string, simulatorUrl: string) {
  return { ...demo_mpesa, base_url: simulatorUrl, callback_base_url: serverUrl, time_zone: 'Africa/Nairobi' };
}

/** Logs in as the owner and sets the business's M-Pesa account to the simulator. */
export async function configureDemoMpesa(doFetch: FetchJson, serverUrl: string, owner: { email: string; password: string }, simulatorUrl: string): Promise<{ till_number: string }> {
  const login = (await sendJson(doFetch, `${serverUrl}/v1/auth/login`, 'POST', owner)) as { token?: unknown };
  if (typeof login.token !== 'string') throw new PaymeError('internal', 'the owner login answered no token');
  await sendJson(doFetch, `${serverUrl}/v1/mpesa/account`, 'PUT', demoMpesaAccount(serverUrl, simulatorUrl), login.token);
  return { till_number: demo_mpesa.till_number };
}

/** A till API caller (the in-process host, or `POST /rpc/<method>`), throwing the error body on refusal. */
export type TillCall = <M extends TillMethod>(method: M, input: TillInput<M>) => Promise<TillOutput<M>>;

export type OpeningStockResult = { received: number } | { skipped: string };

/**
 * The manager receives the first delivery of every product, unless the till already holds stock
 * (a later run, or a shop that received goods already). Locks the till again afterwards.
 */
export async function receiveOpeningStock(call: TillCall, managerPin: string, newId: () => string): Promise<OpeningStockResult> {
  const profile = await call('tillProfile', {});
  const manager = profile.staff.find((staff) => staff.role === 'manager');
  if (manager === undefined) return { skipped: 'the till has no manager yet (the first sync has not brought the staff)' };
  await call('login', { staff_id: manager.staff_id, pin: managerPin });
  try {
    const { levels } = await call('stockOnHand', {});
    if (levels.length === 0) return { skipped: 'the till has no products yet' };
    if (levels.some((product) => product.on_hand > 0)) return { skipped: 'the till already holds stock' };
    // A delivery has at most sale_lines_max lines: one receipt per chunk, as a real supplier note would be.
    const chunk = 100;
    for (let start = 0; start < levels.length; start += chunk) {
      const lines = levels.slice(start, start + chunk).map((product) => ({ product_id: product.product_id, quantity: opening_stock[product.unit] }));
      await call('receiveStock', { command_id: newId(), receipt_id: newId(), supplier: 'Opening stock (demo)', lines });
    }
    return { received: levels.length };
  } finally {
    await call('lock', {});
  }
}

/** What the demo customers owed before the shop started using PayMe (KSh), by name. */
export const opening_credit: Readonly<Record<string, number>> = { 'Mama Wanjiku': 125_000, 'Hoteli ya Jirani': 43_000 };

/**
 * The manager books each demo customer's opening balance as a credit adjustment, unless the
 * customer already has a credit history (a later run). Locks the till again afterwards.
 */
export async function bookOpeningCredit(call: TillCall, managerPin: string, newId: () => string): Promise<{ booked: number }> {
  const profile = await call('tillProfile', {});
  const manager = profile.staff.find((staff) => staff.role === 'manager');
  if (manager === undefined) return { booked: 0 };
  await call('login', { staff_id: manager.staff_id, pin: managerPin });
  try {
    let booked = 0;
    for (const [name, delta] of Object.entries(opening_credit)) {
      const { customers } = await call('searchCustomers', { query: name, limit: 5 });
      const customer = customers.find((found) => found.name === name);
      if (customer === undefined) continue;
      const { entries } = await call('customerStatement', { customer_id: customer.customer_id, limit: 1 });
      if (entries.length > 0) continue;
      await call('adjustCredit', { command_id: newId(), entry_id: newId(), customer_id: customer.customer_id, delta, reason: 'Opening balance from the old credit book (demo)', reason_code: 'correction' });
      booked += 1;
    }
    return { booked };
  } finally {
    await call('lock', {});
  }
}
