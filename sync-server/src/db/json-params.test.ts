import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Db } from './db.js';
import { openMigrated, testDatabases } from '../../test/support/index.js';

// PGlite gets json parameters as bytes in binary format (db.ts); whatever the text holds must
// arrive exactly as PostgreSQL, which gets them as text, reads it.
for (const target of testDatabases()) {
  describe(`json parameters (${target.name})`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await openMigrated(target);
    });
    afterAll(async () => {
      await db.close();
    });

    it('any JSON text, multi-byte and escaped characters included, reads back unchanged', async () => {
      await fc.assert(
        // text cannot hold NUL on PostgreSQL: the property covers every other character.
        fc.asyncProperty(fc.array(fc.record({ name: fc.string({ unit: 'grapheme' }), note: fc.string().filter((s) => !s.includes('\u0000')), cents: fc.integer() }), { maxLength: 20 }), async (rows) => {
          const back = await db.query<{ name: string; note: string; cents: number }>(
            'SELECT name, note, cents FROM json_to_recordset($1::json) AS x(name text, note text, cents bigint)',
            [JSON.stringify(rows)],
          );
          expect(back).toEqual(rows);
        }),
        { numRuns: 100 },
      );
    });

    it('an object passed for a json parameter is sent as its JSON', async () => {
      const rows = await db.query<{ doc: unknown }>('SELECT $1::json AS doc', [{ shop: 'Duka la Mfano', note: 'ünïcødé 😀' }]);
      expect(rows[0]?.doc).toEqual({ shop: 'Duka la Mfano', note: 'ünïcødé 😀' });
    });

    it('JSON that is not JSON is refused by the database, not stored', async () => {
      await expect(db.query('SELECT $1::json AS doc', ['{"open": '])).rejects.toThrow(/json/i);
    });
  });
}
