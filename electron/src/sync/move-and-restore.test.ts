/**
 * The operator's side of DESIGN §5 on the real ledger and the in-memory server double: a fenced
 * clone moves to a new till with `SyncAgent.moveToNewTill(code)` and keeps its events; a ledger
 * marked as restored recovers before it pushes. (The same against the real server on PGlite:
 * e2e/tests/clone-and-restore.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { asyncRefusal, ids } from '../../test/ledger-fixture.js';
import { createSyncKit, pushUntilIdle, type SyncKit } from './test-doubles/sync-test-kit.js';

let kit: SyncKit;
afterEach(() => kit?.cleanup());

describe('a fenced clone moves to a new till', () => {
  it('re-enrolls with the operator\'s code, re-appends its unacknowledged events under the new id and pushes them; nothing lost', async () => {
    kit = createSyncKit();
    kit.sell(2);
    await pushUntilIdle(kit.agent);
    expect(await asyncRefusal(kit.agent.moveToNewTill('CODE'))).toMatchObject({ code: 'not_fenced', field: 'code' });
    kit.sell(3);
    const pending = kit.till.ledger.pendingEvents(10);
    expect(pending.map((event) => event.seq)).toEqual([4, 5, 6]); // seq 1 is the fixture's shift

    kit.server.till(ids.till).fenced = true;
    expect(await kit.agent.pushStep()).toEqual({ kind: 'diverged' });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'blocked' });
    expect(kit.agent.status().alarm?.code).toBe('enrollment_needed');
    // Selling goes on while the operator fetches a code.
    kit.sell(1);

    expect(await asyncRefusal(kit.agent.moveToNewTill('  '))).toMatchObject({ code: 'invalid_input', field: 'code' });
    expect(await asyncRefusal(kit.agent.moveToNewTill('WRONG'))).toMatchObject({ code: 'enrollment_refused', field: 'code' });
    kit.transport.offline = true;
    kit.server.enrollmentCodes.add('GOOD-CODE');
    expect(await asyncRefusal(kit.agent.moveToNewTill('GOOD-CODE'))).toMatchObject({ code: 'offline', field: 'code' });
    kit.transport.offline = false;
    const moved = await kit.agent.moveToNewTill('GOOD-CODE');
    expect(moved.reappended).toBe(4);
    expect(kit.till.ledger.identity()).toMatchObject({ till_id: moved.till_id, receipt_prefix: 'T2', epoch: 1 });

    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
    const stored = kit.server.till(moved.till_id).events;
    expect(stored.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    expect(stored.map((event) => event.event_id)).toEqual([...pending.map((event) => event.event_id), expect.any(String)]);
    expect(stored.every((event) => event.envelope['till_id'] === moved.till_id)).toBe(true);
    // The old till's history on the server is untouched.
    expect(kit.server.till(ids.till).events.map((event) => event.seq)).toEqual([1, 2, 3]);

    const next = kit.till.ledger.completeSale(ids.cashier, {
      command_id: kit.till.id(),
      sale_id: kit.till.id(),
      lines: [{ product_id: ids.soap, quantity: 1 }],
      tenders: [{ kind: 'cash', amount: 10_000, tendered: 10_000 }],
    });
    expect(next.receipt_no).toBe('T2-000001');
    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
    expect(kit.server.till(moved.till_id).events.at(-1)?.hash).toBe(kit.till.ledger.chainHead().hash);
    expect(kit.agent.status()).toMatchObject({ unsynced_count: 0, alarm: null });
    expect(kit.till.ledger.verifyLedger()).toEqual([]);
  });
});

describe('a restored ledger', () => {
  it('recovers from the server before it pushes, then syncs under the new epoch', async () => {
    kit = createSyncKit();
    kit.sell(2);
    await pushUntilIdle(kit.agent);
    kit.till.ledger.markRestored({ forced_offline: false });
    expect(kit.till.ledger.restoreState().restored_at).not.toBeNull();
    expect(await kit.agent.pullStep(0)).toEqual({ kind: 'blocked' });
    expect(await kit.agent.pushStep()).toEqual({ kind: 'progress' });
    expect(kit.transport.calls.at(-1)?.route).toBe('recover');
    expect(kit.till.ledger.restoreState()).toEqual({ restored_at: null, receipt_series: null });
    expect(kit.till.ledger.identity()?.epoch).toBe(2);
    kit.sell(1);
    expect(await pushUntilIdle(kit.agent)).toEqual(['progress', 'idle']);
    expect(kit.server.ackedSeq(ids.till)).toBe(4);
    expect(kit.agent.status().alarm).toBeNull();
  });
});
