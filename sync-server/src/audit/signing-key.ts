/**
 * The Ed25519 key that signs audit checkpoints (DESIGN §6). Production passes it in
 * configuration; the embedded default generates one into the data directory on first start
 * (file mode 0600) and the runbook says to move it somewhere safer.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { sha256Hex, type Random } from '@payme/shared';
import { createFileDurably, DamagedFileError } from '../durable-file.js';

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

const signing_key_remedy =
  `Restore ${signing_key_file} from a backup of the server's data folder and start again. With no backup, move the damaged file aside and start again: ` +
  'a new key is made, and the checkpoints signed before can then be verified only with the old public key (give it in retired_public_keys)';

/** The key in a key file's text, or a DamagedFileError that says what to do. */
function keyFromFileText(file: string, text: string): SigningKey {
  const damaged = (problem: string) => new DamagedFileError(file, `(the audit log's signing key) ${problem}`, signing_key_remedy);
  if (text.trim() === '') throw damaged('is empty, probably cut short by a crash or a power cut');
  let stored: { secret_key_hex?: unknown };
  try {
    stored = JSON.parse(text) as { secret_key_hex?: unknown };
  } catch {
    throw damaged('is damaged: it is not readable JSON');
  }
  if (stored === null || typeof stored !== 'object' || typeof stored.secret_key_hex !== 'string') throw damaged('is damaged: it has no secret_key_hex');
  try {
    return signingKeyFromHex(stored.secret_key_hex);
  } catch (error) {
    throw damaged(`is damaged: its secret_key_hex is not a key (${(error as Error).message})`);
  }
}

/**
 * Reads the key file of `dataDir`, creating it (0600) durably when missing (durable-file.ts), so
 * that a power cut right after the first start never leaves an empty key file.
 */
export async function loadOrCreateSigningKey(dataDir: string, random: Random): Promise<SigningKey> {
  const file = path.join(dataDir, signing_key_file);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing !== null) return keyFromFileText(file, existing);
  const key = generateSigningKey(random);
  const body = JSON.stringify({ key_id: key.key_id, public_key_hex: key.publicKeyHex, secret_key_hex: bytesToHex(key.secretKey) }, null, 2);
  try {
    await createFileDurably(file, body + '\n', 0o600);
  } catch (error) {
    // Another process created it in the meantime: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return keyFromFileText(file, await readFile(file, 'utf8'));
  }
  return key;
}
