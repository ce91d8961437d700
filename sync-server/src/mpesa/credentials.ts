/**
 * Daraja credentials at rest (DESIGN §7): AES-256-GCM under a master key, each ciphertext
 * tagged with the id of the key that sealed it and bound to its business as associated data,
 * so a ciphertext copied to another business, or relabelled with another key id, is refused.
 *
 * Sealed form (one text column): `pmc1.<key id>.<iv>.<ciphertext>.<tag>`, base64url parts.
 * Secrets never pass through a logger here; errors name the key id or business, never a value.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { PaymeError, type Random } from '@payme/shared';

export const master_key_bytes = 32;
const iv_bytes = 12;
const tag_bytes = 16;
const sealed_prefix = 'pmc1';

export interface MasterKey {
  /** Derived from the key itself, so a key and its id can never be mismatched in configuration. */
  id: string;
  key: Buffer;
}

/** The key that seals new ciphertexts plus every older key still able to open old ones. */
export interface Keyring {
  current: MasterKey;
  previous: readonly MasterKey[];
}

export function masterKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** Parses a base64 (or base64url) master key of exactly 32 bytes. */
export function parseMasterKey(text: string, source = 'PAYME_MASTER_KEY'): MasterKey {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== master_key_bytes) {
    throw new PaymeError('master_key_invalid', `${source} must be ${master_key_bytes} bytes in base64 (it decodes to ${key.length})`, source);
  }
  return { id: masterKeyId(key), key };
}

export function generateMasterKey(random: Random): MasterKey {
  const key = Buffer.from(random.bytes(master_key_bytes));
  return { id: masterKeyId(key), key };
}

export function keyringOf(current: MasterKey, previous: readonly MasterKey[] = []): Keyring {
  return { current, previous: previous.filter((candidate) => candidate.id !== current.id) };
}

function associatedData(keyId: string, businessId: string): Buffer {
  // The key id is bound too: changing the label alone cannot make another key try the ciphertext.
  return Buffer.from(`${sealed_prefix}|${keyId}|${businessId}`, 'utf8');
}

function findKey(keyring: Keyring, id: string): MasterKey | undefined {
  return keyring.current.id === id ? keyring.current : keyring.previous.find((candidate) => candidate.id === id);
}

/** Seals `plaintext` (a JSON text of a business's secrets) for `businessId` under the current key. */
export function sealCredential(keyring: Keyring, businessId: string, plaintext: string, random: Random): string {
  const { id, key } = keyring.current;
  const iv = Buffer.from(random.bytes(iv_bytes));
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tag_bytes });
  cipher.setAAD(associatedData(id, businessId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [sealed_prefix, id, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
}

/** The key id a sealed value names (for rotation), without opening it. */
export function sealedKeyId(sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== sealed_prefix) throw credentialUnreadable('not a sealed credential');
  return parts[1] as string;
}

/** Opens a sealed value for `businessId`; refuses a wrong key, a wrong business or any tampering. */
export function openCredential(keyring: Keyring, businessId: string, sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== sealed_prefix) throw credentialUnreadable('not a sealed credential');
  const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  const masterKey = findKey(keyring, keyId);
  if (!masterKey) {
    throw new PaymeError('credential_key_unknown', `The credentials were sealed with master key ${keyId}, which is not configured`, undefined, { key_id: keyId });
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== iv_bytes || tag.length !== tag_bytes) throw credentialUnreadable('malformed');
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey.key, iv, { authTagLength: tag_bytes });
    decipher.setAAD(associatedData(keyId, businessId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw credentialUnreadable('authentication failed (wrong key, wrong business or altered)');
  }
}

function credentialUnreadable(why: string): PaymeError {
  return new PaymeError('credential_unreadable', `The stored M-Pesa credentials cannot be opened: ${why}`);
}

/** For the owner's screen: `••••1234`; short secrets show nothing of themselves. */
export function maskSecret(secret: string): string {
  const visible = 4;
  if (secret.length <= visible * 2) return '••••';
  return `••••${secret.slice(-visible)}`;
}
