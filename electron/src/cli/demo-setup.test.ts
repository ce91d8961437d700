import { afterEach, describe, expect, it } from 'vitest';
import { createTestTill, ids, pins, type TestTill } from '../../test/ledger-fixture.js';
import { dispatchTillCall, type DispatchContext } from '../host/dispatch.js';
import { createTillSession } from '../host/till-session.js';
import { bookOpeningCredit, configureDemoMpesa, demo_mpesa, opening_credit, opening_stock, receiveOpeningStock, type FetchJson, type TillCall } from './demo-setup.js';

let till: TestTill | undefined;
afterEach(() => till?.cleanup());

/** The real dispatcher over a real ledger; the host's profile lists the fixture's staff. */
function tillCaller(testTill: TestTill): { call: TillCall; calls: string[] } {
  const calls: string[] = [];
  const context: DispatchContext = {
    session: createTillSession(),
    host: {
      tillProfile: () => ({
        enrolled: true,
        shop_name: 'Duka la Mfano',
        till_label: 'Till 1',
        staff: [
          { staff_id: ids.cashier, name: 'Achieng', role: 'cashier' },
          { staff_id: ids.manager, name: 'Mwangi', role: 'manager' },
        ],
      }),
      enroll: () => Promise.reject(new Error('not in this test')),
    },
  };
  const call: TillCall = async (method, input) => {
    calls.push(method);
    const result = await dispatchTillCall(testTill.ledger, method, input, context);
    if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
    return result.value as never;
  };
  return { call, calls };
}

describe('the demo shop setup', () => {
  it('has the manager receive the first delivery of every product as one delivery, once', async () => {
    till = createTestTill({ stock: {} });
    const { call, calls } = tillCaller(till);
    const before = (await (async () => {
      await call('login', { staff_id: ids.manager, pin: pins.manager });
      return call('stockOnHand', {});
    })()).levels;
    expect(before.every((product) => product.on_hand === 0)).toBe(true);

    const unsynced = till.ledger.unsyncedCount();
    const result = await receiveOpeningStock(call, pins.manager, () => till!.id());
    expect(result).toEqual({ received: before.length });
    expect(till.ledger.unsyncedCount()).toBe(unsynced + 1); // one delivery note, one event to push
    expect(calls.at(-1)).toBe('lock');
    await call('login', { staff_id: ids.manager, pin: pins.manager });
    const after = (await call('stockOnHand', {})).levels;
    for (const product of after) expect(product.on_hand).toBe(opening_stock[product.unit]);

    // A second run finds stock and books nothing.
    expect(await receiveOpeningStock(call, pins.manager, () => till!.id())).toEqual({ skipped: 'the till already holds stock' });
    expect(till.ledger.unsyncedCount()).toBe(unsynced + 1);
    await call('login', { staff_id: ids.manager, pin: pins.manager });
    expect((await call('stockOnHand', {})).levels).toEqual(after);
  });

  it('books the demo customers\' opening credit balances once, as a manager, and locks the till (issue 17)', async () => {
    till = createTestTill({ stock: {} });
    const customers = Object.keys(opening_credit).map((name, index) => ({ cursor: String(40 + index), kind: 'customer' as const, id: till!.id(), data: { name, credit_limit_cents: 2_000_000 } }));
    till.ledger.applyServerBatch({ changes: customers, acked_seq: 0, cursor: '50' });
    const { call, calls } = tillCaller(till);
    expect(await bookOpeningCredit(call, pins.manager, () => till!.id())).toEqual({ booked: customers.length });
    expect(calls.at(-1)).toBe('lock');
    await call('login', { staff_id: ids.manager, pin: pins.manager });
    for (const customer of customers) {
      const statement = await call('customerStatement', { customer_id: customer.id, limit: 10 });
      expect(statement.customer.balance).toBe(opening_credit[customer.data.name]);
      expect(statement.entries).toHaveLength(1);
    }
    // A second run finds the history and books nothing.
    expect(await bookOpeningCredit(call, pins.manager, () => till!.id())).toEqual({ booked: 0 });
  });

  it('refuses with a wrong manager PIN and still locks the till', async () => {
    till = createTestTill({ stock: {} });
    const { call, calls } = tillCaller(till);
    await expect(receiveOpeningStock(call, '0000', () => till!.id())).rejects.toThrow(/pin_invalid/);
    expect(calls).not.toContain('receiveStock');
  });

  it('logs in as the owner and puts the simulator account with the server as the callback base', async () => {
    const sent: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
    const fetchJson: FetchJson = async (url, init) => {
      sent.push({ url, method: init.method, headers: init.headers, body: init.body === undefined ? undefined : JSON.parse(init.body) });
      if (url.endsWith('/v1/auth/login')) return { status: 200, json: async () => ({ token: 'owner-token' }) };
      return { status: 200, json: async () => ({ base_url: 'masked' }) };
    };
    const result = await configureDemoMpesa(fetchJson, 'http://127.0.0.1:8787', { email: 'owner@demo', password: 'pw' }, 'http://127.0.0.1:8789');
    expect(result).toEqual({ till_number: demo_mpesa.till_number });
    expect(sent[0]).toMatchObject({ method: 'POST', body: { email: 'owner@demo', password: 'pw' } });
    expect(sent[1]).toMatchObject({
      url: 'http://127.0.0.1:8787/v1/mpesa/account',
      method: 'PUT',
      headers: { authorization: 'Bearer owner-token' },
      body: { base_url: 'http://127.0.0.1:8789', callback_base_url: 'http://127.0.0.1:8787', kind: 'till', till_number: demo_mpesa.till_number },
    });

    const refusing: FetchJson = async () => ({ status: 401, json: async () => ({ code: 'unauthorized', message: 'wrong password' }) });
    await expect(configureDemoMpesa(refusing, 'http://127.0.0.1:8787', { email: 'owner@demo', password: 'x' }, 'http://127.0.0.1:8789')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
