/**
 * DESIGN §5 "Diverged history" end to end, on real till ledgers (SQLite files) and the real sync
 * server on PGlite in-process (the electron workspace may not import the server, so this lives
 * here): a cloned disk fenced after the original recovered moves to a new till and keeps its
 * events; a till restored from a backup offline sells in a new receipt series and is reconciled
 * by recovery once online. Nothing lost, nothing doubled, stock and credit sums right.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@payme/shared';
import type { Db } from '@payme/sync-server/db';
import { openSimDatabase, SimServer, type SimBusiness } from '../src/sim/sim-server.js';
import { SimNetwork, default_network_faults } from '../src/sim/sim-network.js';
import { SimTill } from '../src/sim/sim-till.js';
import { expectConverged as expectConvergedOn, sell, settle } from '../src/harness/sim-converged.js';
import { backupLedger, restoreLedger } from '@payme/till/cli/till-maintenance';
import { writeTillDevice } from '@payme/till/host/device-file';

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openSimDatabase();
  dir = mkdtempSync(path.join(tmpdir(), 'payme-clone-'));
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface World {
  clock: ManualClock;
  random: SeededRandom;
  server: SimServer;
  network: SimNetwork;
  business: SimBusiness;
  /** Every sale any till completed: id → total. */
  sales: Map<string, number>;
}

async function world(seed: number): Promise<World> {
  const random = new SeededRandom(seed);
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 5, 0, 0));
  const server = new SimServer(db, clock, random.fork());
  await server.start();
  const network = new SimNetwork(random.fork(), () => server.app, default_network_faults);
  network.faultsOn = false;
  const business = await server.createBusiness(`clone-${seed}`);
  return { clock, random, server, network, business, sales: new Map() };
}

async function enrolledTill(w: World, index: number): Promise<SimTill> {
  const till = new SimTill(index, path.join(dir, `w${w.business.business_id}-${index}.db`), w.clock, w.random.fork(), w.network);
  await till.enroll(await w.server.enrollmentCode(w.business), w.business.cashier_id);
  return till;
}

/** A clone of `source`'s disk as it is now: same identity, same device token. */
function cloneOf(w: World, source: SimTill, index: number): SimTill {
  const file = path.join(dir, `w${w.business.business_id}-${index}.db`);
  rawDb(source.ledger).exec(`VACUUM INTO '${file}'`);
  const clone = new SimTill(index, file, w.clock, w.random.fork(), w.network);
  clone.token = source.token;
  clone.till_id = source.till_id;
  return clone;
}

/** Every till and the server agree (sim-converged.ts), the audit log verifying with this world's key. */
async function expectConverged(w: World, tills: readonly SimTill[]): Promise<void> {
  await expectConvergedOn(db, w, tills, new Map([[w.server.signingKey.key_id, w.server.signingKey.publicKeyHex]]));
}

describe('a cloned disk: the first PC to push keeps the identity, the other moves to a new till (real server)', () => {
  it('keeps every sale exactly once, leaves the first pusher whole, never recovers, and the sums agree', async () => {
    const w = await world(11);
    try {
      const original = await enrolledTill(w, 0);
      original.ledger.receiveStock(w.business.manager_id, { command_id: original.id(), receipt_id: original.id(), lines: [{ product_id: w.business.products[0]!.id, quantity: 500 }] });
      const customer_id = original.id();
      original.ledger.createCustomer(w.business.manager_id, { command_id: original.id(), customer_id, name: 'Wanjiru', credit_limit: 2_000_000 });
      sell(w, original, 2);
      await settle([original]);
      const shared = sell(w, original, 1); // on both disks, not yet pushed

      const clone = cloneOf(w, original, 1);
      const tillId = original.till_id;
      w.network.offline.add(0);
      sell(w, clone, 3);
      sell(w, clone, 1, customer_id);
      await settle([clone]); // the clone pushes first: the shared sale and its own two go in under the till's id
      const lostAnswer = sell(w, clone, 2);
      // Its next push is applied by the server, but the answer never reaches the clone.
      await w.network.transportFor(1, () => clone.token).push({ till_id: clone.till_id, epoch: clone.ledger.identity()!.epoch, events: clone.ledger.pendingEvents(10) as never });

      const secondOnly = sell(w, original, 4);
      w.network.offline.delete(0);
      await settle([original]); // chain conflict on a ledger nobody restored: this PC is the second copy
      expect(original.agent.detail()).toMatchObject({ mode: 'needs_enrollment', recoveries: 0, alarm: { code: 'enrollment_needed' } });
      expect(original.agent.status().unsynced_count).toBe(2); // the shared sale and its own
      const epochs = await db.query<{ epoch: number }>('SELECT epoch FROM tills WHERE business_id = $1 AND id = $2', [w.business.business_id, tillId]);
      expect(Number(epochs[0]?.epoch)).toBe(1); // nobody recovered: the clone was never fenced
      // Selling goes on meanwhile.
      const whileWaiting = sell(w, original, 1);

      // The clone keeps the identity and syncs on, including the push whose answer was lost.
      const cloneLater = sell(w, clone, 5, customer_id);
      await settle([clone]);
      expect(clone.agent.detail()).toMatchObject({ mode: 'syncing', recoveries: 0, alarm: null });

      const moved = await original.agent.moveToNewTill(await w.server.enrollmentCode(w.business));
      original.till_id = moved.till_id;
      expect(moved).toMatchObject({ reappended: 3 });
      expect(moved.till_id).not.toBe(tillId);
      await settle([original, clone]);

      // The shared sale is on the new till's chain as a copy, applied once (under the till's old id).
      const copies = await db.query<{ seq: number; status: string; duplicate_of_till: string | null }>(
        'SELECT seq, status, duplicate_of_till::text AS duplicate_of_till FROM till_events WHERE business_id = $1 AND till_id = $2 ORDER BY seq',
        [w.business.business_id, moved.till_id],
      );
      expect(copies.map((row) => [row.seq, row.status, row.duplicate_of_till])).toEqual([
        [1, 'duplicate', tillId],
        [2, 'applied', null],
        [3, 'applied', null],
      ]);
      const server = await db.query<{ sale_id: string; till_id: string }>('SELECT sale_id::text AS sale_id, till_id::text AS till_id FROM sales WHERE business_id = $1', [w.business.business_id]);
      const tillOf = (sale_id: string) => server.find((sale) => sale.sale_id === sale_id)?.till_id;
      expect([shared, lostAnswer, cloneLater].map((sale) => tillOf(sale.sale_id))).toEqual([tillId, tillId, tillId]);
      expect([secondOnly, whileWaiting].map((sale) => tillOf(sale.sale_id))).toEqual([moved.till_id, moved.till_id]);

      // The clone keeps the identity and sells on; the moved PC has its own receipt series.
      expect(clone.ledger.identity()?.till_id).toBe(tillId);
      sell(w, clone, 1);
      const fresh = sell(w, original, 1);
      expect(fresh.receipt_no).toBe(`${original.ledger.identity()!.receipt_prefix}-000001`);
      expect(original.ledger.identity()!.receipt_prefix).not.toBe(clone.ledger.identity()!.receipt_prefix);
      await settle([original, clone]);
      await expectConverged(w, [original, clone]);
      original.close();
      clone.close();
    } finally {
      await w.server.stop();
    }
  }, 120_000);
});

describe('payme-till restore over real HTTP imports what only the replaced disk held (real server)', () => {
  it('acknowledged, answer-lost and unsynced sales made after the backup each end up exactly once on the server and on the till', async () => {
    const w = await world(13);
    try {
      const dataDir = mkdtempSync(path.join(dir, 'data-'));
      const till = new SimTill(0, path.join(dataDir, 'till.db'), w.clock, w.random.fork(), w.network);
      await till.enroll(await w.server.enrollmentCode(w.business), w.business.cashier_id);
      till.ledger.receiveStock(w.business.manager_id, { command_id: till.id(), receipt_id: till.id(), lines: [{ product_id: w.business.products[0]!.id, quantity: 300 }] });
      sell(w, till, 1);
      await settle([till]);
      const backupFile = path.join(dir, `backup-${w.business.business_id}.db`);
      await backupLedger(dataDir, backupFile);

      sell(w, till, 2);
      sell(w, till, 3);
      await settle([till]); // acknowledged; the backup lacks them
      const lostAnswer = sell(w, till, 1);
      await w.network.transportFor(0, () => till.token).push({ till_id: till.till_id, epoch: till.ledger.identity()!.epoch, events: till.ledger.pendingEvents(10) as never });
      w.network.offline.add(0);
      const unsynced = [sell(w, till, 2), sell(w, till, 1)];
      expect(till.ledger.unsyncedCount()).toBe(3); // the lost-answer sale and two never sent
      const identity = till.ledger.identity()!;
      till.close();

      const app = w.server.app!;
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
      writeTillDevice(dataDir, {
        server_url: `http://127.0.0.1:${address.port}`,
        enrollment: { till_id: identity.till_id, device_token: till.token!, epoch: identity.epoch, server_public_key: identity.server_public_key, business_id: identity.business_id, store_id: identity.store_id, receipt_prefix: identity.receipt_prefix },
        shop_name: 'Duka',
        enrolled_at: '2026-11-26T05:00:00.000Z',
      });
      const result = await restoreLedger({ data_dir: dataDir, from: backupFile, force_offline: false, replace_unreadable: false }, w.clock);
      expect(result).toMatchObject({ online: true, recovered: true, imported: { events: 5, unsynced_in_replaced: 3 }, not_imported_reason: null, receipt_series: null, unsynced_count: 0 });

      const restored = new SimTill(0, path.join(dataDir, 'till.db'), w.clock, w.random.fork(), w.network);
      restored.token = till.token;
      restored.till_id = till.till_id;
      w.network.offline.delete(0);
      await settle([restored]);
      for (const sale of [lostAnswer, ...unsynced]) {
        expect(restored.ledger.getSale({ sale_id: sale.sale_id }).sale.receipt_no).toBe(sale.receipt_no);
      }
      expect(rawDb(restored.ledger).prepare("SELECT count(*) AS n FROM sales").get()).toEqual({ n: w.sales.size });
      const events = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM till_events WHERE business_id = $1 AND type = 'sale_completed'", [w.business.business_id]);
      expect(events[0]?.n).toBe(w.sales.size);
      const next = sell(w, restored, 1);
      expect(next.receipt_no).toBe('T1-000007');
      await settle([restored]);
      await expectConverged(w, [restored]);
      restored.close();
    } finally {
      await w.server.stop();
    }
  }, 120_000);
});

describe('a till restored from a backup while the server cannot be reached (real server)', () => {
  it('sells offline in a new receipt series, and recovery reconciles it once online: no receipt number twice, nothing lost', async () => {
    const w = await world(12);
    try {
      const till = await enrolledTill(w, 0);
      till.ledger.receiveStock(w.business.manager_id, { command_id: till.id(), receipt_id: till.id(), lines: [{ product_id: w.business.products[0]!.id, quantity: 300 }] });
      sell(w, till, 1);
      await settle([till]);
      till.backup(dir);
      const afterBackup = [sell(w, till, 2), sell(w, till, 3)];
      await settle([till]); // on the server; the backup lacks them

      w.network.offline.add(0);
      till.restoreBackup(true); // as `payme-till restore --force-offline` (the dead disk's file cannot be read)
      for (const sale of afterBackup) w.sales.delete(sale.sale_id); // not in the backup...
      const state = till.ledger.restoreState();
      expect(state.receipt_series).toMatch(/^T1R[A-Z0-9]{2}$/);
      const offline = [sell(w, till, 1), sell(w, till, 2)];
      expect(offline.map((sale) => sale.receipt_no)).toEqual([`${state.receipt_series}-000001`, `${state.receipt_series}-000002`]);
      expect(await till.agent.pushStep()).toMatchObject({ kind: 'retry' }); // offline: recovery waits, selling does not

      w.network.offline.delete(0);
      for (const sale of afterBackup) w.sales.set(sale.sale_id, sale.total); // ...but the server has them
      await settle([till]);
      expect(till.agent.detail().recoveries).toBe(1);
      expect(till.ledger.restoreState()).toEqual({ restored_at: null, receipt_series: null });
      // Back on the till's own series, past every number the server has seen.
      const next = sell(w, till, 1);
      expect(next.receipt_no).toBe('T1-000004');
      await settle([till]);
      const receipts = await db.query<{ receipt_no: string }>('SELECT receipt_no FROM sales WHERE business_id = $1', [w.business.business_id]);
      expect(new Set(receipts.map((row) => row.receipt_no)).size).toBe(receipts.length);
      await expectConverged(w, [till]);
      till.close();
    } finally {
      await w.server.stop();
    }
  }, 120_000);
});
