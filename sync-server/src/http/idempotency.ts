/**
 * Idempotency-Key for POSTs that move money (DESIGN §6, Stripe's rule): the key, a hash of the
 * request and the first response are stored in the same transaction as the effects. The same
 * key and body replays the first response; the same key with another body is
 * `409 idempotency_key_reused`. A request that fails rolls back and leaves no key behind, so its
 * retry runs afresh. Keys are kept as long as the business exists.
 */
import type { FastifyRequest } from 'fastify';
import { canonicalJson, sha256Hex, isoAt, type Clock } from '@payme/shared';
import type { Db } from '../db/db.js';
import { badRequest, conflict } from './errors.js';

export const idempotency_header = 'idempotency-key';
export const idempotency_key_chars_max = 200;
const key_pattern = /^[\x21-\x7e]+$/;

export interface IdempotentResult<B = unknown> {
  statusCode: number;
  body: B;
  /** True when this is the stored first response, not a fresh run. */
  replayed: boolean;
}

/** Reads and checks the header; `required` refuses a request without one. */
export function idempotencyKeyFrom(request: FastifyRequest, required = true): string | null {
  const raw = request.headers[idempotency_header];
  if (raw === undefined) {
    if (required) throw badRequest('idempotency_key_required', 'Send an Idempotency-Key header with this request', 'Idempotency-Key');
    return null;
  }
  if (typeof raw !== 'string' || raw.length > idempotency_key_chars_max || !key_pattern.test(raw)) {
    throw badRequest('invalid_input', `Idempotency-Key must be 1 to ${idempotency_key_chars_max} printable characters without spaces`, 'Idempotency-Key');
  }
  return raw;
}

export function requestHash(scope: string, body: unknown): string {
  return sha256Hex(canonicalJson({ scope, body: body ?? null }));
}

/**
 * Runs `handler` once per (business, key) inside `tx`. On PostgreSQL a concurrent second request
 * with the same key waits on the unique index until the first commits, then replays it.
 */
export async function withIdempotency<B>(
  tx: Db,
  businessId: string,
  key: string,
  requestBody: unknown,
  handler: () => Promise<{ statusCode: number; body: B }>,
  options: { scope?: string; clock?: Clock } = {},
): Promise<IdempotentResult<B>> {
  const scope = options.scope ?? '';
  const hash = requestHash(scope, requestBody);
  const createdAt = options.clock ? isoAt(options.clock.now()) : null;
  const inserted = await tx.query(
    `INSERT INTO idempotency_keys (business_id, key, scope, request_hash, created_at)
     VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()))
     ON CONFLICT (business_id, key) DO NOTHING RETURNING key`,
    [businessId, key, scope, hash, createdAt],
  );
  if (inserted.length === 0) {
    const rows = await tx.query<{ request_hash: string; response: B; status_code: number | null }>(
      'SELECT request_hash, response, status_code FROM idempotency_keys WHERE business_id = $1 AND key = $2 FOR UPDATE',
      [businessId, key],
    );
    const stored = rows[0];
    if (!stored || stored.request_hash !== hash) {
      throw conflict('idempotency_key_reused', 'This Idempotency-Key was already used for a different request', 'Idempotency-Key');
    }
    if (stored.status_code === null) {
      // Only reachable when a handler inside this same transaction reused its own key.
      throw conflict('idempotency_key_in_progress', 'A request with this Idempotency-Key is still running', 'Idempotency-Key');
    }
    return { statusCode: stored.status_code, body: stored.response, replayed: true };
  }
  const result = await handler();
  await tx.query('UPDATE idempotency_keys SET response = $3, status_code = $4 WHERE business_id = $1 AND key = $2', [
    businessId,
    key,
    JSON.stringify(result.body ?? null),
    result.statusCode,
  ]);
  return { ...result, replayed: false };
}
