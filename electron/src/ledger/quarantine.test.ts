import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError } from '@payme/shared';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';

let till: TestTill;
afterEach(() => till?.cleanup());

describe('quarantine marks', () => {
  it('are kept per seq with the server reason, refreshed on repeat, and survive a reopen', () => {
    till = createTestTill();
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    const seq = till.ledger.chainHead().seq;
    const eventId = till.ledger.eventsFrom(seq, 1)[0]!.event_id;
    expect(till.ledger.quarantinedCount()).toBe(0);
    expect(till.ledger.markQuarantined(seq, 'payload.total: wrong')).toEqual({ seq, event_id: eventId, reason: 'payload.total: wrong' });
    expect(till.ledger.markQuarantined(seq, 'payload.total: still wrong').reason).toBe('payload.total: still wrong');
    expect(till.ledger.markQuarantined(1).reason).toBe('quarantined by the server');
    const reopened = till.reopen();
    expect(reopened.quarantinedCount()).toBe(2);
    expect(reopened.quarantinedEvents().map((mark) => [mark.seq, mark.reason])).toEqual([
      [1, 'quarantined by the server'],
      [seq, 'payload.total: still wrong'],
    ]);
    expect(reopened.quarantinedEvents(1)).toHaveLength(1);
  });

  it('refuses a seq the till does not hold, or one that is not a seq, naming the field', () => {
    till = createTestTill();
    const missing = (() => {
      try {
        till.ledger.markQuarantined(999, 'x');
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(PaymeError);
    expect(missing).toMatchObject({ code: 'not_found', field: 'seq' });
    expect(() => till.ledger.markQuarantined(0, 'x')).toThrow(/seq/);
    expect(() => till.ledger.markQuarantined(1.5, 'x')).toThrow(/seq/);
    expect(till.ledger.quarantinedCount()).toBe(0);
  });
});
