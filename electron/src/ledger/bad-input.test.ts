/**
 * Every command refuses invalid input with a typed error naming the field, and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymeError } from '@payme/shared';
import { createTestTill, ids, snapshot, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
beforeAll(() => {
  till = createTestTill();
});
afterAll(() => till.cleanup());

const uuid = '01930000-0000-7000-8000-00000000abcd';
const cmd = '01930000-0000-7000-8000-00000000cccc';
const line = { product_id: ids.soap, quantity: 1 };

type Case = [method: string, input: Record<string, unknown>, field: string, code?: string];

const cases: Case[] = [
  ['completeSale', { command_id: cmd, sale_id: uuid, lines: [{ ...line, quantity: 0 }], tenders: [{ kind: 'cash', amount: 100 }] }, 'lines.0.quantity'],
  ['completeSale', { command_id: cmd, sale_id: uuid, lines: [line], tenders: [{ kind: 'cash', amount: -1 }] }, 'tenders.0.amount'],
  ['completeSale', { command_id: cmd, sale_id: uuid, lines: [], tenders: [{ kind: 'cash', amount: 100 }] }, 'lines'],
  ['completeSale', { command_id: 'nope', sale_id: uuid, lines: [line], tenders: [{ kind: 'cash', amount: 100 }] }, 'command_id'],
  ['completeSale', { command_id: cmd, sale_id: uuid, lines: [line], tenders: [{ kind: 'cash', amount: 100 }], colour: 'red' }, 'colour'],
  ['completeSale', { command_id: cmd, sale_id: uuid, lines: [{ ...line, quantity: 10_001 }], tenders: [{ kind: 'cash', amount: 1 }] }, 'lines.0.quantity', 'invalid_quantity'],
  ['completeSale', { command_id: cmd, sale_id: uuid, lines: [line], tenders: [{ kind: 'cash', amount: 10_000 }], discount_bp: 10_001 }, 'discount_bp'],
  ['parkSale', { command_id: cmd, sale_id: uuid, payment_id: 'x', lines: [line] }, 'payment_id'],
  ['abandonParkedSale', { command_id: cmd, sale_id: uuid, reason: '' }, 'reason'],
  ['voidSale', { command_id: cmd, sale_id: uuid, reason: 'x'.repeat(501) }, 'reason'],
  ['refundSale', { command_id: cmd, refund_id: uuid, sale_id: uuid, lines: [{ line_id: uuid, quantity: 1 }], tender: 'gold', reason: 'x' }, 'tender'],
  ['receiveStock', { command_id: cmd, receipt_id: uuid, lines: [{ product_id: ids.soap, quantity: 0 }] }, 'lines.0.quantity'],
  ['adjustStock', { command_id: cmd, product_id: ids.soap, delta: 0, reason: 'x', reason_code: 'damaged' }, 'delta'],
  ['adjustStock', { command_id: cmd, product_id: ids.soap, delta: 1, reason: 'x', reason_code: 'lost_in_space' }, 'reason_code'],
  ['countStock', { command_id: cmd, count_id: uuid, lines: [{ product_id: ids.soap, expected: 1, counted: -1 }] }, 'lines.0.counted'],
  ['createCustomer', { command_id: cmd, customer_id: uuid, name: 'x'.repeat(121), credit_limit: 0 }, 'name'],
  ['createCustomer', { command_id: cmd, customer_id: uuid, name: 'Baraka', phone: '0712345678', credit_limit: 0 }, 'phone'],
  ['updateCustomer', { command_id: cmd, customer_id: uuid, credit_limit: -5 }, 'credit_limit'],
  ['recordCreditPayment', { command_id: cmd, entry_id: uuid, customer_id: ids.wanjiku, amount: 0, tender: 'cash' }, 'amount'],
  ['adjustCredit', { command_id: cmd, entry_id: uuid, customer_id: ids.wanjiku, delta: 0, reason: 'x', reason_code: 'write_off' }, 'delta'],
  ['openShift', { command_id: cmd, shift_id: uuid, float: 1.5 }, 'float'],
  ['payIn', { command_id: cmd, entry_id: uuid, amount: 100 }, 'reason'],
  ['payOut', { command_id: cmd, entry_id: uuid, amount: -100, reason: 'x' }, 'amount'],
  ['closeShift', { command_id: cmd, counted: [] }, 'counted'],
  ['recordMpesaClaim', { command_id: cmd, claim_id: uuid, code: 'abc', amount: 100 }, 'code'],
  ['recordMpesaClaim', { command_id: cmd, claim_id: uuid, code: 'SKL4ABCD12', amount: 150 }, 'amount'],
];

describe('bad input', () => {
  it.each(cases)('%s refuses %j naming the field and writes nothing', (method, input, field, code = 'invalid_input') => {
    const before = snapshot(till.ledger);
    const run = (till.ledger as unknown as Record<string, (actor: string, input: unknown) => unknown>)[method]!;
    let error: unknown;
    try {
      run(ids.cashier, input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PaymeError);
    expect((error as PaymeError).code).toBe(code);
    expect((error as PaymeError).field).toBe(field);
    expect(snapshot(till.ledger)).toBe(before);
  });

  it('every command of the ledger has a bad-input case', () => {
    const commands = ['completeSale', 'parkSale', 'abandonParkedSale', 'voidSale', 'refundSale', 'receiveStock', 'adjustStock', 'countStock', 'createCustomer', 'updateCustomer', 'recordCreditPayment', 'adjustCredit', 'openShift', 'payIn', 'payOut', 'closeShift', 'recordMpesaClaim'];
    expect(new Set(cases.map(([method]) => method))).toEqual(new Set(commands));
  });

  it('queries refuse bad input too', () => {
    expect(() => till.ledger.searchProducts({ query: 'x'.repeat(121) })).toThrow(PaymeError);
    expect(() => till.ledger.getSale({ receipt_no: 'nope' })).toThrow(PaymeError);
    expect(() => till.ledger.lookupBarcode({ barcode: 'has space' })).toThrow(PaymeError);
    expect(() => till.ledger.applyServerBatch({ changes: [], acked_seq: -1, cursor: '' })).toThrow(PaymeError);
    expect(() => till.ledger.setIdentity({ till_id: ids.till })).toThrow(PaymeError);
  });
});
