/**
 * C2B confirmations (DESIGN §7): recorded once by `TransID`, then matched to a cashier's typed
 * claim by code exactly; a code typed on two claims (a forwarded SMS) is flagged. Without a code
 * match, a claim of the same amount within the server-time window whose own code matches no
 * payment (a typo) is taken when it is the only one; otherwise the payment waits for the owner.
 */
import { c2bAmountCents, c2bTransactionSchema, isoAt, type Clock, type Random } from '@payme/shared';
import type { Db } from '../db/db.js';
import { parseJson, type CallbackOutcome, type StoredCallback } from './stk-callback.js';
import { queueForOwner } from './unmatched-queue.js';

/** Claims this close (server receive time) to the confirmation may match it by amount. */
export const c2b_match_window_ms = 30 * 60_000;

type Env = { clock: Clock; random: Random };

export async function processC2bConfirmation(tx: Db, env: Env, stored: StoredCallback): Promise<CallbackOutcome> {
  const json = parseJson(stored.body);
  if (!json.ok) return { outcome: 'quarantined', reason: 'unreadable_json' };
  const parsed = c2bTransactionSchema.safeParse(json.value);
  if (!parsed.success) return { outcome: 'quarantined', reason: `invalid_shape: ${parsed.error.issues[0]?.path.join('.') ?? ''}`.slice(0, 300) };
  const body = parsed.data;
  // An amount M-Pesa cannot carry (a fraction, below a shilling, above 250,000) is not money:
  // the confirmation is refused and kept for the owner (issue 12).
  let amount: number;
  try {
    amount = c2bAmountCents(body, json.numberText);
  } catch {
    return { outcome: 'quarantined', reason: 'amount_not_mpesa', subject: body.TransID };
  }
  const inserted = await tx.query(
    `INSERT INTO mpesa_c2b_transactions (business_id, trans_id, amount_cents, msisdn, bill_ref, trans_time, shortcode, received_at, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unmatched') ON CONFLICT (business_id, trans_id) DO NOTHING RETURNING trans_id`,
    [stored.business_id, body.TransID, amount, String(body.MSISDN).slice(0, 100), body.BillRefNumber ?? null, body.TransTime, String(body.BusinessShortCode), isoAt(env.clock.now())],
  );
  if (inserted.length === 0) return { outcome: 'duplicate', subject: body.TransID };
  const status = await matchC2b(tx, env, stored.business_id, body.TransID, amount);
  return { outcome: 'recorded', reason: status, subject: body.TransID };
}

interface Claim {
  claim_id: string;
  sale_id: string | null;
  amount_cents: number;
}

async function matchC2b(tx: Db, env: Env, businessId: string, transId: string, amount: number): Promise<string> {
  const byCode = await tx.query<Claim>(
    `SELECT claim_id::text AS claim_id, sale_id::text AS sale_id, amount_cents FROM mpesa_claims
      WHERE business_id = $1 AND code = $2 ORDER BY received_at, claim_id`,
    [businessId, transId],
  );
  if (byCode.length > 0) return settleByCode(tx, env, businessId, transId, amount, byCode);
  const now = env.clock.now();
  const byAmount = await tx.query<Claim>(
    `SELECT c.claim_id::text AS claim_id, c.sale_id::text AS sale_id, c.amount_cents FROM mpesa_claims c
      WHERE c.business_id = $1 AND c.amount_cents = $2 AND c.received_at BETWEEN $3 AND $4
        AND NOT EXISTS (SELECT 1 FROM mpesa_c2b_transactions t WHERE t.business_id = c.business_id AND t.trans_id = c.code)
        AND NOT EXISTS (SELECT 1 FROM mpesa_c2b_transactions t WHERE t.business_id = c.business_id AND t.claim_id = c.claim_id)
      LIMIT 2`,
    [businessId, amount, isoAt(now - c2b_match_window_ms), isoAt(now + c2b_match_window_ms)],
  );
  if (byAmount.length === 1) {
    const claim = byAmount[0] as Claim;
    await markMatched(tx, businessId, transId, claim, 'matched');
    return 'matched_by_amount';
  }
  const kind = byAmount.length > 1 ? 'c2b_ambiguous' : 'c2b_unmatched';
  if (kind === 'c2b_ambiguous') await tx.query(`UPDATE mpesa_c2b_transactions SET status = 'ambiguous' WHERE business_id = $1 AND trans_id = $2`, [businessId, transId]);
  await queueForOwner(tx, env, businessId, kind, transId, amount, { trans_id: transId });
  return kind === 'c2b_ambiguous' ? 'ambiguous' : 'unmatched';
}

async function settleByCode(tx: Db, env: Env, businessId: string, transId: string, amount: number, claims: Claim[]): Promise<string> {
  const first = claims[0] as Claim;
  await markMatched(tx, businessId, transId, first, 'matched');
  if (claims.length > 1) {
    await queueForOwner(tx, env, businessId, 'code_typed_twice', transId, amount, { trans_id: transId, claim_ids: claims.map((claim) => claim.claim_id) });
    return 'code_typed_twice';
  }
  if (Number(first.amount_cents) !== amount) {
    await queueForOwner(tx, env, businessId, 'c2b_ambiguous', transId, amount, { trans_id: transId, claim_id: first.claim_id, claimed_cents: Number(first.amount_cents) });
    return 'amount_differs_from_claim';
  }
  return 'matched_by_code';
}

async function markMatched(tx: Db, businessId: string, transId: string, claim: Claim, status: 'matched'): Promise<void> {
  await tx.query('UPDATE mpesa_c2b_transactions SET status = $3, claim_id = $4, sale_id = $5 WHERE business_id = $1 AND trans_id = $2', [
    businessId,
    transId,
    status,
    claim.claim_id,
    claim.sale_id,
  ]);
}

/**
 * A confirmation some claim names by its code that is not settled by such a claim: unmatched, or
 * matched only by amount to a claim with another code (a guess: that cashier mistyped a code,
 * and this money is another sale's, whose claim names it exactly). An owner's own match (no
 * claim) stands.
 */
const waiting_for_its_claim = (t: string) => `EXISTS (SELECT 1 FROM mpesa_claims c WHERE c.business_id = ${t}.business_id AND c.code = ${t}.trans_id)
        AND (${t}.status <> 'matched'
             OR EXISTS (SELECT 1 FROM mpesa_claims m WHERE m.business_id = ${t}.business_id AND m.claim_id = ${t}.claim_id AND m.code <> ${t}.trans_id))`;

/**
 * Claims reach the server later than confirmations (tills push when online): matches waiting
 * confirmations to claims that name them, and flags codes typed on more than one claim.
 */
export async function reconcileClaims(tx: Db, env: Env, businessId: string): Promise<number> {
  const late = await tx.query<{ trans_id: string; amount_cents: number }>(
    `SELECT t.trans_id, t.amount_cents FROM mpesa_c2b_transactions t
      WHERE t.business_id = $1 AND ${waiting_for_its_claim('t')}`,
    [businessId],
  );
  for (const row of late) {
    const claims = await tx.query<Claim>(
      `SELECT claim_id::text AS claim_id, sale_id::text AS sale_id, amount_cents FROM mpesa_claims WHERE business_id = $1 AND code = $2 ORDER BY received_at, claim_id`,
      [businessId, row.trans_id],
    );
    await settleByCode(tx, env, businessId, row.trans_id, Number(row.amount_cents), claims);
  }
  const twice = await tx.query<{ code: string; claim_ids: string[] }>(
    `SELECT code, array_agg(claim_id::text ORDER BY claim_id) AS claim_ids FROM mpesa_claims WHERE business_id = $1
      GROUP BY code HAVING count(*) > 1`,
    [businessId],
  );
  for (const row of twice) await queueForOwner(tx, env, businessId, 'code_typed_twice', row.code, null, { trans_id: row.code, claim_ids: row.claim_ids });
  return late.length;
}

/**
 * Runs `reconcileClaims` for every business with a confirmation waiting for a claim, or a code
 * typed twice not yet flagged. Every server instance sweeps on its own timer (DESIGN §13): a
 * business is swept by one of them at a time, under a transaction-scoped advisory lock that the
 * others do not wait for (they skip that business this round; what is left, the next round finds).
 */
export async function sweepClaims(db: Db, env: Env): Promise<number> {
  const businesses = await db.query<{ business_id: string }>(
    `SELECT t.business_id::text AS business_id FROM mpesa_c2b_transactions t
      WHERE ${waiting_for_its_claim('t')}
     UNION
     SELECT c.business_id::text FROM mpesa_claims c GROUP BY c.business_id, c.code
     HAVING count(*) > 1 AND NOT EXISTS (SELECT 1 FROM mpesa_unmatched u WHERE u.business_id = c.business_id AND u.kind = 'code_typed_twice' AND u.subject = c.code)`,
  );
  let matched = 0;
  for (const { business_id } of businesses) {
    matched += await db.transaction(async (tx) => {
      const [lock] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`payme-claims-sweep:${business_id}`]);
      return lock?.locked === true ? reconcileClaims(tx, env, business_id) : 0;
    });
  }
  return matched;
}
