import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRandom, isPaymeError } from '@payme/shared';
import { generateMasterKey, keyringOf, maskSecret, openCredential, parseMasterKey, sealCredential, sealedKeyId } from './credentials.js';
import { loadKeyring, rotateKeyFile } from './master-key.js';

const business_a = '0190f3a4-0000-7000-8000-00000000000a';
const business_b = '0190f3a4-0000-7000-8000-00000000000b';
const secrets = JSON.stringify({ consumer_key: 'ck_live_4455', consumer_secret: 'cs_live_998877', passkey: 'bfb279f9aa9bdbcf158e97dd' });

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isPaymeError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('credential sealing (AES-256-GCM)', () => {
  const random = new SeededRandom(5);
  const key = generateMasterKey(random);
  const keyring = keyringOf(key);

  it('round-trips and the sealed text contains no part of the secret', () => {
    const sealed = sealCredential(keyring, business_a, secrets, random);
    expect(sealed.startsWith(`pmc1.${key.id}.`)).toBe(true);
    expect(sealed).not.toContain('cs_live');
    expect(Buffer.from(sealed.split('.')[3] as string, 'base64url').toString('latin1')).not.toContain('cs_live');
    expect(openCredential(keyring, business_a, sealed)).toBe(secrets);
    // A fresh IV each time: the same secret never seals to the same text.
    expect(sealCredential(keyring, business_a, secrets, random)).not.toBe(sealed);
  });

  it('refuses the ciphertext of another business (associated data)', () => {
    const sealed = sealCredential(keyring, business_a, secrets, random);
    expect(errorCode(() => openCredential(keyring, business_b, sealed))).toBe('credential_unreadable');
  });

  it('refuses a flipped bit in the ciphertext, the IV or the tag', () => {
    const sealed = sealCredential(keyring, business_a, secrets, random);
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index] as string, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 1;
      const tampered = [...parts];
      tampered[index] = bytes.toString('base64url');
      expect(errorCode(() => openCredential(keyring, business_a, tampered.join('.')))).toBe('credential_unreadable');
    }
  });

  it('refuses a relabelled key id, an unknown key id and a text that is not sealed', () => {
    const other = generateMasterKey(random);
    const both = keyringOf(key, [other]);
    const sealed = sealCredential(both, business_a, secrets, random);
    const relabelled = sealed.replace(`.${key.id}.`, `.${other.id}.`);
    expect(errorCode(() => openCredential(both, business_a, relabelled))).toBe('credential_unreadable');
    expect(errorCode(() => openCredential(keyringOf(other), business_a, sealed))).toBe('credential_key_unknown');
    expect(errorCode(() => openCredential(both, business_a, 'plain text'))).toBe('credential_unreadable');
    expect(errorCode(() => sealedKeyId('pmc1.only.three'))).toBe('credential_unreadable');
  });

  it('opens what an older key sealed while the keyring still holds it', () => {
    const old = generateMasterKey(random);
    const sealed = sealCredential(keyringOf(old), business_a, secrets, random);
    const next = keyringOf(generateMasterKey(random), [old]);
    expect(sealedKeyId(sealed)).toBe(old.id);
    expect(openCredential(next, business_a, sealed)).toBe(secrets);
  });

  it('parses a base64 master key of exactly 32 bytes and names the variable otherwise', () => {
    const text = key.key.toString('base64');
    expect(parseMasterKey(text).id).toBe(key.id);
    expect(errorCode(() => parseMasterKey(Buffer.alloc(16).toString('base64')))).toBe('master_key_invalid');
  });

  it('masks for the owner: the last four characters at most', () => {
    expect(maskSecret('cs_live_998877')).toBe('••••8877');
    expect(maskSecret('12345678')).toBe('••••');
    expect(maskSecret('')).toBe('••••');
  });
});

describe('master key sources', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'payme-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes PAYME_MASTER_KEY and the previous keys from the environment', async () => {
    const random = new SeededRandom(8);
    const current = generateMasterKey(random);
    const previous = generateMasterKey(random);
    const keyring = await loadKeyring({ env: { PAYME_MASTER_KEY: current.key.toString('base64'), PAYME_MASTER_KEY_PREVIOUS: `${previous.key.toString('base64')},` } }, random);
    expect(keyring.current.id).toBe(current.id);
    expect(keyring.previous.map((key) => key.id)).toEqual([previous.id]);
  });

  it('generates the embedded default into the data directory with mode 0600, and reuses it', async () => {
    const first = await loadKeyring({ env: {}, data_dir: dir }, new SeededRandom(1));
    const mode = (await stat(path.join(dir, 'master.key'))).mode & 0o777;
    expect(mode).toBe(0o600);
    const again = await loadKeyring({ env: {}, data_dir: dir }, new SeededRandom(2));
    expect(again.current.id).toBe(first.current.id);
    await expect(loadKeyring({ env: {} }, new SeededRandom(1))).rejects.toThrow(/PAYME_MASTER_KEY/);
  });

  it('rotates the file key: re-sealed values open under the new key alone, the old key stays in .previous', async () => {
    const random = new SeededRandom(4);
    const before = await loadKeyring({ env: {}, data_dir: dir }, random);
    const store = new Map([[business_a, sealCredential(before, business_a, secrets, random)]]);
    const next = await rotateKeyFile(dir, random, async (keyring) => {
      for (const [business, sealed] of store) store.set(business, sealCredential(keyring, business, openCredential(keyring, business, sealed), random));
    });
    const after = await loadKeyring({ env: {}, data_dir: dir }, random);
    expect(after.current.id).toBe(next.id);
    expect(openCredential(keyringOf(after.current), business_a, store.get(business_a) as string)).toBe(secrets);
    expect((await readFile(path.join(dir, 'master.key.previous'), 'utf8')).trim()).toBe(before.current.key.toString('base64'));
    await writeFile(path.join(dir, 'master.key'), 'short');
    await expect(loadKeyring({ env: {}, data_dir: dir }, random)).rejects.toMatchObject({ code: 'master_key_invalid' });
  });

  it('a rotation that fails half-way leaves every credential openable with the old key', async () => {
    const random = new SeededRandom(6);
    const before = await loadKeyring({ env: {}, data_dir: dir }, random);
    const sealed = sealCredential(before, business_a, secrets, random);
    await expect(rotateKeyFile(dir, random, async () => Promise.reject(new Error('database went away')))).rejects.toThrow('database went away');
    const after = await loadKeyring({ env: {}, data_dir: dir }, random);
    expect(after.current.id).toBe(before.current.id);
    expect(openCredential(after, business_a, sealed)).toBe(secrets);
  });
});
