/**
 * PGlite: the running server takes the backup (issue 15). `payme-server backup` beside a running
 * `serve` on the same data folder asks that server, which takes it between two statements of its
 * own database; every other command, and a second `serve`, is refused in words instead of opening
 * a second Postgres over the same files. Real processes; about 40 s (each command is a process
 * starting PGlite).
 */
import { spawn, spawnSync } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holder_file } from '../src/cli/data-holder.js';
import { readBackup } from '../src/cli/server-backup.js';
import { openDb } from '../src/db/db.js';
import { payme_server_bin, startServerProcess, type ServerProcess } from './support/server-process.js';

const run = (args: string[]) => {
  const result = spawnSync(process.execPath, [payme_server_bin, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' }, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

async function productNames(data: string): Promise<string[]> {
  const db = await openDb({ dataDir: path.join(data, 'pglite'), databaseUrl: '' });
  try {
    return (await db.query<{ name: string }>('SELECT name FROM products ORDER BY name')).map((row) => row.name);
  } finally {
    await db.close();
  }
}

describe('a running PGlite server holds its data folder and takes the backup itself', { timeout: 240_000 }, () => {
  let root: string;
  let data: string;
  let server: ServerProcess | undefined;
  let token: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'payme-live-backup-'));
    data = path.join(root, 'data');
    const init = run(['init', '--demo', '--json', '--data', data]);
    expect(init.code, init.stderr).toBe(0);
    const demo = JSON.parse(init.stdout) as { owner_email: string; owner_password: string };
    server = await startServerProcess({ data, env: { DATABASE_URL: '', PAYME_BACKUP_DIR: path.join(root, 'scheduled') }, log_file: path.join(root, 'server.log') });
    const login = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: demo.owner_email, password: demo.owner_password }) });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('backup asks the running server: the file holds what it committed just before, restores and verifies', async () => {
    const added = await fetch(`${server!.url}/v1/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Added while serving 1kg', price_cents: 12_300 }),
    });
    expect(added.status).toBe(201);
    const file = path.join(root, 'live.backup');
    const backup = run(['backup', '--to', file, '--data', data]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(JSON.parse(backup.stdout)).toMatchObject({ backup: file, taken_by: { command: 'serve', pid: server!.process.pid }, database: 'pglite', keys: { audit_signing_key: { key_id: expect.any(String) } } });
    // The server went on serving.
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(200);

    const target = path.join(root, 'target');
    const restored = run(['restore', '--from', file, '--data', target]);
    expect(restored.code, restored.stderr).toBe(0);
    await writeFile(path.join(target, 'audit-signing-key.json'), await readFile(path.join(data, 'audit-signing-key.json')));
    const verify = run(['audit', 'verify', '--data', target]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(await productNames(target)).toContain('Added while serving 1kg');
  });

  it('with PAYME_BACKUP_DIR the server backs itself up at start into that folder, a file restore accepts', async () => {
    let written: Record<string, unknown> | undefined;
    for (let waited = 0; written === undefined && waited < 120; waited += 1) {
      written = server!.lines.find((line) => line.msg === 'scheduled backup written and checked' || line.msg === 'scheduled backup failed');
      if (written === undefined) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(written, 'no scheduled backup line within 60 s').toMatchObject({ msg: 'scheduled backup written and checked', every_minutes: 60, keep: 48 });
    // (The log scrubs the path: a temporary folder's name looks like a token.)
    const names = await readdir(path.join(root, 'scheduled'));
    expect(names).toEqual([expect.stringMatching(/^payme-server-\d{8}T\d{9}Z\.backup$/)]);
    expect((await readBackup(path.join(root, 'scheduled', names[0]!))).manifest).toMatchObject({ database: 'pglite', schema_versions: expect.arrayContaining([1]) });
  });

  it('other commands and a second serve on the folder are refused in words and open nothing', async () => {
    const pid = String(server!.process.pid);
    for (const args of [['migrate'], ['audit', 'verify'], ['restore', '--from', path.join(root, 'live.backup')], ['serve', '--port', '0']]) {
      const refused = run([...args, '--data', data]);
      expect(refused.code, `${args.join(' ')}: ${refused.stderr}`).toBe(1);
      expect(refused.stderr).toContain(`is in use by a running payme-server serve (pid ${pid}`);
      expect(refused.stderr).toMatch(/one process at a time opens the data folder/);
    }
    // The holder is still the server, which still answers.
    expect(JSON.parse(await readFile(path.join(data, holder_file), 'utf8'))).toMatchObject({ pid: server!.process.pid, command: 'serve' });
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(200);
  });

  it('a stopped server gives the folder back; a holder left by a process that has ended is replaced', async () => {
    await server!.stop();
    server = undefined;
    expect(await exists(path.join(data, holder_file))).toBe(false);

    const ended = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => ended.once('exit', resolve));
    await writeFile(path.join(data, holder_file), JSON.stringify({ pid: ended.pid, command: 'serve', since: '2026-01-01T00:00:00.000Z', control: { port: 9, token: 'x' } }));
    const migrated = run(['migrate', '--data', data]);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(await exists(path.join(data, holder_file))).toBe(false);
  });
});
