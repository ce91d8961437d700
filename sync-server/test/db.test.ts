/** The database layer and migrations, on both engines; the feed's write side and notifier. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, sqlState } from '../src/db/db.js';
import { appliedMigrations, loadMigrations, migrate } from '../src/db/migrate.js';
import { appendFeedChange, feedHead, FeedNotifier, readFeedChanges } from '../src/feed/changes.js';
import { createTestBusiness, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

for (const target of testDatabases()) {
  describe(`database layer (${target.name})`, () => {
    const t = useServerSuite(target);

    it('migrating again applies nothing; every migration is recorded', async () => {
      expect(await migrate(t.db)).toEqual([]);
      const files = await loadMigrations();
      expect(await appliedMigrations(t.db)).toEqual(files.map((m) => m.version));
      expect(files[0]).toMatchObject({ version: 1, name: 'core' });
    });

    // login_failures is keyed by an email before any business is known (auth/login-throttle.ts).
    it('every table carries business_id (businesses has id; login_failures is per email)', async () => {
      const rows = await t.db.query<{ table_name: string }>(
        `SELECT t.table_name FROM information_schema.tables t
          WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name NOT IN ('businesses', 'schema_migrations', 'login_failures')
            AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'business_id')`,
      );
      expect(rows.map((r) => r.table_name)).toEqual([]);
    });

    it('a failing transaction leaves nothing behind', async () => {
      const { business_id } = await createTestBusiness(t.deps);
      const before = await feedHead(t.db, business_id);
      await expect(
        t.db.transaction(async (tx) => {
          await appendFeedChange(tx, business_id, { kind: 'setting', entity_id: 'x', data: { n: 1 } });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await feedHead(t.db, business_id)).toBe(before);
    });

    it('bigint columns are numbers and nested transactions run inline', async () => {
      const rows = await t.db.query<{ n: number }>('SELECT 9007199254740991::bigint AS n');
      expect(rows[0]!.n).toBe(Number.MAX_SAFE_INTEGER);
      await expect(t.db.query('SELECT 9007199254740993::bigint AS n')).rejects.toThrow(/safe integer/);
      const inner = await t.db.transaction((tx) => tx.transaction(async (again) => (await again.query<{ one: number }>('SELECT 1 AS one'))[0]!.one));
      expect(inner).toBe(1);
    });

    it('a database error keeps its SQLSTATE', async () => {
      const error = await t.db.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect(sqlState(error)).toBe('42P01');
      expect(sqlState(null)).toBeUndefined();
    });

    it('concurrent feed appends of one business get gapless change_seq, and readers page through them', async () => {
      const { business_id } = await createTestBusiness(t.deps);
      const start = await feedHead(t.db, business_id);
      const seqs = await Promise.all(
        Array.from({ length: 25 }, (_, i) => t.db.transaction((tx) => appendFeedChange(tx, business_id, { kind: 'setting', entity_id: `e${i}`, data: { i } }, t.clock.now()))),
      );
      expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => start + i + 1));
      const page = await readFeedChanges(t.db, business_id, start, 10);
      expect(page.map((c) => c.change_seq)).toEqual(Array.from({ length: 10 }, (_, i) => start + i + 1));
      expect(page[0]).toMatchObject({ business_id, kind: 'setting' });
      await expect(t.db.transaction((tx) => appendFeedChange(tx, '00000000-0000-4000-8000-000000000000', { kind: 'setting', entity_id: 'x', data: null }))).rejects.toThrow(/no business/);
    });

    it('a deadlock between two transactions is retried, and both commit', async () => {
      const a = await createTestBusiness(t.deps);
      const b = await createTestBusiness(t.deps);
      let attempts = 0;
      const firstLocks: Array<() => void> = [];
      const bothHoldOne = new Promise<void>((resolve) => {
        let held = 0;
        firstLocks.push(() => (held += 1) === 2 && resolve(), () => (held += 1) === 2 && resolve());
      });
      // Each locks one business row, waits (first attempt only) until the other holds its row,
      // then wants the other's: on PostgreSQL one of them is chosen as the deadlock victim.
      const crossing = (first: string, second: string, index: number) =>
        t.db.transaction(async (tx) => {
          attempts += 1;
          await tx.query('SELECT 1 FROM businesses WHERE id = $1 FOR UPDATE', [first]);
          if (attempts <= 2 && t.db.kind === 'postgres') {
            firstLocks[index]!();
            await bothHoldOne;
          }
          await tx.query('UPDATE businesses SET name = name WHERE id = $1', [second]);
          return 'committed';
        });
      const results = await Promise.all([crossing(a.business_id, b.business_id, 0), crossing(b.business_id, a.business_id, 1)]);
      expect(results).toEqual(['committed', 'committed']);
      // PGlite runs one transaction at a time, so it never deadlocks; PostgreSQL retried the victim.
      expect(attempts).toBe(t.db.kind === 'postgres' ? 3 : 2);
    });

    it('the notifier wakes listeners after commit, including across instances on PostgreSQL', async () => {
      const here = new FeedNotifier(t.db, 'instance-a');
      const there = new FeedNotifier(t.db, 'instance-b');
      await here.start();
      await there.start();
      const wokenHere: string[] = [];
      const wokenThere: string[] = [];
      const stop = here.onFeedChange((id) => wokenHere.push(id));
      there.onFeedChange((id) => wokenThere.push(id));
      here.onFeedChange(() => {
        throw new Error('a faulty listener');
      });
      expect(here.listenerCount).toBe(2);
      here.notifyFeed('business-1');
      expect(wokenHere).toEqual(['business-1']);
      if (t.db.kind === 'postgres') {
        for (let i = 0; i < 50 && wokenThere.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(wokenThere).toEqual(['business-1']);
      } else {
        // PGlite is one process: there is no other instance to reach.
        expect(wokenThere).toEqual([]);
      }
      stop();
      here.notifyFeed('business-2');
      expect(wokenHere).toEqual(['business-1']);
      await here.close();
      await there.close();
    });
  });
}

describe('migrations', () => {
  it('refuse badly named or duplicate files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'payme-migrations-'));
    try {
      await writeFile(path.join(dir, '001_a.sql'), 'SELECT 1;');
      await writeFile(path.join(dir, 'oops.sql'), 'SELECT 1;');
      await expect(loadMigrations(dir)).rejects.toThrow(/NNN_name/);
      await rm(path.join(dir, 'oops.sql'));
      await writeFile(path.join(dir, '001_b.sql'), 'SELECT 1;');
      await expect(loadMigrations(dir)).rejects.toThrow(/share number/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('apply in order up to a version, each in its own transaction; a failing one rolls back alone', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'payme-migrations-'));
    const db = await openDb({});
    try {
      await writeFile(path.join(dir, '001_first.sql'), 'CREATE TABLE first_table (business_id uuid);');
      await writeFile(path.join(dir, '002_second.sql'), 'CREATE TABLE second_table (business_id uuid);');
      await writeFile(path.join(dir, '003_broken.sql'), 'CREATE TABLE third_table (business_id uuid); SELECT no_such_function();');
      expect(await migrate(db, { dir, upTo: 1 })).toEqual([1]);
      await expect(migrate(db, { dir })).rejects.toThrow(/no_such_function/);
      expect(await appliedMigrations(db)).toEqual([1, 2]);
      const third = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'third_table'`);
      expect(third).toHaveLength(0);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a PGlite data directory keeps its data across restarts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'payme-pglite-'));
    try {
      await mkdir(dir, { recursive: true });
      const first = await openDb({ dataDir: dir });
      await migrate(first);
      await first.query(`INSERT INTO businesses (id, name, created_at) VALUES ('0190a000-0000-7000-8000-000000000001', 'Persisted', now())`);
      await first.close();
      await first.close(); // closing twice is harmless
      const second = await openDb({ dataDir: dir });
      expect(await migrate(second)).toEqual([]);
      expect(await second.query('SELECT name FROM businesses')).toEqual([{ name: 'Persisted' }]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
