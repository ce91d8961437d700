/**
 * Migrations are forward-only and expand-only (DESIGN §13): every statement of every migration
 * that could break the previous release's server carries a marked reason, and the scanner finds
 * each kind of contracting statement (so this test can fail).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractingStatements, splitStatements } from './expand-only.js';
import { migrations_dir } from './migrate.js';

function repoMigrations(): Array<{ file: string; sql: string }> {
  return readdirSync(migrations_dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ file, sql: readFileSync(path.join(migrations_dir, file), 'utf8') }));
}

const earlier = { file: '001_t.sql', sql: 'CREATE TABLE t (id uuid PRIMARY KEY, a text, b text);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;' };

function rulesOf(sql: string): string[] {
  return contractingStatements([earlier, { file: '002_x.sql', sql }]).map((found) => found.rule);
}

describe('migrations are expand-only', () => {
  it('every contracting statement in the repository says why (-- expand-exception: …)', () => {
    const found = contractingStatements(repoMigrations());
    const listed = found.map((item) => `${item.file}:${item.line} ${item.rule}: ${item.statement}`);
    expect(listed, 'add an expand-only step instead (DESIGN §13: a contracting change waits a release), or say why release N−1 still runs in a "-- expand-exception: …" line directly above the statement').toEqual([]);
  });

  it('finds drops, renames, type changes, NOT NULL, new constraints, truncation, deletion and replaced functions', () => {
    expect(rulesOf('DROP TABLE t;')).toEqual(['DROP TABLE']);
    expect(rulesOf('ALTER TABLE t DROP COLUMN a;')).toEqual(['DROP COLUMN']);
    expect(rulesOf('ALTER TABLE t DROP a;')).toEqual(['DROP COLUMN']);
    expect(rulesOf('ALTER TABLE t RENAME COLUMN a TO c;')).toEqual(['RENAME']);
    expect(rulesOf('ALTER TABLE t RENAME TO u;')).toEqual(['RENAME']);
    expect(rulesOf('ALTER INDEX t_pkey RENAME TO u_pkey;')).toEqual(['RENAME']);
    expect(rulesOf("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';")).toEqual(['ALTER TYPE']);
    expect(rulesOf('ALTER TABLE t ALTER COLUMN a TYPE integer USING a::integer;')).toEqual(['ALTER COLUMN TYPE']);
    expect(rulesOf('ALTER TABLE t ALTER a SET DATA TYPE varchar(3);')).toEqual(['ALTER COLUMN TYPE']);
    expect(rulesOf('ALTER TABLE t ALTER COLUMN a SET NOT NULL;')).toEqual(['SET NOT NULL']);
    expect(rulesOf('ALTER TABLE t ALTER COLUMN b DROP DEFAULT;')).toEqual(['DROP DEFAULT']);
    expect(rulesOf('ALTER TABLE t ADD COLUMN c integer NOT NULL;')).toEqual(['ADD COLUMN NOT NULL without DEFAULT']);
    expect(rulesOf('ALTER TABLE t ADD CONSTRAINT t_a CHECK (a <> \'\');')).toEqual(['ADD CONSTRAINT']);
    expect(rulesOf('ALTER TABLE t ADD UNIQUE (a);')).toEqual(['ADD CONSTRAINT']);
    expect(rulesOf('CREATE UNIQUE INDEX t_a ON t (a);')).toEqual(['CREATE UNIQUE INDEX on an existing table']);
    expect(rulesOf('DROP INDEX t_a;')).toEqual(['DROP INDEX']);
    expect(rulesOf('TRUNCATE t;')).toEqual(['TRUNCATE']);
    expect(rulesOf('DELETE FROM t WHERE a IS NULL;')).toEqual(['DELETE']);
    expect(rulesOf('CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;')).toEqual(["CREATE OR REPLACE of an earlier migration's function"]);
    // Two actions in one ALTER TABLE are both checked.
    expect(rulesOf('ALTER TABLE t ADD COLUMN c text, DROP COLUMN b;')).toEqual(['DROP COLUMN']);
  });

  it('lets expansions through: new tables shaped freely in their own file, nullable or defaulted columns, indexes, DROP NOT NULL, new functions, enum values', () => {
    expect(
      rulesOf(`CREATE TABLE u (id uuid);
ALTER TABLE u ADD COLUMN n integer NOT NULL;
ALTER TABLE u ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX u_n ON u (n);
ALTER TABLE t ADD COLUMN c text;
ALTER TABLE t ADD COLUMN d integer NOT NULL DEFAULT 0;
ALTER TABLE t ALTER COLUMN a DROP NOT NULL;
CREATE INDEX t_b ON t (b);
UPDATE t SET b = a WHERE b IS NULL;
CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN DELETE FROM t; DROP TABLE u; END $fn$;
ALTER TYPE mood ADD VALUE 'calm';
-- DROP TABLE t; (a comment is not a statement)
SELECT 'DROP TABLE t';`),
    ).toEqual([]);
  });

  it('accepts a contracting statement only with a marked reason directly above it', () => {
    expect(rulesOf('-- expand-exception: release N−1 never reads column a (gone since two releases)\nALTER TABLE t DROP COLUMN a;')).toEqual([]);
    // A reason too short to be one, a marker for another statement, and one cut off by a blank line do not count.
    expect(rulesOf('-- expand-exception: ok\nALTER TABLE t DROP COLUMN a;')).toEqual(['DROP COLUMN']);
    expect(rulesOf('-- expand-exception: release N−1 never reads column a at all\nALTER TABLE t ADD COLUMN c text;\nALTER TABLE t DROP COLUMN a;')).toEqual(['DROP COLUMN']);
    expect(rulesOf('-- expand-exception: release N−1 never reads column a at all\n\nALTER TABLE t DROP COLUMN a;')).toEqual(['DROP COLUMN']);
  });

  it('names the file and line of what it finds', () => {
    const [found] = contractingStatements([earlier, { file: '002_x.sql', sql: '-- 002: a change\nCREATE INDEX t_a ON t (a);\n\nALTER TABLE t\n  DROP COLUMN b;\n' }]);
    expect(found).toMatchObject({ file: '002_x.sql', line: 4, rule: 'DROP COLUMN', statement: 'ALTER TABLE t' });
    expect(splitStatements("SELECT ';' ; SELECT 2").map((statement) => statement.text)).toEqual(["SELECT ''", 'SELECT 2']);
  });
});
