import { afterEach, describe, expect, it } from 'vitest';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { ledgerForSync } from './sync-ledger.js';

let till: TestTill;
afterEach(() => till?.cleanup());

describe('ledgerForSync (the agent\'s view of the real ledger)', () => {
  it('reads events from any seq, the acked seq and the feed cursor, and records acks', () => {
    till = createTestTill();
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    const port = ledgerForSync(till.ledger);
    expect(port.feedCursor()).toBe('30');
    expect(port.ackedSeq()).toBe(0);
    expect(port.pendingEvents(10).map((event) => event.seq)).toEqual([1, 2]);
    const head = port.chainHead();
    port.markAcked(head.seq, head.hash);
    expect(port.ackedSeq()).toBe(2);
    expect(port.pendingEvents(10)).toEqual([]);
    expect(port.eventsFrom(2, 10).map((event) => event.seq)).toEqual([2]);
    expect(port.unsyncedCount()).toBe(0);
    expect(port.identity()?.till_id).toBe(ids.till);
    expect(port.applyServerBatch({ changes: [], acked_seq: 2, cursor: '31' }).applied).toBe(0);
    expect(port.feedCursor()).toBe('31');
    // The ledger's recovery primitive is passed through: a history that does not continue from
    // this till's is refused by it.
    expect(() => port.adoptRecoveredHistory({ epoch: 2, common_seq: 9, head: { seq: 9, hash: '0'.repeat(64) }, server_events: [], receipt_counter: 0 })).toThrow(/9/);
  });

  it('hands the re-enrollment and restore primitives to the ledger', () => {
    till = createTestTill();
    const calls: string[] = [];
    const port = ledgerForSync({ ...till.ledger, moveToNewTill: () => (calls.push('move'), { reappended: 2, till_id: ids.till, chain_base: 0 }) });
    expect(port.moveToNewTill({ till_id: '', epoch: 1, receipt_prefix: 'T', business_id: '', store_id: '', server_public_key: '' }).reappended).toBe(2);
    expect(calls).toEqual(['move']);
    expect(ledgerForSync(till.ledger).restoreState()).toEqual({ restored_at: null, receipt_series: null });
  });
});
