/**
 * Citus-ready keys (DESIGN §6, §13; issue 16): read from the migrated schema's catalog, every
 * business-owned table's primary key and every unique constraint or unique index leads with
 * business_id, so Citus could distribute the table by it unchanged (Citus needs the distribution
 * column in every unique key). The tables that are not business-owned are named here, each with
 * what it would be under Citus and why; a new table must be added to one side or the other.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { createTestBusiness, deviceAuth, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';

/** Global lookups: found before any business is known. Citus reference (copied to every node) or local (coordinator only). */
const global_tables: Record<string, { citus: 'reference' | 'local'; why: string }> = {
  businesses: { citus: 'reference', why: 'every business-owned table names it; one row per business' },
  sessions: { citus: 'reference', why: 'a session token is looked up before its business is known' },
  device_tokens: { citus: 'reference', why: 'a push names no business before its device token is read (migration 013)' },
  enrollment_codes: { citus: 'reference', why: 'a till types only the code; the business comes from it' },
  callback_secrets: { citus: 'reference', why: 'a Daraja callback names its business only through the secret in its path (migration 013)' },
  login_failures: { citus: 'local', why: 'sign-in throttling is keyed by an email, before any business is known' },
  schema_migrations: { citus: 'local', why: 'the schema version, one per database' },
};

/**
 * Unique keys of business-owned tables that do not lead with business_id yet. Each has its
 * business-leading replacement (an index, or a global lookup table) since migration 013 and is
 * dropped by the contracting migration a release later (expand, then contract: DESIGN §13).
 */
const contract_next_release: Record<string, { replaced_by: { index: string } | { table: string } }> = {
  tills_device_token_hash_key: { replaced_by: { table: 'device_tokens' } },
  mpesa_credentials_callback_secret_hash_key: { replaced_by: { table: 'callback_secrets' } },
  payments_checkout: { replaced_by: { index: 'payments_checkout_per_business' } },
  mpesa_async_conversation: { replaced_by: { index: 'mpesa_async_conversation_per_business' } },
};

interface UniqueKey {
  table_name: string;
  index_name: string;
  columns: string[];
  is_primary: boolean;
}

/** Primary keys, unique constraints and unique indexes (partial ones too) of the public schema. */
async function uniqueKeys(db: Db): Promise<UniqueKey[]> {
  const rows = await db.query<{ table_name: string; index_name: string; columns: string; is_primary: boolean }>(
    `SELECT t.relname AS table_name, i.relname AS index_name, x.indisprimary AS is_primary,
            (SELECT string_agg(coalesce(a.attname, '(expression)'), ',' ORDER BY k.ord)
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS columns
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND x.indisunique
      ORDER BY 1, 2`,
  );
  return rows.map((row) => ({ ...row, columns: row.columns.split(',') }));
}

async function tableNames(db: Db): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((row) => row.table_name);
}

for (const target of testDatabases()) {
  describe(`Citus-ready keys (${target.name})`, () => {
    const t = useServerSuite(target);

    it('every business-owned table has a primary key, and every unique key leads with business_id', async () => {
      const keys = await uniqueKeys(t.db);
      const owned = (await tableNames(t.db)).filter((table) => !(table in global_tables));
      expect(owned.length).toBeGreaterThan(30);
      for (const table of owned) {
        const primary = keys.find((key) => key.table_name === table && key.is_primary);
        expect(primary, `${table}: has no primary key`).toBeDefined();
        expect(primary?.columns[0], `${table}: primary key ${primary?.index_name} (${primary?.columns.join(', ')})`).toBe('business_id');
      }
      const offending = keys
        .filter((key) => owned.includes(key.table_name) && key.columns[0] !== 'business_id' && !(key.index_name in contract_next_release))
        .map((key) => `${key.table_name}.${key.index_name} (${key.columns.join(', ')})`);
      expect(offending).toEqual([]);
    });

    it('each key awaiting the contract has its business-leading replacement already', async () => {
      const keys = await uniqueKeys(t.db);
      const tables = await tableNames(t.db);
      for (const [name, { replaced_by }] of Object.entries(contract_next_release)) {
        if ('table' in replaced_by) {
          expect(tables, `${name}: lookup table ${replaced_by.table}`).toContain(replaced_by.table);
          continue;
        }
        const replacement = keys.find((key) => key.index_name === replaced_by.index);
        const original = keys.find((key) => key.index_name === name);
        expect(replacement?.columns[0], `${name}: replacement ${replaced_by.index}`).toBe('business_id');
        // The replacement is the same key with business_id in front: nothing it allowed is lost.
        expect(replacement?.columns.slice(1)).toEqual(original?.columns);
      }
      // A key listed here that no longer exists means the contract landed: take it off the list.
      const stale = Object.keys(contract_next_release).filter((name) => !keys.some((key) => key.index_name === name));
      expect(stale).toEqual([]);
    });

    it('the global tables are the named lookups', async () => {
      const tables = await tableNames(t.db);
      expect(Object.keys(global_tables).filter((table) => !tables.includes(table))).toEqual([]);
    });

    // The triggers of migration 013 keep the lookups in step with the rows release N−1 still writes.
    it('a till found by its device token follows a token written to tills only (as release N−1 writes it)', async () => {
      const business = await createTestBusiness(t.deps);
      const pull = () => t.app.inject({ method: 'GET', url: '/v1/sync/pull?after=0', headers: deviceAuth(business) });
      expect((await pull()).statusCode).toBe(200);
      const [row] = await t.db.query<{ device_token_hash: string }>('SELECT device_token_hash FROM tills WHERE business_id = $1 AND id = $2', [business.business_id, business.till.id]);
      await t.db.query(`UPDATE tills SET device_token_hash = 'replaced' WHERE business_id = $1 AND id = $2`, [business.business_id, business.till.id]);
      expect((await pull()).statusCode).toBe(401);
      await t.db.query('UPDATE tills SET device_token_hash = $3 WHERE business_id = $1 AND id = $2', [business.business_id, business.till.id, row!.device_token_hash]);
      expect((await pull()).statusCode).toBe(200);
      expect(await t.db.query(`SELECT 1 FROM device_tokens WHERE token_hash = 'replaced'`)).toEqual([]);
    });

    it('a callback secret written to mpesa_credentials only is found, and a removed account is not', async () => {
      const business = await createTestBusiness(t.deps);
      const lookup = (hash: string) => t.db.query<{ business_id: string }>('SELECT business_id::text AS business_id FROM callback_secrets WHERE secret_hash = $1', [hash]);
      await t.db.query(
        `INSERT INTO mpesa_credentials (business_id, base_url, kind, business_shortcode, till_number, callback_base_url, callback_secret_hash, secrets_sealed, key_id, updated_at)
         VALUES ($1, 'http://127.0.0.1:1', 'till', '174379', '600100', 'https://example.test', 'first', 'sealed', 'k1', now())`,
        [business.business_id],
      );
      expect(await lookup('first')).toEqual([{ business_id: business.business_id }]);
      await t.db.query(`UPDATE mpesa_credentials SET callback_secret_hash = 'second' WHERE business_id = $1`, [business.business_id]);
      expect(await lookup('first')).toEqual([]);
      expect(await lookup('second')).toEqual([{ business_id: business.business_id }]);
      await t.db.query('DELETE FROM mpesa_credentials WHERE business_id = $1', [business.business_id]);
      expect(await lookup('second')).toEqual([]);
    });
  });
}
