/**
 * A sync server restored from a backup older than the till's acknowledgements (DESIGN §13, issue
 * 15), on the real ledger and the in-memory server double: the till sees the feed's acked_seq go
 * back, pushes again from its journal what the server lost, and the server ends with every event
 * once. (Before, the ledger refused the page — "acked_seq: went back" — so such a till's feed
 * stalled and the lost events were never sent again.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ids } from '../../test/ledger-fixture.js';
import { createSyncKit, pushUntilIdle, type SyncKit } from './test-doubles/sync-test-kit.js';

let kit: SyncKit;
afterEach(() => kit?.cleanup());

function serverSeqs(): number[] {
  return kit.server.till(ids.till).events.map((event) => event.seq);
}

describe('a server restored from an older backup', () => {
  it('is refilled from the till journal: the lost events are pushed again, each once, and the feed goes on', async () => {
    kit = createSyncKit();
    kit.sell(5);
    await pushUntilIdle(kit.agent);
    await kit.agent.pullStep();
    expect(kit.port.eventsFrom(1, 100).map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(kit.port.ackedSeq()).toBe(6);
    expect(serverSeqs()).toEqual([1, 2, 3, 4, 5, 6]);

    // The server's database is put back to a backup taken when it held seqs 1-2; a price changed since.
    kit.server.till(ids.till).events.length = 2;
    kit.server.addChange('stock_level', ids.sugar, { on_hand: 40_000 });
    const pulled = await kit.agent.pullStep();
    expect(pulled.kind).toBe('progress');
    expect(kit.agent.status().alarm).toBeNull();
    expect(kit.port.ackedSeq()).toBe(2);
    expect(kit.port.pendingEvents(100).map((event) => event.seq)).toEqual([3, 4, 5, 6]);

    // Selling goes on; the push loop sends the lost events and the new one, in order.
    kit.sell(1);
    await pushUntilIdle(kit.agent);
    expect(serverSeqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(kit.server.till(ids.till).events.map((event) => event.hash)).toEqual(kit.port.eventsFrom(1, 100).map((event) => event.hash));
    expect(kit.port.ackedSeq()).toBe(7);
    expect(await kit.agent.pullStep()).toMatchObject({ kind: expect.stringMatching(/idle|progress/) });
    expect(kit.agent.status().alarm).toBeNull();
    expect(kit.port.ackedSeq()).toBe(7);
  });

  it('a push answer that ran ahead of a pull lowers nothing: only the feed going back does', async () => {
    kit = createSyncKit();
    kit.sell(2);
    await pushUntilIdle(kit.agent);
    await kit.agent.pullStep();
    kit.sell(2);
    await pushUntilIdle(kit.agent);
    expect(kit.port.ackedSeq()).toBe(5);
    // A page read before the last push committed: behind the push's answer, not behind the feed's last word.
    kit.transport.faults.pull.push({ answer: { status: 200, body: { changes: [], cursor: '31', acked_seq: 3 }, headers: {} } });
    expect((await kit.agent.pullStep()).kind).not.toBe('retry');
    expect(kit.port.ackedSeq()).toBe(5);
    expect(kit.port.pendingEvents(100)).toEqual([]);
  });
});
