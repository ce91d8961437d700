/**
 * Slow hashes for staff PINs and owner passwords, in one self-describing format that the
 * server writes and every till verifies: `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>`.
 * scrypt (RFC 7914, @noble/hashes) is memory-hard, so a stolen till database or server dump
 * does not give up 4–6 digit PINs to a fast offline search as cheaply as a plain hash would.
 */
import { scrypt } from '@noble/hashes/scrypt.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Random } from './random.js';

export interface SecretHashCost {
  log2N: number;
  r: number;
  p: number;
}

/** PINs: verified on every login at the till, so ~50–100 ms on a shop PC. */
export const pin_hash_cost: SecretHashCost = { log2N: 14, r: 8, p: 1 };
/** Owner and manager passwords on the server. */
export const password_hash_cost: SecretHashCost = { log2N: 15, r: 8, p: 1 };

const hash_bytes = 32;
const salt_bytes = 16;

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += b64[(n >> 18) & 63]! + b64[(n >> 12) & 63]!;
    if (b !== undefined) out += b64[(n >> 6) & 63]!;
    if (c !== undefined) out += b64[n & 63]!;
  }
  return out;
}

function fromBase64Url(text: string): Uint8Array | null {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = b64.indexOf(char);
    if (value < 0) return null;
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function derive(secret: string, salt: Uint8Array, cost: SecretHashCost): Uint8Array {
  return scrypt(utf8ToBytes(secret.normalize('NFKC')), salt, { N: 2 ** cost.log2N, r: cost.r, p: cost.p, dkLen: hash_bytes });
}

export function hashSecret(secret: string, random: Random, cost: SecretHashCost = pin_hash_cost): string {
  const salt = random.bytes(salt_bytes);
  const hash = derive(secret, salt, cost);
  return ['scrypt', cost.log2N, cost.r, cost.p, toBase64Url(salt), toBase64Url(hash)].join('$');
}

/** True when `secret` matches `stored`; false for a wrong secret or a malformed stored hash. */
export function verifySecret(secret: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = fromBase64Url(parts[4] ?? '');
  const expected = fromBase64Url(parts[5] ?? '');
  const sane = [log2N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) && log2N <= 20 && r <= 32 && p <= 16;
  if (!sane || !salt || !expected || expected.length !== hash_bytes) return false;
  const actual = derive(secret, salt, { log2N, r, p });
  // Constant-time comparison: no early exit on the first differing byte.
  let difference = 0;
  for (let i = 0; i < hash_bytes; i += 1) difference |= (actual[i] ?? 0) ^ (expected[i] ?? 0);
  return difference === 0;
}
