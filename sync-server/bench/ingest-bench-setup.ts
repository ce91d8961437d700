/**
 * What the ingest and feed benchmarks share: the databases to run on (PGlite with its data on
 * disk, and PostgreSQL when TEST_DATABASE_URL is set), a real server listening on loopback, test
 * businesses with extra tills, and percentiles. Progress goes to stderr; stdout is for results.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ManualClock, SeededRandom } from '@payme/shared';
import { openDb, type Db } from '../src/db/db.js';
import { generateMasterKey, keyringOf, type Keyring } from '../src/mpesa/credentials.js';
import { migrate } from '../src/db/migrate.js';
import { createEnrollmentCode, enrollTill } from '../src/auth/enrollment.js';
import { buildTestApp, createTestBusiness, testDatabases, type TestApp, type TestBusiness } from '../test/support/index.js';

export interface BenchDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<{ db: Db; cleanup: () => Promise<void> }>;
}

/** PGlite writes its data directory on disk (DESIGN §10: benchmarks write to disk, not tmpfs). */
export function benchDatabases(): BenchDatabase[] {
  const out: BenchDatabase[] = [
    {
      name: 'pglite',
      async open() {
        const dir = await mkdtemp(path.join(tmpdir(), 'payme-bench-'));
        const db = await openDb({ dataDir: path.join(dir, 'pglite') });
        return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
      },
    },
  ];
  const postgres = testDatabases().find((target) => target.name === 'postgres');
  if (postgres) out.push({ name: 'postgres', open: async () => ({ db: await postgres.open(), cleanup: async () => undefined }) });
  // BENCH_DATABASE=pglite|postgres runs one of them only (a quicker look while tuning).
  const only = process.env.BENCH_DATABASE;
  return only ? out.filter((target) => target.name === only) : out;
}

/** A migrated database with a clock at the bench's morning, a seeded random and an M-Pesa keyring. */
export async function openMpesaBench(target: BenchDatabase, seed: number): Promise<{ db: Db; cleanup: () => Promise<void>; clock: ManualClock; random: SeededRandom; keyring: Keyring }> {
  const { db, cleanup } = await target.open();
  await migrate(db);
  const random = new SeededRandom(seed);
  return { db, cleanup, clock: new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0)), random, keyring: keyringOf(generateMasterKey(random)) };
}

export interface BenchServer {
  db: Db;
  t: TestApp;
  url: string;
  close(): Promise<void>;
}

export async function startServer(target: BenchDatabase, options: Parameters<typeof buildTestApp>[1] = {}): Promise<BenchServer> {
  const { db, cleanup } = await target.open();
  await migrate(db);
  const t = await buildTestApp(db, options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return {
    db,
    t,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await t.app.close();
      await db.close();
      await cleanup();
    },
  };
}

export interface BenchTill {
  business: TestBusiness;
  till_id: string;
  device_token: string;
  receipt_prefix: string;
}

/** `tills` tills spread over `businesses` businesses (the first till of each is the test one). */
export async function benchTills(t: TestApp, businesses: number, tills: number): Promise<BenchTill[]> {
  const created = [];
  for (let i = 0; i < businesses; i += 1) created.push(await createTestBusiness(t.deps));
  const out: BenchTill[] = created.map((business) => ({ business, till_id: business.till.id, device_token: business.till.device_token, receipt_prefix: business.till.receipt_prefix }));
  // Stocked shelves, as in a shop: sales do not drive every level below zero (each an anomaly).
  for (const business of created) {
    await t.deps.db.query(
      `INSERT INTO stock_levels (business_id, store_id, product_id, on_hand, updated_at)
       SELECT $1, $2, p.id, 100000000, '2026-11-26T06:00:00Z' FROM products p WHERE p.business_id = $1`,
      [business.business_id, business.store_id],
    );
  }
  for (let i = out.length; i < tills; i += 1) {
    const business = created[i % businesses] as TestBusiness;
    const code = await t.deps.db.transaction((tx) => createEnrollmentCode(tx, t.deps, business.business_id, business.store_id, business.owner.id));
    const till = await enrollTill(t.deps, code.code, `Till ${i + 1}`);
    out.push({ business, till_id: till.till_id, device_token: till.device_token, receipt_prefix: till.receipt_prefix });
  }
  return out;
}

/** The cluster's durability settings, for a PostgreSQL line (issue 16: the figures come from `fsync` on). */
export async function databaseSettings(db: Db): Promise<{ fsync: boolean; synchronous_commit: boolean }> {
  const setting = async (name: string) => (await db.query<{ v: string }>(`SELECT current_setting('${name}') AS v`))[0]?.v === 'on';
  return { fsync: await setting('fsync'), synchronous_commit: await setting('synchronous_commit') };
}

/** What a bench line says about its database: its name, and on PostgreSQL its durability settings. */
export async function databaseFields(target: BenchDatabase, db: Db): Promise<Record<string, string | boolean>> {
  return { database: target.name, ...(target.name === 'postgres' ? await databaseSettings(db) : {}) };
}

export type DiskUse = Record<'events' | 'projections' | 'audit' | 'rollups', number>;

/**
 * Bytes on disk of the public tables, indexes and TOAST included, in the groups docs/capacity.md
 * sizes: the events as received, the audit log, the report rollups, and every other table (the
 * projections: sales, lines, tenders, stock, shifts, credit, feed changes, ...).
 */
export async function diskUse(db: Db): Promise<DiskUse> {
  const rows = await db.query<{ name: string; bytes: string | number }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'`,
  );
  const use: DiskUse = { events: 0, projections: 0, audit: 0, rollups: 0 };
  for (const row of rows) {
    if (row.name.startsWith('bench_')) continue;
    const group = row.name === 'till_events' || row.name === 'quarantined_events' ? 'events' : row.name.startsWith('audit_') ? 'audit' : row.name.includes('_rollup_') ? 'rollups' : 'projections';
    use[group] += Number(row.bytes);
  }
  return use;
}

/**
 * Bytes on disk per rollup row (indexes included): rollups grow with business days, hours, tills,
 * cashiers, tenders and products sold, not with events, so docs/capacity.md sizes them by rows.
 */
export async function rollupBytesPerRow(db: Db): Promise<number> {
  const rows = await db.query<{ bytes: string | number; n: string | number }>(
    `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE '%\\_rollup\\_%') AS bytes,
            (SELECT count(*) FROM sales_rollup_daily) + (SELECT count(*) FROM sales_rollup_hourly) + (SELECT count(*) FROM product_rollup_daily) AS n`,
  );
  const row = rows[0];
  return row && Number(row.n) > 0 ? Math.round(Number(row.bytes) / Number(row.n)) : 0;
}

/** Bytes per event each group grew by between two readings. */
export function diskPerEvent(before: DiskUse, after: DiskUse, events: number): DiskUse & { total: number } {
  const per = (key: keyof DiskUse) => Math.round((after[key] - before[key]) / events);
  const out = { events: per('events'), projections: per('projections'), audit: per('audit'), rollups: per('rollups') };
  return { ...out, total: out.events + out.projections + out.audit + out.rollups };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] as number) * 100) / 100;
}

export function latencySummary(samples: readonly number[]): { p50_ms: number; p95_ms: number; p99_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50_ms: percentile(sorted, 50), p95_ms: percentile(sorted, 95), p99_ms: percentile(sorted, 99) };
}

export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
