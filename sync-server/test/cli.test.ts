/** The `payme-server` command as IT and the e2e suite run it (DESIGN §11). */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '@payme/shared';
import { openDb } from '../src/db/db.js';

const bin = fileURLToPath(new URL('../bin/payme-server.mjs', import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('payme-server CLI (PGlite data directory)', { timeout: 180_000 }, () => {
  let dir: string;
  let demo: Record<string, unknown>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'payme-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('init --demo --json prints one JSON object with the logins and an enrollment code', async () => {
    const result = run(['init', '--demo', '--json', '--data', dir]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    demo = JSON.parse(lines[0]!);
    expect(demo).toMatchObject({ business_name: 'Duka la Mfano', database: 'pglite' });
    for (const field of ['business_id', 'store_id', 'owner_email', 'owner_password', 'enrollment_code', 'cashier_pin', 'manager_pin', 'server_url']) {
      expect(typeof demo[field], field).toBe('string');
    }
    expect(demo.cashier_pin).toMatch(/^\d{4}$/);
    expect(demo.products).toBeGreaterThanOrEqual(190);
    // The generated signing key is private to the server user.
    expect((await stat(path.join(dir, 'audit-signing-key.json'))).mode & 0o777).toBe(0o600);
  });

  it('audit verify exits 0 on an intact log, and 1 naming the first broken seq after tampering', async () => {
    const ok = run(['audit', 'verify', '--data', dir]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout.trim())).toMatchObject({ ok: true, business_id: demo.business_id });

    const db = await openDb({ dataDir: path.join(dir, 'pglite') });
    await db.exec('DROP TRIGGER audit_log_no_update ON audit_log');
    await db.query(`UPDATE audit_log SET data = '{"price_cents": 1}' WHERE business_id = $1 AND seq = 42`, [demo.business_id]);
    await db.close();

    const broken = run(['audit', 'verify', '--business', String(demo.business_id), '--data', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken at seq 42/);
    expect(JSON.parse(broken.stdout.trim())).toMatchObject({ ok: false, broken_seq: 42 });
  });

  it('migrate reports nothing left to apply; unknown commands exit 2 with usage', () => {
    const migrate = run(['migrate', '--data', dir]);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(JSON.parse(migrate.stdout)).toEqual({ applied: [], database: 'pglite' });
    const bad = run(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/usage: payme-server/);
  });

  it('reset-password prints a new password for an owner (an unknown email is named); rollups rebuild reports each business', async () => {
    const reset = run(['reset-password', '--email', String(demo.owner_email), '--data', dir]);
    expect(reset.code, reset.stderr).toBe(0);
    const answer = JSON.parse(reset.stdout.trim()) as { password: string; email: string; business_id: string };
    expect(answer).toMatchObject({ email: demo.owner_email, business_id: demo.business_id });
    const db = await openDb({ dataDir: path.join(dir, 'pglite') });
    const rows = await db.query<{ password_hash: string }>('SELECT password_hash FROM staff WHERE business_id = $1 AND email = $2', [demo.business_id, demo.owner_email]);
    await db.close();
    expect(verifySecret(answer.password, rows[0]!.password_hash)).toBe(true);
    expect(verifySecret(String(demo.owner_password), rows[0]!.password_hash)).toBe(false);
    const unknown = run(['reset-password', '--email', 'nobody@example.test', '--data', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/email: no active owner or manager/);

    const rebuild = run(['rollups', 'rebuild', '--data', dir]);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(JSON.parse(rebuild.stdout.trim().split('\n')[0]!)).toMatchObject({ business_id: demo.business_id });
  });
});
