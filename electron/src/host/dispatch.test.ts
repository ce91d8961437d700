import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestTill, expectedTotal, ids, pins, snapshot, type TestTill } from '../../test/ledger-fixture.js';
import { dispatchTillCall, type DispatchContext } from './dispatch.js';
import { createTillSession } from './till-session.js';

let till: TestTill;
let context: DispatchContext;
let internal: unknown[];

beforeEach(() => {
  till = createTestTill();
  internal = [];
  context = { session: createTillSession(), onInternalError: (_method, error) => internal.push(error) };
});
afterEach(() => till.cleanup());

const call = (method: string, input: unknown) => dispatchTillCall(till.ledger, method, input, context);

async function loginCashier() {
  const result = await call('login', { staff_id: ids.cashier, pin: pins.cashier });
  expect(result).toEqual({ ok: true, value: { staff: { staff_id: ids.cashier, name: 'Achieng', role: 'cashier' } } });
}

describe('dispatchTillCall', () => {
  it('refuses a bad input naming the field, before the ledger is touched', async () => {
    await loginCashier();
    const before = snapshot(till.ledger);
    const result = await call('completeSale', { command_id: till.id(), sale_id: till.id(), lines: [{ product_id: ids.soap, quantity: -1 }], tenders: [{ kind: 'cash', amount: 100 }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.field).toBe('lines.0.quantity');
    expect(snapshot(till.ledger)).toBe(before);
  });

  it('answers an unknown method with unknown_method', async () => {
    const result = await call('dropTables', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method', field: 'method' } });
  });

  it('refuses commands and queries until someone logs in, then runs them as that person', async () => {
    const lines = [{ product_id: ids.soap, quantity: 2 }];
    const total = expectedTotal(lines);
    const sale = { command_id: till.id(), sale_id: till.id(), lines, tenders: [{ kind: 'cash', amount: total, tendered: 50_000 }] };
    expect(await call('completeSale', sale)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await call('searchProducts', { query: 'soap' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });

    await loginCashier();
    const done = await call('completeSale', sale);
    expect(done).toMatchObject({ ok: true, value: { total, change: 50_000 - total } });
    const found = await call('getSale', { sale_id: sale.sale_id });
    expect(found).toMatchObject({ ok: true, value: { cashier_id: ids.cashier, status: 'completed' } });

    expect(await call('lock', {})).toEqual({ ok: true, value: { locked: true } });
    expect(await call('todaySales', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('fills schema defaults before the ledger sees the input', async () => {
    await loginCashier();
    const result = await call('searchProducts', { query: 'soap' });
    expect(result).toMatchObject({ ok: true, value: { products: [{ product_id: ids.soap, name: 'Geisha soap 225g' }] } });
  });

  it('answers favouriteProducts from the ledger (default limit filled), and a parked sale with its terms and tenders', async () => {
    await loginCashier();
    const lines = [{ product_id: ids.soap, quantity: 2 }];
    const total = expectedTotal(lines);
    await call('completeSale', { command_id: till.id(), sale_id: till.id(), lines, tenders: [{ kind: 'cash', amount: total }] });
    expect(await call('favouriteProducts', {})).toMatchObject({ ok: true, value: { products: [{ product_id: ids.soap }] } });
    const sale_id = till.id();
    const parked = await call('parkSale', { command_id: till.id(), sale_id, payment_id: till.id(), lines, tenders: [{ kind: 'cash', amount: 5_000 }] });
    expect(parked).toMatchObject({ ok: true });
    expect(await call('resumeParkedSale', { sale_id })).toMatchObject({ ok: true, value: { discount_bp: 0, line_terms: [{}], tenders: [{ kind: 'cash', amount: 5_000 }] } });
    expect(internal).toEqual([]);
  });

  it('turns a ledger refusal into its error body and keeps the session after a wrong PIN', async () => {
    const wrong = await call('login', { staff_id: ids.cashier, pin: '9999' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'pin_invalid', field: 'pin', failures_left: 4 } });
    expect(context.session.current()).toBeNull();

    await loginCashier();
    const lines = [{ product_id: ids.soap, quantity: 1 }];
    const sale_id = till.id();
    const total = expectedTotal(lines);
    await call('completeSale', { command_id: till.id(), sale_id, lines, tenders: [{ kind: 'cash', amount: total }] });
    const voided = await call('voidSale', { command_id: till.id(), sale_id, reason: 'customer changed mind' });
    expect(voided).toMatchObject({ ok: false, error: { code: 'approval_required', field: 'approval' } });
    expect(context.session.current()?.staff_id).toBe(ids.cashier);
    expect(internal).toEqual([]);
  });

  it('lets a manager unlock a locked-out cashier from the lock screen with their PIN', async () => {
    for (let i = 0; i < 5; i += 1) await call('login', { staff_id: ids.cashier, pin: '0000' });
    expect(await call('login', { staff_id: ids.cashier, pin: pins.cashier })).toMatchObject({ ok: false, error: { code: 'pin_locked' } });
    expect(await call('unlockStaff', { command_id: till.id(), staff_id: ids.cashier })).toMatchObject({ ok: false, error: { code: 'approval_required', field: 'approval' } });
    const unlocked = await call('unlockStaff', { command_id: till.id(), staff_id: ids.cashier, approval: { manager_id: ids.manager, pin: pins.manager } });
    expect(unlocked).toEqual({ ok: true, value: { staff_id: ids.cashier, unlocked: true } });
    await loginCashier();
  });

  it('hands the host methods to the host before anyone logs in, and validates what it answers', async () => {
    expect(await call('tillProfile', {})).toMatchObject({ ok: false, error: { code: 'not_available', method: 'tillProfile' } });
    const profile = { enrolled: false, shop_name: 'PayMe', till_label: 'Not enrolled', staff: [] };
    context.host = { tillProfile: () => profile, enroll: async () => ({ till_id: ids.cashier, receipt_prefix: 'bad prefix', shop_name: 'Duka' }) };
    expect(await call('tillProfile', {})).toEqual({ ok: true, value: profile });
    expect(await call('enroll', { server_url: 'http://127.0.0.1:8787', code: 'ABCDEFGH', name: 'Till 1' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(await call('enroll', { server_url: 'http://127.0.0.1:8787', code: 'AB', name: 'Till 1' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'code' } });
  });

  it('says M-Pesa STK is not available while nothing connects the till to the server', async () => {
    await loginCashier();
    const result = await call('requestMpesaPayment', { command_id: till.id(), payment_id: till.id(), sale_id: till.id(), phone: '254712345678', amount: 10_000 });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_available', method: 'requestMpesaPayment' } });
  });

  it('hands M-Pesa requests and payment reads to the payments provider, and reads the ledger without one', async () => {
    await loginCashier();
    const payment_id = till.id();
    expect(await call('getPayment', { payment_id })).toMatchObject({ ok: false, error: { code: 'not_found', field: 'payment_id' } });
    const asked: unknown[] = [];
    const record = { payment_id, state: 'requested' as const, amount: 10_000, phone: '254712345678', updated_at: '2026-11-26T10:00:00.000Z' };
    context.payments = {
      requestMpesaPayment: async (actor_id, input) => {
        asked.push({ actor_id, payment_id: input.payment_id });
        return record;
      },
      getPayment: async () => ({ ...record, state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV' }),
    };
    expect(await call('requestMpesaPayment', { command_id: till.id(), payment_id, sale_id: till.id(), phone: '254712345678', amount: 10_000 })).toEqual({ ok: true, value: record });
    expect(asked).toEqual([{ actor_id: ids.cashier, payment_id }]);
    expect(await call('getPayment', { payment_id })).toMatchObject({ ok: true, value: { state: 'succeeded', mpesa_receipt: 'NLJ7RT61SV' } });
  });

  it('reports sync as not running, with the ledger\'s own unsynced count, when no agent is attached', async () => {
    const result = await call('syncStatus', {});
    expect(result).toMatchObject({ ok: true, value: { online: false, unsynced_count: till.ledger.unsyncedCount(), alarm: { code: 'sync_not_running' } } });
    if (result.ok) expect((result.value as { unsynced_count: number }).unsynced_count).toBeGreaterThan(0); // the fixture opened a shift
  });

  it('uses the sync agent\'s status and refuses an answer that breaks the output schema', async () => {
    context.sync = { syncStatus: () => ({ online: true, last_push_at: null, last_pull_at: null, unsynced_count: 3, quarantined_count: 0, alarm: null }) };
    expect(await call('syncStatus', {})).toMatchObject({ ok: true, value: { online: true, unsynced_count: 3 } });
    context.sync = { syncStatus: () => ({ online: 'yes' }) as never };
    expect(await call('syncStatus', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(internal).toHaveLength(1);
  });

  it('hides an unexpected exception behind an internal error and reports it', async () => {
    await loginCashier();
    till.ledger.close();
    const result = await call('searchProducts', { query: 'soap' });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(internal).toHaveLength(1);
  });
});

describe('the IPC reply', () => {
  it('carries the output as is and a refusal as {error: body}, the shape transport.ipc.ts reads', async () => {
    const { ipcReply } = await import('./ipc-channels.js');
    expect(ipcReply(await call('lock', {}))).toEqual({ locked: true });
    expect(ipcReply(await call('todaySales', {}))).toEqual({ error: expect.objectContaining({ code: 'unauthorized' }) });
  });
});
