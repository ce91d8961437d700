/**
 * The Ed25519 key that signs audit checkpoints (DESIGN §6). Production passes it in
 * configuration; the embedded default generates one into the data directory on first start
 * (file mode 0600) and the runbook says to move it somewhere safer.
 */
import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { sha256Hex, type Random } from '@payme/shared';

export interface SigningKey {
  /** Short id recorded with each checkpoint so a key can be rotated. */
  key_id: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  publicKeyHex: string;
}

export const signing_key_file = 'audit-signing-key.json';

const secret_hex = /^[0-9a-f]{64}$/;

/** A key from a 32-byte secret seed in hex. */
export function signingKeyFromHex(secretHex: string): SigningKey {
  if (!secret_hex.test(secretHex)) throw new Error('audit signing key must be 64 lowercase hex characters (32 bytes)');
  const secretKey = hexToBytes(secretHex);
  const publicKey = ed25519.getPublicKey(secretKey);
  const publicKeyHex = bytesToHex(publicKey);
  return { key_id: keyIdOf(publicKeyHex), secretKey, publicKey, publicKeyHex };
}

export function generateSigningKey(random: Random): SigningKey {
  return signingKeyFromHex(bytesToHex(random.bytes(32)));
}

/** The first 16 hex characters of the public key's SHA-256. */
export function keyIdOf(publicKeyHex: string): string {
  return sha256Hex(publicKeyHex).slice(0, 16);
}

export function signMessage(key: SigningKey, message: Uint8Array): string {
  return bytesToHex(ed25519.sign(message, key.secretKey));
}

export function verifySignature(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean {
  try {
    return ed25519.verify(hexToBytes(signatureHex), message, hexToBytes(publicKeyHex), { zip215: false });
  } catch {
    return false;
  }
}

/** Reads the key file of `dataDir`, creating it (0600) when missing. */
export async function loadOrCreateSigningKey(dataDir: string, random: Random): Promise<SigningKey> {
  const file = path.join(dataDir, signing_key_file);
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { secret_key_hex?: unknown };
    if (typeof stored.secret_key_hex !== 'string') throw new Error(`${file} has no secret_key_hex`);
    return signingKeyFromHex(stored.secret_key_hex);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = generateSigningKey(random);
  await mkdir(dataDir, { recursive: true });
  const body = JSON.stringify({ key_id: key.key_id, public_key_hex: key.publicKeyHex, secret_key_hex: bytesToHex(key.secretKey) }, null, 2);
  // 'wx' refuses to overwrite a key another process wrote in the meantime.
  await writeFile(file, body + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
}
