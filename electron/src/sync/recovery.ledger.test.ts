/**
 * Recovery end to end on the real ledger: a till restored from a backup while the server holds
 * more of it adopts the server's copy, keeps selling, and the server ends with one gapless chain.
 */
import { rawDb } from '../ledger/raw-db.js';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SeededRandom } from '@payme/shared';
import { cashSale, createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { SyncAgent } from './sync-agent.js';
import { ManualScheduler } from './scheduler.js';
import { ledgerForSync } from './sync-ledger.js';
import { InMemorySyncServer } from './test-doubles/in-memory-sync-server.js';
import { pushUntilIdle } from './test-doubles/sync-test-kit.js';

let till: TestTill;
afterEach(() => till?.cleanup());

function agentFor(server: InMemorySyncServer): SyncAgent {
  return new SyncAgent({
    ledger: ledgerForSync(till.ledger),
    transport: server.transportFor(() => ids.till),
    clock: till.clock,
    random: new SeededRandom(3),
    scheduler: new ManualScheduler(till.clock),
    config: { pull_wait_seconds: 0 },
  });
}

describe('recovery with the real ledger', () => {
  it('a till restored from an old backup adopts what the server holds of it, resumes under the new epoch, and nothing is lost', async () => {
    till = createTestTill();
    const server = new InMemorySyncServer();
    server.addTill(ids.till);
    server.cursorBase = 30;
    let agent = agentFor(server);
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    await pushUntilIdle(agent);
    const backup = path.join(till.dir, 'backup.db');
    rawDb(till.ledger).exec(`VACUUM INTO '${backup}'`);
    const lostFuture = cashSale(till, [{ product_id: ids.soap, quantity: 2 }]);
    await pushUntilIdle(agent);
    expect(server.ackedSeq(ids.till)).toBe(3);

    // The disk dies; the backup (seq 1..2) comes back.
    till.ledger.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${till.file}${suffix}`, { force: true });
    copyFileSync(backup, till.file);
    till.reopen();
    agent = agentFor(server);
    expect(till.ledger.chainHead().seq).toBe(2);

    // Put back by hand, unmarked: the feed says the server holds seq 3, which this ledger cannot
    // tell from a clone whose other copy pushed on, so it stops and asks to re-enroll.
    expect(await agent.pullStep()).toEqual({ kind: 'diverged' });
    expect(agent.detail().mode).toBe('needs_enrollment');
    expect(agent.status().alarm?.code).toBe('enrollment_needed');
    expect(till.ledger.identity()?.epoch).toBe(1);

    // `payme-till restore` marks the ledger restored: the agent recovers before pulling or pushing.
    till.ledger.markRestored({ forced_offline: false });
    agent = agentFor(server);
    expect(await agent.pullStep()).toEqual({ kind: 'blocked' });
    expect(await agent.pushStep()).toEqual({ kind: 'progress' });
    expect(agent.detail()).toMatchObject({ mode: 'syncing', recoveries: 1 });
    expect(till.ledger.identity()?.epoch).toBe(2);
    // The sale only the dead disk had is back on the till, receipt numbers continue past it.
    expect(till.ledger.getSale({ sale_id: lostFuture.sale_id }).sale.receipt_no).toBe(lostFuture.receipt_no);
    const next = cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    expect(next.receipt_no).toBe('T1-000003');
    expect(await pushUntilIdle(agent)).toEqual(['progress', 'idle']);
    const stored = server.till(ids.till).events;
    expect(stored.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    expect(stored.at(-1)!.hash).toBe(till.ledger.chainHead().hash);
    expect(till.ledger.verifyLedger()).toEqual([]);
    expect(agent.status()).toMatchObject({ unsynced_count: 0, alarm: null });
    // After a restart the till pushes under the new epoch (the server fences anything older).
    till.reopen();
    agent = agentFor(server);
    cashSale(till, [{ product_id: ids.soap, quantity: 1 }]);
    expect(await pushUntilIdle(agent)).toEqual(['progress', 'idle']);
    expect(server.ackedSeq(ids.till)).toBe(5);
  });
});
