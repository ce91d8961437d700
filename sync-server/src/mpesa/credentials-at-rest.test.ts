import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '@payme/shared';
import { openDb, type Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { generateMasterKey, keyringOf } from './credentials.js';
import { loadMpesaAccount, maskedAccount, rotateKeys } from './mpesa-account.js';
import { rotateMasterKey } from './keys-rotate.js';
import { loadKeyring } from './master-key.js';
import { kit_secrets, startMpesaKit, type MpesaKit } from './testing/mpesa-test-kit.js';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

describe('Daraja credentials at rest (PGlite in a data directory)', () => {
  let dir: string;
  let db: Db;
  let kit: MpesaKit;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'payme-mpesa-rest-'));
    db = await openDb({ dataDir: path.join(dir, 'pg') });
    await migrate(db);
    kit = await startMpesaKit(db);
    const { payment_id } = await kit.requestStk({ phone: '254708374149', amount: 100 });
    await kit.settle();
    expect((await kit.payment(payment_id)).state).toBe('succeeded');
  });

  afterAll(async () => {
    await kit.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const secrets = () => [...Object.values(kit_secrets), kit.callback_secret];

  it('no table holds a configured secret in clear', async () => {
    const tables = await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    expect(tables.map((row) => row.table_name)).toContain('mpesa_credentials');
    for (const { table_name } of tables) {
      const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      const text = rows.map((row) => row.row).join('\n');
      for (const secret of secrets()) expect(text.includes(secret), `${table_name} contains a secret`).toBe(false);
    }
  });

  it('no file of the data directory holds a configured secret in clear', async () => {
    await db.query('CHECKPOINT');
    const files = await filesUnder(dir);
    expect(files.length).toBeGreaterThan(10);
    let bytes = 0;
    // Positive control: what is stored in clear (the owner's e-mail) is found by this scan.
    let controlFound = false;
    for (const file of files) {
      const content = await readFile(file);
      bytes += (await stat(file)).size;
      for (const secret of secrets()) expect(content.includes(Buffer.from(secret)), `${file} contains a secret`).toBe(false);
      if (content.includes(Buffer.from(kit.business.owner.email))) controlFound = true;
    }
    expect(controlFound).toBe(true);
    expect(bytes).toBeGreaterThan(1_000_000);
  });

  it('the owner sees the secrets masked', async () => {
    const { login } = await import('../../test/support/index.js');
    const session = await login(kit.app, kit.business.owner.email, kit.business.owner.password);
    const response = await kit.app.inject({ method: 'GET', url: '/v1/mpesa/account', headers: session.bearer });
    const text = response.body;
    for (const secret of secrets()) expect(text.includes(secret)).toBe(false);
    expect(response.json()).toMatchObject({ consumer_secret: '••••9120', passkey: `••••${kit_secrets.passkey.slice(-4)}`, business_shortcode: '174379' });
  });

  it('keys rotate re-seals every credential; payments keep working under the new key alone', async () => {
    const random = new SeededRandom(3);
    const old = kit.keyring.current;
    const next = generateMasterKey(random);
    expect(await rotateKeys(db, [old], next, random)).toEqual({ resealed: 1, already_current: 0 });
    expect(await rotateKeys(db, [old], next, random)).toEqual({ resealed: 0, already_current: 1 });
    await expect(loadMpesaAccount(db, keyringOf(old), kit.business.business_id)).rejects.toMatchObject({ code: 'credential_key_unknown' });
    const account = await loadMpesaAccount(db, keyringOf(next), kit.business.business_id);
    expect(account && maskedAccount(account).consumer_key).toBe(`••••${kit_secrets.consumer_key.slice(-4)}`);
    kit.mpesa.useKeyring(keyringOf(next));
    const { payment_id } = await kit.requestStk({ phone: '254708374149', amount: 200 });
    await kit.settle();
    expect((await kit.payment(payment_id)).state).toBe('succeeded');
  });

  it('payme-server keys rotate: from PAYME_MASTER_KEY_PREVIOUS to PAYME_MASTER_KEY, then with the key file of the data directory', async () => {
    const random = new SeededRandom(9);
    const current = kit.mpesa.keyring.current;
    const envKey = generateMasterKey(random);
    const env = { PAYME_MASTER_KEY: envKey.key.toString('base64'), PAYME_MASTER_KEY_PREVIOUS: current.key.toString('base64') };
    expect(await rotateMasterKey(db, { env }, random)).toMatchObject({ key_id: envKey.id, resealed: 1 });
    const keyDir = path.join(dir, 'keys');
    await mkdir(keyDir);
    await writeFile(path.join(keyDir, 'master.key'), envKey.key.toString('base64'), { mode: 0o600 });
    const rotated = await rotateMasterKey(db, { env: {}, data_dir: keyDir }, random);
    expect(rotated).toMatchObject({ resealed: 1, already_current: 0 });
    const fromFile = await loadKeyring({ env: {}, data_dir: keyDir }, random);
    expect(fromFile.current.id).toBe(rotated.key_id);
    expect(await loadMpesaAccount(db, keyringOf(fromFile.current), kit.business.business_id)).toBeDefined();
  });
});
