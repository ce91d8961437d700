/** `payme-server backup` and `restore` on PGlite (issue 15): a restore into an empty server equals the source; bad files change nothing. */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/db/db.js';
import { createFreshPostgres } from './support/index.js';

const bin = fileURLToPath(new URL('../bin/payme-server.mjs', import.meta.url));
const run = (args: string[], databaseUrl = '') => {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** Every compared table's rows, hashed: a PGlite data folder, or a PostgreSQL database by URL. */
async function digest(where: string): Promise<string> {
  const db = await openDb(where.startsWith('postgres') ? { databaseUrl: where } : { dataDir: path.join(where, 'pglite') });
  try {
    const parts: unknown[] = [];
    for (const table of ['businesses', 'products', 'customers', 'customer_balances', 'stock_levels', 'payments', 'audit_log', 'audit_checkpoints', 'staff']) {
      parts.push(await db.query(`SELECT md5(coalesce(string_agg(to_jsonb(t)::text, ',' ORDER BY to_jsonb(t)::text), '')) AS h, count(*)::int AS n FROM ${table} t`));
    }
    return JSON.stringify(parts);
  } finally {
    await db.close();
  }
}

describe('payme-server backup and restore (PGlite)', { timeout: 240_000 }, () => {
  let root: string;
  let source: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'payme-backup-'));
    source = path.join(root, 'source');
    expect(run(['init', '--demo', '--json', '--data', source]).code).toBe(0);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('restores into an empty server: audit verify passes and every table compared is equal; the missing keys are named', async () => {
    const file = path.join(root, 'server.backup');
    const backup = run(['backup', '--to', file, '--data', source]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ database: 'pglite', keys: { audit_signing_key: { key_id: expect.any(String) } } });

    const bare = path.join(root, 'bare');
    const noKeys = run(['restore', '--from', file, '--data', bare]);
    expect(noKeys.code, noKeys.stderr).toBe(0);
    expect(noKeys.stderr).toMatch(/still to put back: audit signing key/);

    const target = path.join(root, 'target');
    await copyFile(path.join(source, 'audit-signing-key.json'), path.join(root, 'key.json'));
    const restored = run(['restore', '--from', file, '--data', target]);
    expect(restored.code, restored.stderr).toBe(0);
    await copyFile(path.join(root, 'key.json'), path.join(target, 'audit-signing-key.json'));
    const verify = run(['audit', 'verify', '--data', target]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(await digest(target)).toBe(await digest(source));

    // Into a server that holds a database: refused, nothing changed.
    const before = await digest(target);
    const again = run(['restore', '--from', file, '--data', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/empty server.*nothing was changed/);
    expect(await digest(target)).toBe(before);
  });

  it('a truncated, altered or foreign file is refused in words and the target stays empty', async () => {
    const file = path.join(root, 'server.backup');
    const bytes = await readFile(file);
    const cut = path.join(root, 'cut.backup');
    await writeFile(cut, bytes.subarray(0, bytes.length - 100));
    const altered = path.join(root, 'altered.backup');
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 10) ^ 0xff, flipped.length - 10);
    await writeFile(altered, flipped);
    const foreign = path.join(root, 'foreign.backup');
    await writeFile(foreign, 'SQLite format 3\0 not ours');
    const empty = path.join(root, 'empty');
    for (const [bad, words] of [[cut, /cut short/], [altered, /does not match the SHA-256/], [foreign, /not a payme-server backup/]] as const) {
      const result = run(['restore', '--from', bad, '--data', empty]);
      expect(result.code, bad).toBe(1);
      expect(result.stderr).toMatch(words);
      expect(await readdir(empty).catch(() => [])).toEqual([]);
    }
  });
});

const pg_url = process.env.TEST_DATABASE_URL;
if (!pg_url) console.warn('[server-backup] the PostgreSQL backup and restore test is skipped: TEST_DATABASE_URL is not set');

describe.runIf(pg_url)('payme-server backup and restore (PostgreSQL: pg_dump and pg_restore)', { timeout: 240_000 }, () => {
  let root: string;
  let source: { url: string; drop(): Promise<void> };
  let target: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'payme-backup-pg-'));
    source = await createFreshPostgres(pg_url!);
    target = await createFreshPostgres(pg_url!);
    const init = run(['init', '--demo', '--json', '--data', root], source.url);
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('restores into an empty database: audit verify passes, every table compared is equal, a second restore and bad files are refused', async () => {
    const file = path.join(root, 'server.backup');
    const backup = run(['backup', '--to', file, '--data', root], source.url);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ database: 'postgres', keys: { audit_signing_key: { key_id: expect.any(String) } } });

    // A cut file is refused before pg_restore runs: the target stays without tables.
    const bytes = await readFile(file);
    const cut = path.join(root, 'cut.backup');
    await writeFile(cut, bytes.subarray(0, bytes.length - 100));
    const refused = run(['restore', '--from', cut, '--data', root], target.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cut short.*nothing was changed/);
    const probe = await openDb({ databaseUrl: target.url });
    try {
      expect(await probe.query("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'")).toEqual([]);
    } finally {
      await probe.close();
    }

    // The same data folder holds the signing key, so nothing is left to put back.
    const restored = run(['restore', '--from', file, '--data', root], target.url);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ database: 'postgres', missing_keys: [] });
    const verify = run(['audit', 'verify', '--data', root], target.url);
    expect(verify.code, verify.stderr).toBe(0);
    expect(await digest(target.url)).toBe(await digest(source.url));

    const again = run(['restore', '--from', file, '--data', root], target.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/empty.*nothing was changed/);
  });
});
