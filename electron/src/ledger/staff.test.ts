import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError, SeededRandom, hashSecret, pin_lockout_ms } from '@payme/shared';
import { createTestTill, ids, pins, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PaymeError) return error.code;
    throw error;
  }
  return 'ok';
}

describe('staff PINs', () => {
  it('logs in with the right PIN and names who it is', () => {
    till = createTestTill({ openShift: false });
    expect(till.ledger.login({ staff_id: ids.cashier, pin: pins.cashier }).staff).toEqual({ staff_id: ids.cashier, name: 'Achieng', role: 'cashier' });
  });

  it("verifies a PIN hashed at the server's real cost (scrypt N=2^14)", () => {
    till = createTestTill({ openShift: false });
    const pin_hash = hashSecret('8642', new SeededRandom(9));
    expect(pin_hash.startsWith('scrypt$14$8$1$')).toBe(true);
    till.ledger.applyServerBatch({ changes: [{ cursor: '95', kind: 'staff', id: ids.cashier, data: { name: 'Achieng', role: 'cashier', pin_hash } }], acked_seq: 0, cursor: '95' });
    expect(till.ledger.login({ staff_id: ids.cashier, pin: '8642' }).staff.staff_id).toBe(ids.cashier);
  });

  it('locks after 5 wrong PINs, across a restart, until 5 minutes pass or a manager unlocks', () => {
    till = createTestTill({ openShift: false });
    const wrong = () => till.ledger.login({ staff_id: ids.cashier, pin: '0000' });
    expect([1, 2, 3, 4].map(() => codeOf(wrong))).toEqual(['pin_invalid', 'pin_invalid', 'pin_invalid', 'pin_invalid']);
    expect(codeOf(wrong)).toBe('pin_locked');
    till.reopen();
    expect(codeOf(() => till.ledger.login({ staff_id: ids.cashier, pin: pins.cashier }))).toBe('pin_locked');
    till.clock.advance(pin_lockout_ms + 1);
    expect(codeOf(() => till.ledger.login({ staff_id: ids.cashier, pin: pins.cashier }))).toBe('ok');
    for (let i = 0; i < 5; i += 1) codeOf(wrong);
    expect(codeOf(() => till.ledger.unlockStaff(ids.cashier, { command_id: till.id(), staff_id: ids.cashier }))).toBe('forbidden');
    till.ledger.unlockStaff(ids.cashier, { command_id: till.id(), staff_id: ids.cashier, approval: { manager_id: ids.manager, pin: pins.manager } });
    expect(codeOf(() => till.ledger.login({ staff_id: ids.cashier, pin: pins.cashier }))).toBe('ok');
  });

  it('refuses an approval by a cashier, a wrong approval PIN, and an unknown or inactive actor', () => {
    till = createTestTill();
    const adjust = (actor: string, approval?: { manager_id: string; pin: string }) =>
      till.ledger.adjustStock(actor, { command_id: till.id(), product_id: ids.soap, delta: -1, reason: 'Broken', reason_code: 'damaged', ...(approval ? { approval } : {}) });
    expect(codeOf(() => adjust(ids.cashier, { manager_id: ids.cashier, pin: pins.cashier }))).toBe('forbidden');
    expect(codeOf(() => adjust(ids.cashier, { manager_id: ids.manager, pin: '9999' }))).toBe('pin_invalid');
    expect(codeOf(() => adjust(till.id()))).toBe('forbidden');
    expect(codeOf(() => till.ledger.login({ staff_id: till.id(), pin: '1234' }))).toBe('not_found');
    till.ledger.applyServerBatch({ changes: [{ cursor: '90', kind: 'staff', id: ids.cashier, data: null }], acked_seq: 0, cursor: '90' });
    expect(codeOf(() => adjust(ids.cashier, { manager_id: ids.manager, pin: pins.manager }))).toBe('forbidden');
    expect(codeOf(() => adjust(ids.manager))).toBe('ok');
  });
});
