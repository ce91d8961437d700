/**
 * Slow hashes for staff PINs and owner passwords, in one self-describing format that the
 * server writes and every till verifies: `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>`.
 * scrypt (RFC 7914, @noble/hashes) is memory-hard, so a stolen till database or server dump
 * does not give up 4–6 digit PINs to a fast offline search as cheaply as a plain hash would.
 *
 * scrypt is also slow on purpose (~100–300 ms), so a process answering requests must not run it
 * on its main thread: `createSecretHasher(derive, random)` keeps the format here and takes the
 * scrypt step from the platform (the server's worker pool, the till host's libuv pool).
 * `hashSecret` / `verifySecret` run it in place, for tests, setup and code that may block.
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

/** The cost limits a stored hash may claim (a larger one is refused as malformed, never run). */
export const secret_hash_log2n_max = 20;
export const secret_hash_r_max = 32;
export const secret_hash_p_max = 16;

/** A stored hash taken apart: its cost, its salt and the expected key. */
export interface ParsedSecretHash {
  cost: SecretHashCost;
  salt: Uint8Array;
  hash: Uint8Array;
}

/** The parts of `scrypt$N$r$p$salt$hash`, or null for anything malformed or out of bounds. */
export function parseSecretHash(stored: string): ParsedSecretHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = fromBase64Url(parts[4] ?? '');
  const hash = fromBase64Url(parts[5] ?? '');
  const sane = [log2N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) && log2N <= secret_hash_log2n_max && r <= secret_hash_r_max && p <= secret_hash_p_max;
  if (!sane || !salt || !hash || hash.length !== hash_bytes) return null;
  return { cost: { log2N, r, p }, salt, hash };
}

function formatSecretHash(cost: SecretHashCost, salt: Uint8Array, hash: Uint8Array): string {
  return ['scrypt', cost.log2N, cost.r, cost.p, toBase64Url(salt), toBase64Url(hash)].join('$');
}

/** What scrypt is fed: the secret in NFKC, as UTF-8 (so "Ｐａｓｓ" and "Pass" are one password). */
export function secretBytes(secret: string): Uint8Array {
  return utf8ToBytes(secret.normalize('NFKC'));
}

/** The memory scrypt needs for `cost` (its V array and B blocks), with room to spare: Node's `maxmem`. */
export function scryptMemoryBytes(cost: SecretHashCost): number {
  return 128 * cost.r * (2 ** cost.log2N + 2 + cost.p) * 2;
}

/** Constant-time comparison: no early exit on the first differing byte. */
function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  let difference = actual.length ^ expected.length;
  for (let i = 0; i < expected.length; i += 1) difference |= (actual[i] ?? 0) ^ (expected[i] ?? 0);
  return difference === 0;
}

function deriveHere(secret: string, salt: Uint8Array, cost: SecretHashCost): Uint8Array {
  return scrypt(secretBytes(secret), salt, { N: 2 ** cost.log2N, r: cost.r, p: cost.p, dkLen: hash_bytes });
}

/**
 * Hashes on the calling thread (pure JS, ~300 ms at the password cost). Fine for tests, setup
 * scripts and a browser; a server or till host answering requests uses a `SecretHasher` whose
 * `derive` runs elsewhere, so one sign-in never stalls every other request.
 */
export function hashSecret(secret: string, random: Random, cost: SecretHashCost = pin_hash_cost): string {
  const salt = random.bytes(salt_bytes);
  return formatSecretHash(cost, salt, deriveHere(secret, salt, cost));
}

/** True when `secret` matches `stored`; false for a wrong secret or a malformed stored hash. Runs on the calling thread. */
export function verifySecret(secret: string, stored: string): boolean {
  const parsed = parseSecretHash(stored);
  if (!parsed) return false;
  return sameBytes(deriveHere(secret, parsed.salt, parsed.cost), parsed.hash);
}

/**
 * The one costly step of a hash: scrypt of `password` (already NFKC UTF-8) under `salt` and
 * `cost`, `dkLen` bytes long. A platform hands in one that runs off its main thread (a worker
 * pool, libuv's pool) and answers a promise.
 */
export type ScryptDerive = (password: Uint8Array, salt: Uint8Array, cost: SecretHashCost, dkLen: number) => Promise<Uint8Array>;

/** Hashes and verifies in the stored format above, with the scrypt step done by `derive`. */
export interface SecretHasher {
  hash(secret: string, cost: SecretHashCost): Promise<string>;
  /** True when `secret` matches `stored`; false for a wrong secret or a malformed stored hash. */
  verify(secret: string, stored: string): Promise<boolean>;
}

/**
 * The same format and checks as `hashSecret` / `verifySecret`, byte for byte (a property test
 * holds them equal), so a hash written by one verifies with the other: the server hashes PINs
 * in a worker and the till verifies them with its own.
 */
export function createSecretHasher(derive: ScryptDerive, random: Random): SecretHasher {
  return {
    async hash(secret, cost) {
      const salt = random.bytes(salt_bytes);
      return formatSecretHash(cost, salt, await derive(secretBytes(secret), salt, cost, hash_bytes));
    },
    async verify(secret, stored) {
      const parsed = parseSecretHash(stored);
      if (!parsed) return false;
      return sameBytes(await derive(secretBytes(secret), parsed.salt, parsed.cost, hash_bytes), parsed.hash);
    },
  };
}
