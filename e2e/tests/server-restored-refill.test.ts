/**
 * A server restored from a backup older than the tills' acknowledgements (DESIGN §13, issue 15),
 * on real till ledgers (SQLite files) and the real sync server in-process:
 * - PGlite: the data directory is put back to an older copy of itself (what a restore, or a power
 *   cut on PGlite, leaves), and later a backup file the running server took of itself is restored
 *   into an empty server;
 * - PostgreSQL (with TEST_DATABASE_URL): a `pg_dump` backup file restored into an empty database.
 * Each time the tills push again from their journals what the server lost: nothing lost, nothing
 * doubled, stock and credit sums right on the server and the tills, the audit log verifies.
 * About 17 s (PGlite, four starts) and 5 s (PostgreSQL) under load.
 */
import { randomBytes } from 'node:crypto';
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

/** Where the server's database is: a PGlite folder, or a PostgreSQL URL. */
type Where = { dataDir: string } | { databaseUrl: string };

/** A shop with two enrolled tills, stock and a credit customer, 2 sales synced; the server can be stopped and reopened elsewhere. */
async function shop(where: Where, tag: string) {
  const random = new SeededRandom(15);
  const clock = new ManualClock(Date.UTC(2026, 11, 7, 6, 0, 0));
  const keys = new Map<string, string>();
  let db: Db;
  let server: SimServer;
  const open = async (at: Where) => {
    db = await openDb('dataDir' in at ? { databaseUrl: '', dataDir: at.dataDir } : { databaseUrl: at.databaseUrl });
    await migrate(db);
    server = new SimServer(db, clock, random.fork());
    keys.set(server.signingKey.key_id, server.signingKey.publicKeyHex);
    await server.start();
  };
  await open(where);
  const network = new SimNetwork(random.fork(), () => server.app, default_network_faults);
  network.faultsOn = false;
  const business = await server!.createBusiness(tag);
  const w: SaleWorld = { clock, business, sales: new Map() };
  const tills: SimTill[] = [];
  for (const index of [0, 1]) {
    const till = new SimTill(index, path.join(dir, `${tag}-till-${index}.db`), clock, random.fork(), network);
    await till.enroll(await server!.enrollmentCode(business), business.cashier_id);
    tills.push(till);
  }
  const [first, second] = tills as [SimTill, SimTill];
  first.ledger.receiveStock(business.manager_id, { command_id: first.id(), receipt_id: first.id(), lines: [{ product_id: business.products[0]!.id, quantity: 500 }] });
  const customer_id = first.id();
  first.ledger.createCustomer(business.manager_id, { command_id: first.id(), customer_id, name: 'Wanjiru', credit_limit: 2_000_000 });
  await settle(tills); // the stock and the customer reach the second till
  for (const till of tills) sell(w, till, 2);
  await settle(tills);
  return {
    w,
    tills,
    first,
    second,
    customer_id,
    keys,
    db: () => db,
    reopen: open,
    stop: async () => {
      await server.stop();
      await db.close();
    },
    close: async () => {
      for (const till of tills) till.close();
      await server.stop();
      await db.close().catch(() => undefined);
    },
    /** After the backup: sales the server acknowledges, a credit sale, and one still unsynced. Returns each till's acked seq. */
    async afterBackup(): Promise<number[]> {
      for (const till of tills) sell(w, till, 3);
      sell(w, second, 1, customer_id);
      await settle(tills);
      const acked = tills.map((till) => till.ledger.ackedSeq());
      sell(w, first, 1);
      return acked;
    },
    /** The restored server holds less of each till than the till was told. */
    async expectBehind(acked: number[]): Promise<void> {
      const onServer = await db.query<{ till_id: string; acked_seq: number }>('SELECT id::text AS till_id, acked_seq FROM tills WHERE business_id = $1', [business.business_id]);
      for (const [index, till] of tills.entries()) expect(Number(onServer.find((row) => row.till_id === till.till_id)?.acked_seq)).toBeLessThan(acked[index]!);
    },
  };
}

describe('a server whose PGlite data directory is put back to an older copy (real server in-process)', () => {
  it('is refilled by the tills: every sale once, each till chain whole on the server, sums agree', async () => {
    const data = path.join(dir, 'pglite');
    const s = await shop({ dataDir: data }, 'refill');
    try {
      // A backup file the running server takes of itself (as payme-server backup asks it to).
      const file = path.join(dir, 'early.backup');
      await backupServer({ to: file, pglite_dir: data, live: s.db(), audit_signing_key: null, now: new Date(s.w.clock.now()).toISOString() });
      sell(s.w, s.second, 1);
      await settle(s.tills);

      // A copy of the data directory (the server stopped for it).
      await s.stop();
      cpSync(data, path.join(dir, 'older'), { recursive: true });
      await s.reopen({ dataDir: data });
      const acked = await s.afterBackup();

      // The disk dies: the older copy is put back.
      await s.stop();
      rmSync(data, { recursive: true, force: true });
      cpSync(path.join(dir, 'older'), data, { recursive: true });
      await s.reopen({ dataDir: data });
      await s.expectBehind(acked);
      await settle(s.tills);
      await expectConverged(s.db(), s.w, s.tills, s.keys);
      expect(s.w.sales.size).toBe(7); // 3 before the copy, 4 after it (1 on credit, 1 unsynced when the disk died)

      // Then the whole server is lost, and the earlier backup file is restored into an empty one.
      await s.stop();
      const fresh = path.join(dir, 'restored-pglite');
      await restoreServer({ from: file, pglite_dir: fresh });
      await s.reopen({ dataDir: fresh });
      sell(s.w, s.first, 1);
      await settle(s.tills);
      await expectConverged(s.db(), s.w, s.tills, s.keys);
    } finally {
      await s.close();
    }
  }, 120_000);
});

const pg_url = process.env.TEST_DATABASE_URL;
if (!pg_url) console.log('[server-restored-refill] the PostgreSQL restore is skipped: TEST_DATABASE_URL is not set');

describe.runIf(pg_url)('a server on PostgreSQL restored from a pg_dump backup into an empty database (real server in-process)', () => {
  const made: string[] = [];
  const admin = async (statement: string): Promise<void> => {
    const db = await openDb({ databaseUrl: pg_url });
    try {
      await db.query(statement);
    } finally {
      await db.close();
    }
  };
  const freshDatabase = async (): Promise<string> => {
    const name = `payme_refill_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE DATABASE ${name}`);
    made.push(name);
    const url = new URL(pg_url!);
    url.pathname = `/${name}`;
    return url.toString();
  };
  afterAll(async () => {
    for (const name of made) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  });

  it('is refilled by the tills: every sale once, sums agree, audit verify passes', async () => {
    const source = await freshDatabase();
    const s = await shop({ databaseUrl: source }, 'refill-pg');
    try {
      const file = path.join(dir, 'pg.backup');
      await backupServer({ to: file, pglite_dir: path.join(dir, 'unused'), database_url: source, audit_signing_key: null, now: new Date(s.w.clock.now()).toISOString() });
      const acked = await s.afterBackup();
      await s.stop();
      const target = await freshDatabase();
      await restoreServer({ from: file, pglite_dir: path.join(dir, 'unused'), database_url: target });
      await s.reopen({ databaseUrl: target });
      await s.expectBehind(acked);
      await settle(s.tills);
      await expectConverged(s.db(), s.w, s.tills, s.keys);
      expect(s.w.sales.size).toBe(6);
    } finally {
      await s.close();
    }
  }, 120_000);
});
