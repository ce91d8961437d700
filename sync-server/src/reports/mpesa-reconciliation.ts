/**
 * `GET /v1/reports/mpesa?day=` (UX "Did every M-Pesa payment arrive?"): for one business day,
 * the money M-Pesa confirmed (STK successes and C2B confirmations, by the server's receive time),
 * which of it matched a sale, the owner's queue items of the day (money to resolve, and items
 * that are not money, such as a refused callback: `amount_cents` null, dismiss only), the codes
 * cashiers typed that no confirmation has matched yet, and what the day's sales expected by
 * M-Pesa. One business day of raw rows, read in one statement.
 */
import { mpesa_resolutions, type MpesaReconciliationResponse } from '@payme/shared';
import type { Db } from '../db/db.js';
import { periodEndSql, periodStartSql } from './business-day.js';
// Money kinds take every resolution; anything else (not money) is only dismissed (unmatched-resolve.ts).
import { money_kinds, type UnmatchedKind } from '../mpesa/unmatched-queue.js';

/**
 * An unmatched C2B payment that a cashier's typed code matched later (the claim reached the server
 * after the confirmation): the queue keeps the item, but the money is matched and needs no one.
 */
export const settled_by_claim = (q: string) => `(${q}.kind = 'c2b_unmatched' AND ${q}.resolved_at IS NULL AND EXISTS (
    SELECT 1 FROM mpesa_c2b_transactions t WHERE t.business_id = ${q}.business_id AND t.trans_id = ${q}.subject AND t.status = 'matched'))`;

const day_bounds = `b AS (SELECT id, time_zone, business_day_cutoff FROM businesses WHERE id = $1),
d AS (SELECT ${periodStartSql('$2')} AS day_start, ${periodEndSql('$2')} AS day_end FROM b)`;

export const reconciliation_sql = `WITH ${day_bounds},
received AS (
  SELECT 'stk' AS source, p.payment_id::text AS id, p.mpesa_receipt, p.amount_cents, p.updated_at AS received_at,
         CASE WHEN p.state = 'reversed' THEN 'reversed' WHEN COALESCE(p.settled_sale_id, p.sale_id) IS NOT NULL
              AND EXISTS (SELECT 1 FROM sales s WHERE s.business_id = p.business_id AND s.sale_id = COALESCE(p.settled_sale_id, p.sale_id) AND s.status = 'completed')
              THEN 'matched' ELSE 'unmatched' END AS state,
         COALESCE(p.settled_sale_id, p.sale_id)::text AS sale_id
    FROM payments p CROSS JOIN d
   WHERE p.business_id = $1 AND p.created_at >= d.day_start AND p.created_at < d.day_end AND p.state IN ('succeeded', 'reversed')
  UNION ALL
  SELECT 'c2b', c.trans_id, c.trans_id, c.amount_cents, c.received_at, c.status, c.sale_id::text
    FROM mpesa_c2b_transactions c CROSS JOIN d
   WHERE c.business_id = $1 AND c.received_at >= d.day_start AND c.received_at < d.day_end
),
expected AS (
  SELECT count(DISTINCT s.sale_id) AS n, COALESCE(sum(x.amount_cents), 0) AS amount
    FROM sales s CROSS JOIN d JOIN tenders x ON x.business_id = s.business_id AND x.sale_id = s.sale_id AND x.kind = 'mpesa'
   WHERE s.business_id = $1 AND s.status = 'completed' AND s.sold_at >= d.day_start AND s.sold_at < d.day_end
)
SELECT
  (SELECT COALESCE(json_agg(json_build_object('source', r.source, 'id', r.id, 'mpesa_receipt', r.mpesa_receipt, 'amount_cents', r.amount_cents,
            'received_at', r.received_at, 'state', r.state, 'sale_id', r.sale_id,
            'receipt_no', (SELECT s.receipt_no FROM sales s WHERE s.business_id = $1 AND s.sale_id = r.sale_id::uuid)) ORDER BY r.received_at, r.id), '[]'::json)
     FROM received r) AS payments,
  (SELECT json_build_object('n', n, 'amount', amount) FROM expected) AS expected,
  (SELECT COALESCE(json_agg(json_build_object('item_id', q.item_id, 'kind', q.kind, 'subject', q.subject, 'amount_cents', q.amount_cents,
            'details', q.details, 'created_at', q.created_at, 'resolved_at', q.resolved_at, 'resolution', q.resolution)
            ORDER BY q.amount_cents IS NULL, q.created_at, q.item_id), '[]'::json)
     FROM mpesa_unmatched q CROSS JOIN d
    WHERE q.business_id = $1 AND ((q.created_at >= d.day_start AND q.created_at < d.day_end) OR (q.resolved_at IS NULL AND q.created_at < d.day_end))
      AND NOT ${settled_by_claim('q')}) AS queue,
  (SELECT COALESCE(json_agg(json_build_object('claim_id', m.claim_id, 'code', m.code, 'amount_cents', m.amount_cents, 'sale_id', m.sale_id,
            'receipt_no', (SELECT s.receipt_no FROM sales s WHERE s.business_id = m.business_id AND s.sale_id = m.sale_id),
            'till_id', m.till_id, 'occurred_at', m.occurred_at) ORDER BY m.occurred_at, m.claim_id), '[]'::json)
     FROM mpesa_claims m CROSS JOIN d
    WHERE m.business_id = $1 AND m.occurred_at >= d.day_start AND m.occurred_at < d.day_end
      AND NOT EXISTS (SELECT 1 FROM mpesa_c2b_transactions c WHERE c.business_id = m.business_id AND c.trans_id = m.code)) AS claims,
  (SELECT json_build_object('n', count(*), 'amount', COALESCE(sum(p.amount_cents), 0))
     FROM payments p CROSS JOIN d
    WHERE p.business_id = $1 AND p.created_at >= d.day_start AND p.created_at < d.day_end AND p.state IN ('created', 'requested', 'unknown')) AS pending`;


interface ReconciliationRow {
  payments: { source: 'stk' | 'c2b'; id: string; mpesa_receipt: string | null; amount_cents: number | string; received_at: string; state: string; sale_id: string | null; receipt_no: string | null }[];
  expected: { n: number | string; amount: number | string };
  queue: { item_id: string; kind: string; subject: string; amount_cents: number | string | null; details: Record<string, unknown>; created_at: string; resolved_at: string | null; resolution: string | null }[];
  claims: { claim_id: string; code: string; amount_cents: number | string; sale_id: string | null; receipt_no: string | null; till_id: string; occurred_at: string }[];
  pending: { n: number | string; amount: number | string };
}

const iso = (value: string) => new Date(value).toISOString();

export async function mpesaReconciliation(db: Db, businessId: string, day: string): Promise<MpesaReconciliationResponse> {
  const rows = await db.query<ReconciliationRow>(reconciliation_sql, [businessId, day]);
  const row = rows[0] as ReconciliationRow;
  const payments = row.payments.map((payment) => ({
    source: payment.source,
    id: payment.id,
    mpesa_receipt: payment.mpesa_receipt,
    amount_cents: Number(payment.amount_cents),
    received_at: iso(payment.received_at),
    state: (['matched', 'unmatched', 'ambiguous', 'reversed'].includes(payment.state) ? payment.state : 'unmatched') as MpesaReconciliationResponse['payments'][number]['state'],
    sale_id: payment.sale_id,
    receipt_no: payment.receipt_no,
  }));
  const sum = (list: readonly { amount_cents: number }[]) => ({ count: list.length, amount_cents: list.reduce((total, item) => total + item.amount_cents, 0) });
  const counted = payments.filter((payment) => payment.state !== 'reversed');
  const received = sum(counted);
  const expected = { count: Number(row.expected.n), amount_cents: Number(row.expected.amount) };
  return {
    business_day: day,
    received,
    matched: sum(counted.filter((payment) => payment.state === 'matched')),
    unmatched: sum(counted.filter((payment) => payment.state !== 'matched')),
    expected,
    difference_cents: received.amount_cents - expected.amount_cents,
    payments,
    queue: row.queue.map((item) => {
      const isMoney = item.amount_cents !== null && money_kinds.has(item.kind as UnmatchedKind);
      return {
        item_id: item.item_id,
        kind: item.kind,
        subject: item.subject,
        amount_cents: item.amount_cents === null ? null : Number(item.amount_cents),
        details: item.details,
        created_at: iso(item.created_at),
        resolved_at: item.resolved_at === null ? null : iso(item.resolved_at),
        resolution: item.resolution,
        actions: item.resolved_at !== null ? [] : isMoney ? [...mpesa_resolutions] : ['dismissed' as const],
      };
    }),
    unverified_claims: row.claims.map((claim) => ({ ...claim, amount_cents: Number(claim.amount_cents), occurred_at: iso(claim.occurred_at) })),
    pending: { count: Number(row.pending.n), amount_cents: Number(row.pending.amount) },
  };
}
