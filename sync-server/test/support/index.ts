/**
 * Test support shared by the server suites (core and ingest).
 *
 * - `testDatabases()`: PGlite always; PostgreSQL when TEST_DATABASE_URL is set (each `open()`
 *   creates a fresh database there and `close()` drops it, so files never see each other).
 * - `openMigrated(target)`: open + migrate. PGlite takes ~4 s to create: share one per file.
 * - `buildTestApp(db, options)`: the real app with a ManualClock, a seeded Random, cheap hash
 *   costs and generous rate limits.
 * - `createTestBusiness(deps)`: a fresh tenant (business, store, owner, manager, cashier,
 *   3 products, an enrolled till with its device token, an unused enrollment code).
 * - `login(app, email, password)`: a session (bearer token, csrf token, cookie header).
 * - `useServerSuite(target)` (server-suite.ts): all of the above wired into one describe block's
 *   hooks, plus `newBusinessWithTill()` and `push()` for the ingest and feed suites.
 */
import { ManualClock, SeededRandom, cryptoRandom } from '@payme/shared';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { openDb, type Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { buildApp } from '../../src/app.js';
import type { ServerConfigInput } from '../../src/config.js';
import type { ServerDeps } from '../../src/deps.js';
import { addProducts, addStaff, createBusiness } from '../../src/setup/business-setup.js';
import { createEnrollmentCode, enrollTill } from '../../src/auth/enrollment.js';
import { generateSigningKey } from '../../src/audit/signing-key.js';
import { generateMasterKey, keyringOf } from '../../src/mpesa/credentials.js';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Db>;
}

let pgSkipWarned = false;

/** The databases every integration suite runs against. */
export function testDatabases(): TestDatabase[] {
  const out: TestDatabase[] = [{ name: 'pglite', open: () => openDb({}) }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) out.push({ name: 'postgres', open: () => openFreshPostgres(url) });
  else if (!pgSkipWarned) {
    pgSkipWarned = true;
    console.warn('[sync-server tests] PostgreSQL runs skipped: TEST_DATABASE_URL is not set (PGlite runs only).');
  }
  return out;
}

/** A new database on the TEST_DATABASE_URL server, dropped again on close. */
async function openFreshPostgres(url: string): Promise<Db> {
  const fresh = await createFreshPostgres(url);
  const db = await openDb({ databaseUrl: fresh.url, poolSize: 8 });
  const close = db.close.bind(db);
  return Object.assign(db, {
    async close() {
      await close();
      await fresh.drop();
    },
  });
}

/** A new, empty database on the `url` server: its URL, for processes of its own, and its drop. */
export async function createFreshPostgres(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `payme_test_${process.pid}_${Buffer.from(cryptoRandom.bytes(6)).toString('hex')}`;
  // CREATE DATABASE copies template1 and fails (55006) while any other session is on it, an
  // autovacuum worker included: the same race as the drop's, so the same patience.
  for (let attempt = 1; ; attempt += 1) {
    const admin = new pg.Client({ connectionString: url });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      break;
    } catch (error) {
      if ((error as { code?: unknown }).code !== '55006' || attempt >= 12) throw error;
    } finally {
      await admin.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 1_500)));
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.toString(), drop: () => dropTestDatabase(url, name) };
}

/**
 * Drops a test database, retrying while something else still holds it. FORCE ends the sessions
 * of our own role, but a backend of another role (autovacuum, a monitoring session) makes it
 * fail with 42501 unless the role has pg_signal_backend (.ci/run grants it), and a session that
 * is just connecting makes a plain drop fail with 55006. Such backends go within seconds; after
 * about 10 s of trying the database is left with a warning (the cluster is a throwaway one), so
 * a clean-up race never fails a suite whose tests passed.
 */
export async function dropTestDatabase(url: string, name: string, attempts = 12): Promise<void> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const dropper = new pg.Client({ connectionString: url });
    try {
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      last = error;
      const code = (error as { code?: unknown }).code;
      if (code !== '42501' && code !== '55006' && code !== '57P03' && code !== '53300') break;
    } finally {
      await dropper.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 1_500)));
  }
  console.warn(`[sync-server tests] test database ${name} left on the test cluster: ${last instanceof Error ? last.message : String(last)}`);
}

export async function openMigrated(target: TestDatabase): Promise<Db> {
  const db = await target.open();
  await migrate(db);
  return db;
}

/** Cheap scrypt (tests hash hundreds of PINs) and limits no suite reaches by accident. */
export const test_config: ServerConfigInput = {
  password_hash_cost: { log2N: 4, r: 1, p: 1 },
  pin_hash_cost: { log2N: 4, r: 1, p: 1 },
  rate_limits: {
    login: { max: 100_000, timeWindow: 60_000 },
    enroll: { max: 100_000, timeWindow: 60_000 },
    push: { max: 100_000, timeWindow: 60_000 },
    payment: { max: 100_000, timeWindow: 60_000 },
  },
};

export interface TestApp {
  app: FastifyInstance;
  deps: ServerDeps;
  clock: ManualClock;
  random: SeededRandom;
}

let seedCounter = 0;

/** Builds the real app. Each app gets its own seed so ids never collide on a shared database. */
/** `mpesa: true` installs the M-Pesa routes too (worker off: tests drain jobs themselves). */
export async function buildTestApp(db: Db, options: { config?: ServerConfigInput; clock?: ManualClock; seed?: number; mpesa?: boolean; ownerViewDir?: string | null } = {}): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
  seedCounter += 1;
  const random = new SeededRandom(options.seed ?? cryptoRandom.int(0, 2 ** 31 - 1) ^ seedCounter);
  const config: ServerConfigInput = { ...test_config, signing_key: generateSigningKey(random), ...options.config, rate_limits: { ...test_config.rate_limits, ...options.config?.rate_limits } };
  const mpesa = options.mpesa ? { keyring: keyringOf(generateMasterKey(random)), start_worker: false } : undefined;
  const app = await buildApp({ db, clock, random, config, logger: false, ...(mpesa ? { mpesa } : {}), ...(options.ownerViewDir !== undefined ? { ownerViewDir: options.ownerViewDir } : {}) });
  await app.ready();
  return { app, deps: app.payme.deps, clock, random };
}

export interface TestBusiness {
  business_id: string;
  store_id: string;
  owner: { id: string; email: string; password: string };
  manager: { id: string; email: string; password: string; pin: string };
  cashier: { id: string; pin: string };
  products: Array<{ id: string; name: string; price_cents: number; unit: string; vat_class: string; barcode: string | null }>;
  till: { id: string; device_token: string; receipt_prefix: string; epoch: number };
  enrollment_code: string;
}

let businessCounter = 0;

export async function createTestBusiness(deps: ServerDeps, options: { name?: string } = {}): Promise<TestBusiness> {
  businessCounter += 1;
  const tag = `${process.pid}-${businessCounter}-${deps.random.int(0, 1e9)}`;
  const owner = { email: `owner-${tag}@example.test`, password: `owner-pass-${tag}` };
  const manager = { email: `manager-${tag}@example.test`, password: `manager-pass-${tag}`, pin: '2468' };
  const cashier = { pin: '1357' };
  const setup = await deps.db.transaction(async (tx) => {
    const { business_id, store_id } = await createBusiness(tx, deps, { name: options.name ?? `Test shop ${tag}`, store_name: 'Main store' });
    const ownerId = await addStaff(tx, deps, business_id, { name: 'Owner', role: 'owner', ...owner });
    const managerId = await addStaff(tx, deps, business_id, { name: 'Manager', role: 'manager', ...manager });
    const cashierId = await addStaff(tx, deps, business_id, { name: 'Cashier', role: 'cashier', pin: cashier.pin });
    const products = await addProducts(tx, deps, business_id, [
      { name: 'Sugar 1kg', sku: `SUG-${tag}`, barcode: `600${businessCounter}0001`, price_cents: 17_500, cost_cents: 15_000, vat_class: 'standard', unit: 'piece', stock_policy: 'allow_with_override' },
      { name: 'Loose rice (per kg)', sku: null, barcode: null, price_cents: 16_000, cost_cents: 13_000, vat_class: 'exempt', unit: 'gram', stock_policy: 'allow_with_override' },
      { name: 'Maize flour 2kg', sku: null, barcode: `600${businessCounter}0003`, price_cents: 21_000, cost_cents: null, vat_class: 'zero_rated', unit: 'piece', stock_policy: 'block' },
    ]);
    const tillCode = await createEnrollmentCode(tx, deps, business_id, store_id, ownerId);
    const spareCode = await createEnrollmentCode(tx, deps, business_id, store_id, ownerId);
    return { business_id, store_id, ownerId, managerId, cashierId, products, tillCode: tillCode.code, spareCode: spareCode.code };
  });
  const till = await enrollTill(deps, setup.tillCode, 'Till 1');
  return {
    business_id: setup.business_id,
    store_id: setup.store_id,
    owner: { id: setup.ownerId, ...owner },
    manager: { id: setup.managerId, ...manager },
    cashier: { id: setup.cashierId, ...cashier },
    products: setup.products.map(({ id, name, price_cents, unit, vat_class, barcode }) => ({ id, name, price_cents, unit, vat_class, barcode })),
    till: { id: till.till_id, device_token: till.device_token, receipt_prefix: till.receipt_prefix, epoch: till.epoch },
    enrollment_code: setup.spareCode,
  };
}

export interface Session {
  token: string;
  csrf_token: string;
  /** `payme_session=…` for cookie-authenticated requests. */
  cookie: string;
  bearer: { authorization: string };
}

export async function login(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { token: string; csrf_token: string };
  const setCookie = response.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  return { token: body.token, csrf_token: body.csrf_token, cookie, bearer: { authorization: `Bearer ${body.token}` } };
}

export function deviceAuth(business: TestBusiness): { authorization: string } {
  return { authorization: `Bearer ${business.till.device_token}` };
}
