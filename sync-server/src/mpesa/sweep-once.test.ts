/**
 * The claims sweep runs once, not once per server (DESIGN §13): two instances sweeping the same
 * business at the same moment match each waiting confirmation once between them. PostgreSQL only:
 * PGlite is one connection, so two sweeps cannot overlap there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, isoAt, uuidv7 } from '@payme/shared';
import { openDb, type Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { buildTestApp, createFreshPostgres, createTestBusiness, type TestApp, type TestBusiness } from '../../test/support/index.js';
import { sweepClaims } from './c2b-callback.js';

const database_url = process.env.TEST_DATABASE_URL;
if (!database_url) console.warn('[sweep-once] skipped: TEST_DATABASE_URL is not set (two sweeps overlap only on PostgreSQL; PGlite is one connection).');

describe.skipIf(!database_url)('the C2B claims sweep on two instances', () => {
  let fresh: { url: string; drop(): Promise<void> };
  let one: Db;
  let two: Db;
  let built: TestApp;
  let business: TestBusiness;

  beforeAll(async () => {
    fresh = await createFreshPostgres(database_url as string);
    one = await openDb({ databaseUrl: fresh.url, poolSize: 4 });
    two = await openDb({ databaseUrl: fresh.url, poolSize: 4 });
    await migrate(one);
    built = await buildTestApp(one, { clock: new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0)) });
    business = await createTestBusiness(built.deps);
  });

  afterAll(async () => {
    await built?.app.close();
    await one?.close();
    await two?.close();
    await fresh?.drop();
  });

  /** Confirmations that came first, and the claims typed for them that a push brought later. */
  async function lateClaims(count: number, round: number): Promise<string[]> {
    const { clock, random } = built;
    const codes: string[] = [];
    for (let n = 0; n < count; n += 1) {
      const code = `SW${round}X${String(n).padStart(6, '0')}`;
      codes.push(code);
      await one.query(
        `INSERT INTO mpesa_c2b_transactions (business_id, trans_id, amount_cents, msisdn, trans_time, shortcode, received_at, status)
         VALUES ($1, $2, 10000, '2547•••149', '20261126090000', '600100', $3, 'unmatched')`,
        [business.business_id, code, isoAt(clock.now())],
      );
      await one.query(
        `INSERT INTO mpesa_claims (business_id, claim_id, sale_id, code, amount_cents, phone, till_id, event_id, occurred_at, received_at)
         VALUES ($1, $2, NULL, $3, 10000, NULL, $4, $5, $6, $6)`,
        [business.business_id, uuidv7(clock, random), code, business.till.id, uuidv7(clock, random), isoAt(clock.now())],
      );
    }
    return codes;
  }

  it('two sweeps started together match each late claim once between them', async () => {
    for (let round = 0; round < 5; round += 1) {
      const codes = await lateClaims(20, round);
      const env = { clock: built.clock, random: built.random };
      const [first, second] = await Promise.all([sweepClaims(one, env), sweepClaims(two, env)]);
      expect(first + second, `round ${round}: matched by the two sweeps (${first} + ${second})`).toBe(codes.length);
      const rows = await one.query<{ n: number }>(`SELECT count(*)::int AS n FROM mpesa_c2b_transactions WHERE business_id = $1 AND trans_id = ANY($2::text[]) AND status = 'matched'`, [
        business.business_id,
        codes,
      ]);
      expect(rows[0]?.n).toBe(codes.length);
    }
  });
});
