/**
 * Till enrollment (DESIGN §6): the owner issues a one-time, short-lived code; a till exchanges
 * it once for a device token, which the server keeps only as a hash. Codes are stored hashed
 * too, and the exchange locks the code row so two tills racing with one code cannot both win.
 */
import { isoAt, sha256Hex, uuidv7, type EnrollResponse, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import type { ServerDeps } from '../deps.js';
import { badRequest, notFound } from '../http/errors.js';
import { appendFeedChange } from '../feed/changes.js';
import { newDeviceToken, tokenHash } from './principal.js';

/** Crockford base32 without I, L, O, U: easy to read aloud and type on a till keyboard. */
const code_alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const enrollment_code_chars = 12;

export function newEnrollmentCode(random: Random): string {
  let raw = '';
  for (let i = 0; i < enrollment_code_chars; i += 1) raw += code_alphabet[random.int(0, code_alphabet.length - 1)];
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** Case, spaces and dashes do not matter when a person types the code. */
export function normalizeEnrollmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

export function enrollmentCodeHash(code: string): string {
  return sha256Hex(`payme-enrollment:${normalizeEnrollmentCode(code)}`);
}

export async function createEnrollmentCode(
  tx: Db,
  deps: Pick<ServerDeps, 'clock' | 'random' | 'config'>,
  businessId: string,
  storeId: string,
  createdBy: string | null,
  ttlMs: number = deps.config.enrollment_code_ttl_ms,
): Promise<{ code_id: string; code: string; expires_at: string; store_id: string }> {
  const store = await tx.query('SELECT 1 FROM stores WHERE business_id = $1 AND id = $2', [businessId, storeId]);
  if (store.length === 0) throw notFound('store', 'store_id');
  const code = newEnrollmentCode(deps.random);
  const now = deps.clock.now();
  const expiresAt = isoAt(now + ttlMs);
  const codeId = uuidv7(deps.clock, deps.random);
  await tx.query(
    `INSERT INTO enrollment_codes (code_hash, code_id, business_id, store_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [enrollmentCodeHash(code), codeId, businessId, storeId, createdBy, isoAt(now), expiresAt],
  );
  return { code_id: codeId, code, expires_at: expiresAt, store_id: storeId };
}

/** shared's `enrollResponseSchema`, with what this server always sends. */
export type EnrolledTill = EnrollResponse & Required<Pick<EnrollResponse, 'name' | 'server_key_id' | 'business'>>;

/** Exchanges a code for a new till and its device token. */
export async function enrollTill(deps: ServerDeps, code: string, name: string): Promise<EnrolledTill> {
  const { db, clock, random, audit } = deps;
  const result = await db.transaction(async (tx) => {
    const rows = await tx.query<{ business_id: string; store_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null; code_hash: string }>(
      `SELECT code_hash, business_id::text AS business_id, store_id::text AS store_id, expires_at, used_at, revoked_at
         FROM enrollment_codes WHERE code_hash = $1 FOR UPDATE`,
      [enrollmentCodeHash(code)],
    );
    const found = rows[0];
    if (!found) throw badRequest('enrollment_code_invalid', 'This enrollment code is not valid; ask the owner for a new one', 'code');
    if (found.revoked_at !== null) throw badRequest('enrollment_code_revoked', 'The owner revoked this enrollment code; ask for a new one', 'code');
    if (found.used_at !== null) throw badRequest('enrollment_code_used', 'This enrollment code was already used; ask the owner for a new one', 'code');
    const now = clock.now();
    if (new Date(found.expires_at).getTime() <= now) {
      throw badRequest('enrollment_code_expired', 'This enrollment code has expired; ask the owner for a new one', 'code');
    }
    // Lock the business row first: receipt prefixes are numbered per business.
    const business = await tx.query<{ name: string; time_zone: string; business_day_cutoff: string }>(
      'SELECT name, time_zone, business_day_cutoff FROM businesses WHERE id = $1 FOR UPDATE',
      [found.business_id],
    );
    const count = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM tills WHERE business_id = $1', [found.business_id]);
    const receiptPrefix = `T${(count[0]?.n ?? 0) + 1}`;
    const tillId = uuidv7(clock, random);
    const deviceToken = newDeviceToken(random);
    await tx.query(
      `INSERT INTO tills (id, business_id, store_id, name, receipt_prefix, device_token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tillId, found.business_id, found.store_id, name, receiptPrefix, tokenHash(deviceToken), isoAt(now)],
    );
    await tx.query('UPDATE enrollment_codes SET used_at = $2, used_by_till_id = $3 WHERE code_hash = $1', [found.code_hash, isoAt(now), tillId]);
    const till = { id: tillId, store_id: found.store_id, name, receipt_prefix: receiptPrefix, epoch: 1 };
    await audit.append(tx, found.business_id, { kind: 'till.enrolled', actor: null, subject: tillId, data: till, occurred_at: isoAt(now) });
    await appendFeedChange(tx, found.business_id, { kind: 'till', entity_id: tillId, data: till }, now);
    const info = business[0] as { name: string; time_zone: string; business_day_cutoff: string };
    return {
      till_id: tillId,
      device_token: deviceToken,
      epoch: 1,
      server_public_key: audit.publicKeyHex,
      server_key_id: audit.key.key_id,
      business_id: found.business_id,
      store_id: found.store_id,
      receipt_prefix: receiptPrefix,
      name,
      business: { name: info.name, time_zone: info.time_zone, business_day_cutoff: info.business_day_cutoff },
    };
  });
  deps.feed.notifyFeed(result.business_id);
  await audit.maybeCheckpoint(db, result.business_id);
  return result;
}
