/**
 * Who is calling. Every route declares the access it needs (DESIGN §6):
 *   public   anyone (health, login, enrollment, Daraja callbacks, static files);
 *   owner    an owner's session;
 *   manager  an owner's or a manager's session;
 *   device   an enrolled till's device token;
 *   staff    either a manager-or-owner session or a device of the business.
 */
import { randomToken, sha256Hex, type Random } from '@payme/shared';

export const access_levels = ['public', 'owner', 'manager', 'device', 'staff'] as const;
export type Access = (typeof access_levels)[number];

export interface StaffPrincipal {
  kind: 'staff';
  business_id: string;
  staff_id: string;
  role: 'owner' | 'manager';
  /** The business's name and calendar, read with the session (reports need them on every call). */
  business: { name: string; time_zone: string; business_day_cutoff: string };
  session_token_hash: string;
  /** Present when the session came from the cookie: unsafe methods must echo it. */
  via_cookie: boolean;
}

export interface DevicePrincipal {
  kind: 'device';
  business_id: string;
  store_id: string;
  till_id: string;
  epoch: number;
  fenced: boolean;
}

export type Principal = StaffPrincipal | DevicePrincipal;

/** Token prefixes tell a session from a device token before any lookup. */
export const session_token_prefix = 'pms_';
export const device_token_prefix = 'pmd_';

export const session_cookie = 'payme_session';
export const csrf_header = 'x-csrf-token';

export function newSessionToken(random: Random): string {
  return session_token_prefix + randomToken(random, 32);
}

export function newDeviceToken(random: Random): string {
  return device_token_prefix + randomToken(random, 32);
}

/**
 * Tokens are 32 random bytes, so a fast hash is enough: there is nothing to brute-force,
 * and a stolen table of hashes cannot be replayed as tokens.
 */
export function tokenHash(token: string): string {
  return sha256Hex(token);
}

/** Constant-time string comparison for CSRF tokens. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
