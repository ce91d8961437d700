/**
 * Drains the callbacks stored raw on arrival (raw-callback-writer.ts, the only thing done
 * before answering Daraja): the unprocessed rows of `mpesa_callbacks` are the queue, each taken with
 * `FOR UPDATE SKIP LOCKED` and processed in the transaction that marks it done, so every
 * callback is processed exactly once even with several servers on one PostgreSQL.
 */
import { isoAt, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { processC2bConfirmation, reconcileClaims } from './c2b-callback.js';
import type { MpesaService } from './mpesa-service.js';
import { processResultCallback } from './result-callback.js';
import { processStkCallback, type CallbackOutcome, type StoredCallback } from './stk-callback.js';

export const callback_routes = ['stk', 'c2b_validation', 'c2b_confirmation', 'result', 'timeout'] as const;
export type CallbackRoute = (typeof callback_routes)[number];

/** Processes up to `max` stored callbacks; returns how many. */
export async function processStoredCallbacks(service: MpesaService, max: number): Promise<number> {
  const { db } = service.env;
  let processed = 0;
  const touched = new Set<string>();
  for (; processed < max; processed += 1) {
    let claimed: StoredCallback | undefined;
    let current: StoredCallback | undefined;
    await service.yieldToAcknowledgements();
    try {
      claimed = await db.transaction(async (tx) => {
        const rows = await tx.query<StoredCallback & { trust_callbacks: boolean | null }>(
          `SELECT c.business_id::text AS business_id, c.callback_id::text AS callback_id, c.route, c.body, a.trust_callbacks
             FROM mpesa_callbacks c LEFT JOIN mpesa_credentials a ON a.business_id = c.business_id
            WHERE c.processed_at IS NULL ORDER BY c.received_at, c.callback_id LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
        );
        const stored = rows[0];
        if (!stored) return undefined;
        current = stored;
        const outcome = await processOne(tx, { ...service.env, trust_callbacks: stored.trust_callbacks === true }, stored);
        await markProcessed(tx, service.env.clock, stored, outcome);
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

async function markProcessed(tx: Db, clock: Clock, stored: StoredCallback, outcome: CallbackOutcome): Promise<void> {
  await tx.query(
    'UPDATE mpesa_callbacks SET processed_at = $3, outcome = $4, reason = $5, subject = $6 WHERE business_id = $1 AND callback_id = $2',
    [stored.business_id, stored.callback_id, isoAt(clock.now()), outcome.outcome, outcome.reason ?? null, outcome.subject ?? null],
  );
}

async function markFailed(service: MpesaService, stored: StoredCallback, error: unknown): Promise<StoredCallback> {
  const reason = `processing_error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300);
  await service.env.db.transaction((tx) => markProcessed(tx, service.env.clock, stored, { outcome: 'quarantined', reason }));
  return stored;
}
