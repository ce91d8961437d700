/**
 * Server release rollback (DESIGN §13: migrations are forward-only and expand-only, so release
 * N−1 runs on schema N). The server code of the commit before the newest migration is checked
 * out (git worktree) and run as a real `payme-server serve` process on a database this checkout
 * migrated: it enrolls a till, takes pushes (a repeated one is a duplicate) and serves pulls.
 * Then this release takes over again on the same database and the tills carry on. On PGlite
 * always; on PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@payme/shared';
import { openDb, type Db } from '../src/db/db.js';
import { appliedMigrations, loadMigrations, migrate } from '../src/db/migrate.js';
import { TillEvents, pushBody, type Envelope } from './ingest-event-builder.js';
import { buildTestApp, createFreshPostgres, createTestBusiness, type TestBusiness } from './support/index.js';
import { checkOutPreviousRelease, previousReleaseUnavailable, type PreviousRelease } from './support/previous-release.js';
import { httpJson as http, startServerProcess } from './support/server-process.js';

const unavailable = previousReleaseUnavailable();
if (unavailable) console.warn(`[rollback] skipped: ${unavailable}`);

interface Target {
  name: 'pglite' | 'postgres';
  /** Opens this release's connection to the shared database (PGlite: only while no server holds it). */
  open(): Promise<Db>;
  server_env: Record<string, string>;
  /** The server's `--data` folder (PGlite's database lives in it). */
  data_dir?: string;
  drop(): Promise<void>;
}

describe.skipIf(unavailable !== null)('rollback: the previous release serves on this release\'s schema', { timeout: 240_000 }, () => {
  let scratch: string;
  let previous: PreviousRelease;

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'payme-rollback-'));
    previous = await checkOutPreviousRelease(path.join(scratch, 'previous'));
    console.log(JSON.stringify({ test: 'rollback', previous_release: previous.commit, newest_migration: previous.newest_migration, added_by: previous.newest_commit }));
  });

  afterAll(() => {
    previous?.remove();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const targets: Array<() => Promise<Target>> = [
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'payme-rollback-data-'));
      return { name: 'pglite', open: () => openDb({ dataDir: path.join(dataDir, 'pglite'), databaseUrl: '' }), server_env: { DATABASE_URL: '' }, data_dir: dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    targets.push(async () => {
      const fresh = await createFreshPostgres(url);
      return { name: 'postgres', open: () => openDb({ databaseUrl: fresh.url, poolSize: 4 }), server_env: { DATABASE_URL: fresh.url }, drop: fresh.drop };
    });
  } else console.warn('[rollback] the PostgreSQL run is skipped: TEST_DATABASE_URL is not set (the PGlite run stays).');

  for (const [index, makeTarget] of targets.entries()) {
    it(`${index === 0 ? 'PGlite' : 'PostgreSQL'}: enroll, push and pull on the previous release, then this release carries on`, async () => {
      const target = await makeTarget();
      try {
        // This release migrates the database and sets up a business with one enrolled till.
        let db = await target.open();
        await migrate(db);
        const newest = (await loadMigrations()).at(-1)?.version;
        expect((await appliedMigrations(db)).at(-1)).toBe(newest);
        let built = await buildTestApp(db, { clock: new ManualClock(Date.now()) });
        const business: TestBusiness = await createTestBusiness(built.deps);
        await built.app.close();
        await db.close();

        // The previous release's server on that database.
        const old = await startServerProcess({
          bin: previous.bin,
          cwd: previous.dir,
          data: target.data_dir ?? path.join(scratch, `${target.name}-server`),
          env: target.server_env,
          log_file: path.join(scratch, `${target.name}-previous-server.log`),
        });
        const [sugar, rice] = business.products as [TestBusiness['products'][number], TestBusiness['products'][number]];
        const first = new TillEvents(business.till.id, business.cashier.id, 11, business.till.receipt_prefix);
        let second: { till: TillEvents; token: string };
        try {
          const enrolled = await http(`${old.url}/v1/tills/enroll`, { method: 'POST', body: { code: business.enrollment_code, name: 'Till 2' } });
          expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
          second = { till: new TillEvents(String(enrolled.body.till_id), business.cashier.id, 12, String(enrolled.body.receipt_prefix)), token: String(enrolled.body.device_token) };
          const tills: Array<{ till: TillEvents; token: string }> = [{ till: first, token: business.till.device_token }, second];
          for (const { till, token } of tills) {
            const events: Envelope[] = [till.sale([[sugar, 1]]), till.sale([[rice, 500]]), till.sale([[sugar, 2], [rice, 250]])];
            const pushed = await http(`${old.url}/v1/sync/push`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: pushBody(till.till_id, events) });
            expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
            expect((pushed.body.results as Array<{ status: string }>).map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
            const again = await http(`${old.url}/v1/sync/push`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: pushBody(till.till_id, events) });
            expect((again.body.results as Array<{ status: string }>).map((result) => result.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
            const pulled = await http(`${old.url}/v1/sync/pull?after=0`, { headers: { authorization: `Bearer ${token}` } });
            expect(pulled.status, JSON.stringify(pulled.body)).toBe(200);
            expect(pulled.body.acked_seq).toBe(3);
            const kinds = new Set((pulled.body.changes as Array<{ kind: string }>).map((change) => change.kind));
            for (const kind of ['product', 'staff', 'stock_level', 'till_state']) expect(kinds, kind).toContain(kind);
          }
          const login = await http(`${old.url}/v1/auth/login`, { method: 'POST', body: { email: business.owner.email, password: business.owner.password } });
          expect(login.status, JSON.stringify(login.body)).toBe(200);
        } finally {
          await old.stop();
        }

        // Forward again: this release on the same database, both tills carry on.
        db = await target.open();
        try {
          await migrate(db);
          built = await buildTestApp(db, { clock: new ManualClock(Date.now()) });
          for (const { till, token } of [{ till: first, token: business.till.device_token }, second]) {
            const pushed = await built.app.inject({ method: 'POST', url: '/v1/sync/push', headers: { authorization: `Bearer ${token}` }, payload: pushBody(till.till_id, [till.sale([[sugar, 1]])]) });
            expect(pushed.statusCode, pushed.body).toBe(200);
            expect(pushed.json()).toMatchObject({ acked_seq: 4, results: [{ status: 'applied' }] });
            const pulled = await built.app.inject({ method: 'GET', url: '/v1/sync/pull?after=0', headers: { authorization: `Bearer ${token}` } });
            expect(pulled.statusCode, pulled.body).toBe(200);
            expect(pulled.json()).toMatchObject({ acked_seq: 4 });
          }
          const [counts] = await db.query<{ sales: number; receipts: number }>('SELECT count(*)::int AS sales, count(DISTINCT receipt_no)::int AS receipts FROM sales WHERE business_id = $1', [business.business_id]);
          expect(counts).toEqual({ sales: 8, receipts: 8 });
          await built.app.close();
        } finally {
          await db.close();
        }
      } finally {
        await target.drop();
      }
    });
  }
});
