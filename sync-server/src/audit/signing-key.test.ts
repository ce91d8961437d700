import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeededRandom, checkpointMessage } from '@payme/shared';
import { generateSigningKey, loadOrCreateSigningKey, signMessage, signingKeyFromHex, signing_key_file, verifySignature } from './signing-key.js';

describe('audit signing key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'payme-key-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is generated once into the data directory with mode 0600, then reloaded unchanged', async () => {
    const first = await loadOrCreateSigningKey(path.join(dir, 'nested'), new SeededRandom(7));
    const file = path.join(dir, 'nested', signing_key_file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ key_id: first.key_id, public_key_hex: first.publicKeyHex });
    const again = await loadOrCreateSigningKey(path.join(dir, 'nested'), new SeededRandom(8));
    expect(again.publicKeyHex).toBe(first.publicKeyHex);
  });

  it('refuses a key file without a secret, and a malformed hex key', async () => {
    await writeFile(path.join(dir, signing_key_file), JSON.stringify({ public_key_hex: 'ab' }));
    await expect(loadOrCreateSigningKey(dir, new SeededRandom(1))).rejects.toThrow(/secret_key_hex/);
    expect(() => signingKeyFromHex('XYZ')).toThrow(/64 lowercase hex/);
  });

  it('an empty or cut-short key file is refused in words that say what to do, never a parse error (issue 12)', async () => {
    const file = path.join(dir, signing_key_file);
    for (const text of ['', '{"key_id": "ab', '{"secret_key_hex": "XYZ"}']) {
      await writeFile(file, text);
      const error: unknown = await loadOrCreateSigningKey(dir, new SeededRandom(1)).catch((caught: unknown) => caught);
      expect(String(error)).toMatch(/audit log's signing key\) is (empty|damaged).*Restore audit-signing-key\.json from a backup/);
      expect(String(error)).not.toMatch(/JSON at position|Unexpected end/);
      expect(await readFile(file, 'utf8')).toBe(text);
    }
  });

  it('signs checkpoints that verify only with the matching public key and message', () => {
    const key = generateSigningKey(new SeededRandom(3));
    const other = generateSigningKey(new SeededRandom(4));
    const message = checkpointMessage({ business_id: 'b', seq: 5, hash: 'a'.repeat(64) });
    const signature = signMessage(key, message);
    expect(verifySignature(key.publicKeyHex, message, signature)).toBe(true);
    expect(verifySignature(other.publicKeyHex, message, signature)).toBe(false);
    expect(verifySignature(key.publicKeyHex, checkpointMessage({ business_id: 'b', seq: 6, hash: 'a'.repeat(64) }), signature)).toBe(false);
    expect(verifySignature(key.publicKeyHex, message, 'not-hex')).toBe(false);
    expect(key.key_id).toMatch(/^[0-9a-f]{16}$/);
  });
});
