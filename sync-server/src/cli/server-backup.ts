/**
 * `payme-server backup --to FILE` and `restore --from FILE` (DESIGN §13, issue 15), process edge.
 *
 * A backup file is one header line, one manifest line (JSON) and the payload:
 * - PGlite: the data directory as PGlite's own gzipped tar (`dumpDataDir`);
 * - PostgreSQL: `pg_dump --format=custom`.
 * The manifest names the database kind, the schema versions, the payload's length and SHA-256, and
 * the key references: the audit signing key's id and public key and the M-Pesa master key ids the
 * stored credentials are sealed under. Key material never goes in the file: the keys live in the
 * environment or beside the data (sync-server/README.md), and a restore names the ones missing.
 *
 * A restore checks the whole file (header, manifest, length, hash) before it touches anything, and
 * restores only into an empty server: an empty PGlite folder, or a PostgreSQL database without
 * tables (`pg_restore --single-transaction --exit-on-error`, so a failure leaves it empty).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { replaceFileDurably } from '../durable-file.js';
import type { Db } from '../db/db.js';

export const backup_header = 'PAYME-SERVER-BACKUP 1';

export interface BackupManifest {
  format: 1;
  database: 'pglite' | 'postgres';
  created_at: string;
  schema_versions: number[];
  payload_bytes: number;
  payload_sha256: string;
  keys: { audit_signing_key: { key_id: string; public_key: string } | null; master_key_ids: string[] };
}

export class BackupError extends Error {}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function encode(manifest: BackupManifest, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${backup_header}\n${JSON.stringify(manifest)}\n`, 'utf8'), payload]);
}

/** Reads and checks a whole backup file; a wrong, cut-short or altered file is refused in words. */
export async function readBackup(file: string): Promise<{ manifest: BackupManifest; payload: Buffer }> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new BackupError(`cannot read --from ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const first = bytes.indexOf(0x0a);
  if (first < 0 || bytes.subarray(0, first).toString('utf8') !== backup_header) {
    throw new BackupError(`--from ${file} is not a payme-server backup (it does not start with "${backup_header}")`);
  }
  const second = bytes.indexOf(0x0a, first + 1);
  let manifest: BackupManifest;
  try {
    if (second < 0) throw new Error('no manifest');
    manifest = JSON.parse(bytes.subarray(first + 1, second).toString('utf8')) as BackupManifest;
  } catch {
    throw new BackupError(`--from ${file} is cut short or damaged: its manifest line is not whole`);
  }
  if (manifest.format !== 1 || (manifest.database !== 'pglite' && manifest.database !== 'postgres')) {
    throw new BackupError(`--from ${file} has a manifest this release does not know (format ${String(manifest.format)})`);
  }
  const payload = bytes.subarray(second + 1);
  if (payload.length !== manifest.payload_bytes) {
    throw new BackupError(`--from ${file} is cut short or damaged: ${payload.length} bytes of data where the manifest says ${manifest.payload_bytes}`);
  }
  if (sha256(payload) !== manifest.payload_sha256) throw new BackupError(`--from ${file} is damaged: its data does not match the SHA-256 in its manifest`);
  return { manifest, payload };
}

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

async function describe(query: Query): Promise<Pick<BackupManifest, 'schema_versions'> & { master_key_ids: string[] }> {
  const versions = await query('SELECT version FROM schema_migrations ORDER BY version');
  const keys = await query('SELECT DISTINCT key_id FROM mpesa_credentials ORDER BY key_id');
  return { schema_versions: versions.map((row) => Number(row.version)), master_key_ids: keys.map((row) => String(row.key_id)) };
}

function run(command: string, args: string[], what: string): Buffer {
  const result = spawnSync(command, args, { maxBuffer: 1 << 30 });
  if (result.error) throw new BackupError(`${what}: cannot run ${command} (${result.error.message}); install the PostgreSQL client programs`);
  if (result.status !== 0) throw new BackupError(`${what} failed: ${result.stderr.toString('utf8').trim()}`);
  return result.stdout;
}

export interface BackupInput {
  to: string;
  /** The PGlite data folder (`<data>/pglite`) or, with `database_url`, PostgreSQL. */
  pglite_dir: string;
  database_url?: string | undefined;
  /** PGlite: the running server's own database, which takes the backup between two statements. */
  live?: Pick<Db, 'query' | 'dumpDataDir'> | undefined;
  audit_signing_key: { key_id: string; public_key: string } | null;
  now: string;
}

export async function backupServer(input: BackupInput): Promise<BackupManifest> {
  let payload: Buffer;
  let described: Awaited<ReturnType<typeof describe>>;
  if (input.database_url) {
    payload = run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--dbname=${input.database_url}`], 'pg_dump');
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: input.database_url });
    await client.connect();
    try {
      described = await describe(async (sql) => (await client.query(sql)).rows as Array<Record<string, unknown>>);
    } finally {
      await client.end();
    }
  } else if (input.live?.dumpDataDir) {
    const live = input.live;
    described = await describe((sql) => live.query(sql));
    payload = Buffer.from(await input.live.dumpDataDir());
  } else {
    const entries = await readdir(input.pglite_dir).catch(() => [] as string[]);
    if (entries.length === 0) throw new BackupError(`no PGlite data in ${input.pglite_dir}: --data names the server's data folder`);
    const db = await PGlite.create(input.pglite_dir);
    try {
      described = await describe(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
      payload = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
    } finally {
      await db.close();
    }
  }
  const manifest: BackupManifest = {
    format: 1,
    database: input.database_url ? 'postgres' : 'pglite',
    created_at: input.now,
    schema_versions: described.schema_versions,
    payload_bytes: payload.length,
    payload_sha256: sha256(payload),
    keys: { audit_signing_key: input.audit_signing_key, master_key_ids: described.master_key_ids },
  };
  await replaceFileDurably(input.to, encode(manifest, payload), 0o600);
  // Read back and checked, so a backup that cannot be restored is known now, not on the bad day.
  await readBackup(input.to);
  return manifest;
}

export interface RestoreInput {
  from: string;
  pglite_dir: string;
  database_url?: string | undefined;
}

export async function restoreServer(input: RestoreInput): Promise<BackupManifest> {
  const { manifest, payload } = await readBackup(input.from);
  const target = input.database_url ? 'postgres' : 'pglite';
  if (manifest.database !== target) {
    throw new BackupError(`--from ${input.from} is a ${manifest.database} backup and this server runs on ${target}${target === 'postgres' ? ' (DATABASE_URL is set)' : ' (no DATABASE_URL)'}`);
  }
  if (input.database_url) {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: input.database_url });
    await client.connect();
    try {
      const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      if ((tables.rows[0] as { n: number }).n > 0) throw new BackupError('restore goes into an empty database: the one DATABASE_URL names has tables; create a new database and point DATABASE_URL at it');
    } finally {
      await client.end();
    }
    const scratch = await mkdtemp(path.join(tmpdir(), 'payme-restore-'));
    try {
      const dump = path.join(scratch, 'dump.pgcustom');
      await writeFile(dump, payload, { mode: 0o600 });
      run('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-privileges', `--dbname=${input.database_url}`, dump], 'pg_restore');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  } else {
    const entries = await readdir(input.pglite_dir).catch(() => [] as string[]);
    if (entries.length > 0) throw new BackupError(`restore goes into an empty server: ${input.pglite_dir} already holds a database; use a new --data folder`);
    await mkdir(input.pglite_dir, { recursive: true });
    const db = await PGlite.create(input.pglite_dir, { loadDataDir: new Blob([payload]) });
    await db.close();
  }
  return manifest;
}

/** The key references of a backup against the keys this server has: what IT must still put back. */
export function missingKeys(manifest: BackupManifest, have: { audit_key_id: string; master_key_ids: readonly string[] }): string[] {
  const missing: string[] = [];
  const audit = manifest.keys.audit_signing_key;
  if (audit && audit.key_id !== have.audit_key_id) {
    missing.push(`audit signing key ${audit.key_id} (public key ${audit.public_key}): put its audit-signing-key.json in --data or set PAYME_AUDIT_SIGNING_KEY, or list the public key in retired_public_keys`);
  }
  for (const id of manifest.keys.master_key_ids) {
    if (!have.master_key_ids.includes(id)) missing.push(`M-Pesa master key ${id}: set PAYME_MASTER_KEY (or PAYME_MASTER_KEY_PREVIOUS) to it, or put its master.key in --data`);
  }
  return missing;
}
