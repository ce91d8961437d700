/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, 74 random bits. Time-ordered, so
 * command and event ids sort by creation, and generated only through the injected clock and
 * random source.
 */
import type { Clock } from './clock.js';
import type { Random } from './random.js';

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export const uuid_pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const uuidv7_pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function uuidv7(clock: Clock, random: Random): string {
  const ms = clock.now();
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError('clock reading out of UUIDv7 range');
  const bytes = random.bytes(16);
  let remaining = ms;
  for (let i = 5; i >= 0; i -= 1) {
    bytes[i] = remaining % 256;
    remaining = Math.floor(remaining / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let text = '';
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += hex[bytes[i] ?? 0];
  }
  return text;
}

/** The Unix milliseconds a UUIDv7 was minted at. */
export function uuidv7Time(id: string): number {
  if (!uuidv7_pattern.test(id)) throw new RangeError('not a UUIDv7');
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** Random opaque token (base64url), for device tokens, secrets and enrollment codes. */
export function randomToken(random: Random, bytes = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (const byte of random.bytes(bytes)) out += alphabet[byte & 63];
  return out;
}
