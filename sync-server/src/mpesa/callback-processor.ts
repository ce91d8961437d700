/**
 * Drains the callbacks stored raw on arrival (raw-callback-writer.ts, the only thing done
 * before answering Daraja): the unprocessed rows of `mpesa_callbacks` are the queue, each taken with
 * `FOR UPDATE SKIP LOCKED` and processed in the transaction that marks it done, so every
 * callback is processed exactly once even with several servers on one PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { isoAt, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { processC2bConfirmation, reconcileClaims } from './c2b-callback.js';
import type { MpesaService } from './mpesa-service.js';
import { processResultCallback } from './result-callback.js';
import { comparableText, processStkCallback, sameBodySql, type CallbackOutcome, type StoredCallback } from './stk-callback.js';
import { queueForOwner } from './unmatched-queue.js';

export const callback_routes = ['stk', 'c2b_validation', 'c2b_confirmation', 'result', 'timeout'] as const;
export type CallbackRoute = (typeof callback_routes)[number];

/** Processes up to `max` stored callbacks; returns how many. */
export async function processStoredCallbacks(service: MpesaService, max: number): Promise<number> {
  const { db } = service.env;
  let processed = 0;
  const touched = new Set<string>();
  for (; processed < max; processed += 1) {
    let claimed: ClaimedCallback | undefined;
    let current: ClaimedCallback | undefined;
    await service.yieldToAcknowledgements();
    try {
      claimed = await db.transaction(async (tx) => {
        const rows = await tx.query<StoredRow & { trust_callbacks: boolean | null }>(
          `SELECT c.business_id::text AS business_id, c.callback_id::text AS callback_id, c.route, c.body, c.body_bytes, a.trust_callbacks
             FROM mpesa_callbacks c LEFT JOIN mpesa_credentials a ON a.business_id = c.business_id
            WHERE c.processed_at IS NULL ORDER BY c.received_at, c.callback_id LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
        );
        const row = rows[0];
        if (!row) return undefined;
        const stored = storedCallback(row);
        current = stored;
        // A byte-equal copy of a callback already processed changes nothing (DESIGN §7, issue 12).
        // Copies processed at once (two drains, two servers) queue up on their bytes first, so
        // the later one sees the earlier one processed even when it refused the body.
        await lockBody(tx, stored);
        const outcome = (await isByteEqualCopy(tx, stored))
          ? ({ outcome: 'duplicate', reason: 'byte_equal_copy' } as const)
          : stored.body === null
            ? ({ outcome: 'quarantined', reason: 'not_utf8_text' } as const)
            : await processOne(tx, { ...service.env, trust_callbacks: row.trust_callbacks === true }, { ...stored, body: stored.body });
        await markProcessed(tx, service.env.clock, stored, outcome);
        if (outcome.outcome === 'quarantined') await queueRefused(tx, service.env, stored, outcome.reason ?? 'refused', 'details' in outcome ? outcome.details : undefined);
        return stored;
      });
    } catch (error) {
      // A bug or a constraint we did not foresee: keep the raw record, mark it, move on.
      service.reportError(error, 'mpesa callback');
      if (!current) throw error;
      claimed = await markFailed(service, current, error);
    }
    if (!claimed) break;
    touched.add(claimed.business_id);
  }
  for (const businessId of touched) service.notify(businessId);
  return processed;
}

interface StoredRow {
  business_id: string;
  callback_id: string;
  route: string;
  /** Null when the bytes were not text PostgreSQL can hold (migration 014). */
  body: string | null;
  /** Null on rows stored before migration 014 (or by release N−1). */
  body_bytes: Uint8Array | null;
}

/** A claimed callback: its bytes as they arrived, and as text when they are UTF-8 (else null). */
type ClaimedCallback = Omit<StoredCallback, 'body'> & { body: string | null };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function storedCallback(row: StoredRow): ClaimedCallback {
  const bytes = row.body_bytes === null ? null : Buffer.from(row.body_bytes.buffer, row.body_bytes.byteOffset, row.body_bytes.byteLength);
  let body = row.body;
  if (bytes !== null) {
    try {
      body = utf8.decode(bytes);
    } catch {
      body = null;
    }
  }
  return { business_id: row.business_id, callback_id: row.callback_id, route: row.route, body, body_bytes: bytes };
}

async function processOne(tx: Db, env: { clock: Clock; random: Random; trust_callbacks: boolean }, stored: StoredCallback): Promise<CallbackOutcome> {
  switch (stored.route) {
    case 'stk':
      return processStkCallback(tx, env, stored);
    case 'c2b_confirmation': {
      const outcome = await processC2bConfirmation(tx, env, stored);
      await reconcileClaims(tx, env, stored.business_id);
      return outcome;
    }
    case 'result':
    case 'timeout':
      return processResultCallback(tx, env, stored);
    default:
      // Validation requests were answered on arrival; the confirmation carries the money.
      return { outcome: 'ignored', reason: 'validation request' };
  }
}

async function markProcessed(tx: Db, clock: Clock, stored: Pick<StoredCallback, 'business_id' | 'callback_id'>, outcome: CallbackOutcome): Promise<void> {
  await tx.query(
    'UPDATE mpesa_callbacks SET processed_at = $3, outcome = $4, reason = $5, subject = $6 WHERE business_id = $1 AND callback_id = $2',
    [stored.business_id, stored.callback_id, isoAt(clock.now()), outcome.outcome, outcome.reason ?? null, outcome.subject ?? null],
  );
}

/**
 * A callback that could not be processed (a text PostgreSQL cannot store, a bug) stays as its
 * raw record and goes to the owner's queue: it was acknowledged, so it must never vanish
 * (issue 12). The reason names the SQL state, never the error's text (it may quote the payer).
 */
async function markFailed(service: MpesaService, stored: ClaimedCallback, error: unknown): Promise<ClaimedCallback> {
  const state = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'unknown';
  const reason = `processing_error: ${state}`;
  await service.env.db.transaction(async (tx) => {
    await markProcessed(tx, service.env.clock, stored, { outcome: 'quarantined', reason });
    await queueRefused(tx, service.env, stored, reason);
  });
  return stored;
}

/** Serialises the processing of byte-equal copies for this business and route (until commit). */
async function lockBody(tx: Db, stored: ClaimedCallback): Promise<void> {
  const digest = createHash('sha256')
    .update(stored.body_bytes ?? Buffer.from(stored.body ?? '', 'utf8'))
    .digest('hex');
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`payme-callback:${stored.business_id}:${stored.route}:${digest}`]);
}

/** Whether an earlier copy with the same bytes, for the same business and route, was processed. */
async function isByteEqualCopy(tx: Db, stored: ClaimedCallback): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM mpesa_callbacks WHERE business_id = $1 AND route = $2 AND callback_id <> $3 AND processed_at IS NOT NULL AND ${sameBodySql(4, 5)} LIMIT 1`,
    [stored.business_id, stored.route, stored.callback_id, stored.body_bytes, comparableText(stored)],
  );
  return rows.length > 0;
}

/**
 * One owner-queue item per distinct refused raw body (its callback id), with no amount: what it
 * claims is not money (a claimed amount may be in `details`). A callback that already has an
 * item (refused again after a requeue) keeps that one.
 */
export async function queueRefused(
  tx: Db,
  env: { clock: Clock; random: Random },
  stored: Pick<StoredCallback, 'business_id' | 'callback_id' | 'route'>,
  reason: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  const own = await tx.query(`SELECT 1 FROM mpesa_unmatched WHERE business_id = $1 AND details->>'callback_id' = $2 LIMIT 1`, [stored.business_id, stored.callback_id]);
  if (own.length > 0) return;
  await queueForOwner(tx, env, stored.business_id, 'quarantined_callback', stored.callback_id, null, { ...details, reason, route: stored.route, callback_id: stored.callback_id });
}
