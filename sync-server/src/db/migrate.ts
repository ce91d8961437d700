/**
 * Numbered, append-only migrations (`migrations/NNN_name.sql`), applied in order, each in its own
 * transaction and recorded in `schema_migrations`. Running again applies only what is missing.
 * An advisory transaction lock makes concurrent starts of several servers on one PostgreSQL take
 * turns instead of racing to create the same tables.
 */
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Db } from './db.js';

export const migrations_dir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Arbitrary constant naming "PayMe schema migration" among advisory locks. */
const migration_lock_key = 727_001;

const migration_file = /^(\d{3})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir: string = migrations_dir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  const seen = new Set<number>();
  const out: Migration[] = [];
  for (const file of files) {
    const match = migration_file.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNN_name.sql`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new Error(`two migrations share number ${match[1]}`);
    seen.add(version);
    out.push({ version, name: match[2] as string, sql: await readFile(path.join(dir, file), 'utf8') });
  }
  return out;
}

/** Applies every migration not yet recorded. Returns the versions applied by this call. */
export async function migrate(db: Db, options: { dir?: string; upTo?: number } = {}): Promise<number[]> {
  const all = await loadMigrations(options.dir);
  const applied: number[] = [];
  for (const migration of all) {
    if (options.upTo !== undefined && migration.version > options.upTo) break;
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [migration_lock_key]);
      await tx.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL
         )`,
      );
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      // Migration bookkeeping is infrastructure, not domain time: the database clock is fine here.
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}

export async function appliedMigrations(db: Db): Promise<number[]> {
  const rows = await db.query<{ version: number }>(
    `SELECT version FROM schema_migrations ORDER BY version`,
  );
  return rows.map((row) => row.version);
}
