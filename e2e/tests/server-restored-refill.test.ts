/**
 * A server restored from a backup older than the tills' acknowledgements (DESIGN §13, issue 15),
 * on real till ledgers (SQLite files) and the real sync server in-process on a PGlite data
 * directory: the directory is put back to an older copy of itself (what a restore, or a power cut
 * on PGlite, leaves), and later a backup file the running server took of itself is restored into
 * an empty server; each time the tills push again from their journals what the server lost.
 * Nothing lost, nothing doubled, stock and credit sums right, the audit log verifies. PGlite only
 * (the data directory is the point); about 17 s under load (four PGlite starts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@payme/shared';
import { openDb, type Db } from '@payme/sync-server/db';
import { migrate } from '@payme/sync-server/migrate';
import { backupServer, restoreServer } from '@payme/sync-server/backup';
import { SimServer } from '../src/sim/sim-server.js';
import { SimNetwork, default_network_faults } from '../src/sim/sim-network.js';
import { SimTill } from '../src/sim/sim-till.js';
import { expectConverged, sell, settle, type SaleWorld } from '../src/harness/sim-converged.js';

const dir = mkdtempSync(path.join(tmpdir(), 'payme-refill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a server whose PGlite data directory is put back to an older copy (real server in-process)', () => {
  it('is refilled by the tills: every sale once, each till chain whole on the server, sums agree', async () => {
    const data = path.join(dir, 'pglite');
    const random = new SeededRandom(15);
    const clock = new ManualClock(Date.UTC(2026, 11, 7, 6, 0, 0));
    const keys = new Map<string, string>();
    let db: Db = await openDb({ databaseUrl: '', dataDir: data });
    await migrate(db);
    let server = new SimServer(db, clock, random.fork());
    const start = async () => {
      keys.set(server.signingKey.key_id, server.signingKey.publicKeyHex);
      await server.start();
    };
    const stop = async () => {
      await server.stop();
      await db.close();
    };
    const reopen = async (folder = data) => {
      db = await openDb({ databaseUrl: '', dataDir: folder });
      await migrate(db);
      server = new SimServer(db, clock, random.fork());
      await start();
    };
    await start();
    const network = new SimNetwork(random.fork(), () => server.app, default_network_faults);
    network.faultsOn = false;
    const business = await server.createBusiness('refill');
    const w: SaleWorld = { clock, business, sales: new Map() };
    const tills: SimTill[] = [];
    try {
      for (const index of [0, 1]) {
        const till = new SimTill(index, path.join(dir, `till-${index}.db`), clock, random.fork(), network);
        await till.enroll(await server.enrollmentCode(business), business.cashier_id);
        tills.push(till);
      }
      const [first, second] = tills as [SimTill, SimTill];
      first.ledger.receiveStock(business.manager_id, { command_id: first.id(), receipt_id: first.id(), lines: [{ product_id: business.products[0]!.id, quantity: 500 }] });
      const customer_id = first.id();
      first.ledger.createCustomer(business.manager_id, { command_id: first.id(), customer_id, name: 'Wanjiru', credit_limit: 2_000_000 });
      await settle(tills); // the stock and the customer reach the second till
      for (const till of tills) sell(w, till, 2);
      await settle(tills);
      // A backup file the running server takes of itself (as payme-server backup asks it to).
      const file = path.join(dir, 'early.backup');
      await backupServer({ to: file, pglite_dir: data, live: db, audit_signing_key: null, now: new Date(clock.now()).toISOString() });
      sell(w, second, 1);
      await settle(tills);

      // A copy of the data directory (the server stopped for it).
      await stop();
      cpSync(data, path.join(dir, 'older'), { recursive: true });
      await reopen();

      // After the backup: sales the server acknowledges, a credit sale, and one still unsynced.
      for (const till of tills) sell(w, till, 3);
      sell(w, second, 1, customer_id);
      await settle(tills);
      const acked = tills.map((till) => till.ledger.ackedSeq());
      sell(w, first, 1);

      // The disk dies: the older copy is put back.
      await stop();
      rmSync(data, { recursive: true, force: true });
      cpSync(path.join(dir, 'older'), data, { recursive: true });
      await reopen();
      const onServer = await db.query<{ till_id: string; acked_seq: number }>('SELECT id::text AS till_id, acked_seq FROM tills WHERE business_id = $1 ORDER BY name', [business.business_id]);
      for (const [index, till] of tills.entries()) {
        expect(Number(onServer.find((row) => row.till_id === till.till_id)?.acked_seq)).toBeLessThan(acked[index]!);
      }

      await settle(tills);
      await expectConverged(db, w, tills, keys);
      expect(w.sales.size).toBe(7); // 3 before the copy, 4 after it (1 on credit, 1 unsynced when the disk died)

      // Then the whole server is lost, and the earlier backup file is restored into an empty one.
      await stop();
      const fresh = path.join(dir, 'restored-pglite');
      await restoreServer({ from: file, pglite_dir: fresh });
      await reopen(fresh);
      sell(w, first, 1);
      await settle(tills);
      await expectConverged(db, w, tills, keys);
    } finally {
      for (const till of tills) till.close();
      await stop();
    }
  }, 120_000);
});
