import { describe, expect, it } from 'vitest';
import { migrate } from '../db/migrate.js';
import { testDatabases } from '../../test/support/index.js';

for (const target of testDatabases()) {
  describe(`migration 003_mpesa on ${target.name}`, () => {
    it('applies on top of the schema of 002 and is not applied twice', async () => {
      const db = await target.open();
      try {
        const listTables = async () =>
          (await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)).map((row) => row.table_name);
        const early = await migrate(db, { upTo: 2 });
        expect(early).not.toContain(3);
        const before = new Set(await listTables());
        const applied = await migrate(db, { upTo: 3 });
        expect(applied).toEqual([3]);
        expect(await migrate(db, { upTo: 3 })).toEqual([]);
        const added = (await listTables()).filter((name) => !before.has(name));
        expect(added).toEqual([
          'mpesa_async_requests',
          'mpesa_c2b_transactions',
          'mpesa_callbacks',
          'mpesa_credentials',
          'mpesa_jobs',
          'mpesa_reversals',
          'mpesa_unmatched',
          'payment_history',
          'payments',
        ]);
        // Every table carries business_id (DESIGN §6).
        const withoutTenant = await db.query<{ table_name: string }>(
          `SELECT t.table_name FROM information_schema.tables t WHERE t.table_schema = 'public' AND t.table_name = ANY ($1)
             AND NOT EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_name = t.table_name AND c.column_name = 'business_id')`,
          [added],
        );
        expect(withoutTenant).toEqual([]);
      } finally {
        await db.close();
      }
    });
  });
}
