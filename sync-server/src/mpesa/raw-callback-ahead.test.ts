/**
 * A callback's raw row does not queue behind pushes for the database (issue 16, DESIGN §7).
 * PostgreSQL: the pool's every client is held by a transaction (pushes during a catch-up storm),
 * and the raw INSERT still commits, on the connection kept for it, before that transaction ends.
 * PGlite has one connection, so a running transaction is always waited for; there the INSERT goes
 * before the transactions still waiting their turn (test/push-admission-http.test.ts). An order of
 * events, not a speed. About a second and a half (one migration).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom, uuidv7 } from '@payme/shared';
import { openDb, type Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { createFreshPostgres } from '../../test/support/index.js';
import { RawCallbackWriter } from './raw-callback-writer.js';

/** Long enough never to be reached while the INSERT can run; without its own connection it cannot. */
const give_up_ms = 10_000;

const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
const random = new SeededRandom(16);
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function withBusiness(db: Db): Promise<string> {
  await migrate(db);
  const businessId = uuidv7(clock, random);
  await db.query(`INSERT INTO businesses (id, name, created_at) VALUES ($1, 'Storm', now())`, [businessId]);
  return businessId;
}

describe('raw callback writes and a pool held by pushes', () => {
  const url = process.env.TEST_DATABASE_URL;
  it.skipIf(!url)('PostgreSQL: a raw callback commits while every pooled client is held by a transaction', async () => {
    const fresh = await createFreshPostgres(url as string);
    // One pooled client, so one transaction holds the whole pool.
    const db = await openDb({ databaseUrl: fresh.url, poolSize: 1 });
    closers.push(() => fresh.drop(), () => db.close());
    const businessId = await withBusiness(db);
    const writer = new RawCallbackWriter(db, { clock, random });
    const order: string[] = [];
    let stored: Promise<string> | undefined;
    await db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      stored = writer.store(businessId, 'stk', '{"Body":{}}', '196.201.214.200');
      const first = await Promise.race([stored.then(() => 'stored'), new Promise<string>((resolve) => setTimeout(() => resolve('gave up'), give_up_ms).unref())]);
      order.push(first, 'pool released');
    });
    const callbackId = await stored;
    if (!order.includes('stored')) order.push('stored');
    expect(order).toEqual(['stored', 'pool released']);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpesa_callbacks WHERE callback_id = $1', [callbackId]);
    expect(rows[0]?.n).toBe(1);
  });
  if (!url) console.warn('[raw-callback-ahead] skipped: TEST_DATABASE_URL is not set (PGlite has one connection, no pool to hold).');
});
