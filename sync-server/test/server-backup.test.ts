/** `payme-server backup` and `restore` on PGlite (issue 15): a restore into an empty server equals the source; bad files change nothing. */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/db/db.js';

const bin = fileURLToPath(new URL('../bin/payme-server.mjs', import.meta.url));
const run = (args: string[]) => {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

async function digest(dir: string): Promise<string> {
  const db = await openDb({ dataDir: path.join(dir, 'pglite') });
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
