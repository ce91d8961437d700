import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './db.js';
import { openMigrated, testDatabases } from '../../test/support/index.js';

for (const target of testDatabases()) {
  describe(`Db.commitWith (${target.name})`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await openMigrated(target);
      await db.exec('CREATE TABLE commit_with_probe (id integer PRIMARY KEY, body text, doc json)');
    });
    afterAll(async () => {
      await db.close();
    });

    it('runs the last statement and commits, passing any text through unchanged', async () => {
      const nasty = `it's \\'; DROP TABLE commit_with_probe; -- \\\\ E'x' $1 ünïcødé 😀 \n\t"`;
      const doc = JSON.stringify({ nasty, n: 1.5 });
      const rows = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO commit_with_probe (id, body) VALUES (1, $1)', ['first']);
        return tx.commitWith!<{ id: number; body: string; doc: unknown }>(
          'INSERT INTO commit_with_probe (id, body, doc) VALUES ($1, $2, $3::json) RETURNING id, body, doc',
          [2, nasty, doc],
        );
      });
      expect(rows).toEqual([{ id: 2, body: nasty, doc: { nasty, n: 1.5 } }]);
      const stored = await db.query<{ id: number; body: string }>('SELECT id, body FROM commit_with_probe ORDER BY id');
      expect(stored).toEqual([{ id: 1, body: 'first' }, { id: 2, body: nasty }]);
    });

    it('rolls the whole transaction back when the statement fails', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO commit_with_probe (id, body) VALUES (10, $1)', ['kept?']);
          return tx.commitWith!('INSERT INTO commit_with_probe (id, body) VALUES ($1, $2)', [1, 'duplicate key']);
        }),
      ).rejects.toMatchObject({ code: '23505' });
      expect(await db.query('SELECT id FROM commit_with_probe WHERE id = 10')).toEqual([]);
      // The connection is usable afterwards.
      expect(await db.query<{ n: number }>('SELECT count(*)::int AS n FROM commit_with_probe')).toEqual([{ n: 2 }]);
    });

    if (target.name !== 'postgres') {
      console.warn('[commit-with] literal checks run on PostgreSQL only: PGlite runs commitWith as a plain parameterised query.');
    }
    it.runIf(target.name === 'postgres')('refuses parameters it cannot write as literals, and any query after it', async () => {
      await expect(db.transaction((tx) => tx.commitWith!('SELECT $1', [{ not: 'text' }]))).rejects.toThrow(TypeError);
      await expect(db.transaction((tx) => tx.commitWith!('SELECT $1', ['nul \u0000']))).rejects.toThrow(TypeError);
      await expect(
        db.transaction(async (tx) => {
          await tx.commitWith!('SELECT 1', []);
          await tx.query('SELECT 1');
        }),
      ).rejects.toThrow('already committed');
    });
  });
}
