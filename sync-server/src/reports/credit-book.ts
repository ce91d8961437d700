/**
 * The credit book (DESIGN §12, UX "Who owes me?"): each customer's balance split into ageing
 * buckets by how many business days ago its unpaid credits were given.
 *
 * Allocation, in SQL (one statement, `ageing_ctes`), the same for the book and a statement:
 * - a credit is a credit sale, net of its own voids and credit refunds (they take back that
 *   sale's credit first), or a positive adjustment;
 * - the rest of the money that lowers a balance (payments, write-offs, and a void or refund
 *   beyond its sale's credit) is a pool that pays the oldest credit first: with credits in order
 *   and C the running total, credit i keeps `max(0, min(amount_i, C_i − pool))` unpaid;
 * - a credit's age is today's business day minus the business day it was given.
 * The unpaid amounts add up to the balance whenever the customer owes anything.
 *
 * The statement reads every credit entry of the business (O(entries), not O(customers)), so
 * each row's work counts: sums stay bigint (numeric arithmetic is slow, on PGlite most), and a
 * credit's business day is worked out once, and only for a credit with something unpaid (a paid
 * one adds nothing to any bucket): `unpaid` is materialized (inlined, each of aged's five filters
 * converted the time zone again), its age is date arithmetic on that column (as a second output
 * of the same expression it converted twice), and the cutoff is cast to an interval once in a
 * materialized `b` (inlined, the text was parsed for every row). `e` is NOT MATERIALIZED: each of
 * its uses scans credit_entries again with its own filter, cheaper than writing every entry to a
 * CTE store and reading all of them back five times. owner-dashboard bench: credit-book.
 */
import type { CreditBookQuery, CreditBookResponse, CreditBookRow, CreditStatementResponse } from '@payme/shared';
import { formatKes } from '@payme/shared';
import type { Db } from '../db/db.js';
import { notFound } from '../http/errors.js';
import { businessDaySql } from './business-day.js';
import { decodeCursor, encodeCursor } from './report-period.js';

/** $1 business, $2 today (date), $3 one customer or null. `b` is the business row. */
const ageing_ctes = `b AS MATERIALIZED (SELECT id, time_zone, business_day_cutoff, business_day_cutoff::interval AS cutoff FROM businesses WHERE id = $1),
e AS NOT MATERIALIZED (
  SELECT ce.customer_id, ce.event_id, ce.entry_no, ce.kind, ce.delta_cents, ce.occurred_at,
         CASE WHEN ce.kind IN ('sale', 'void') THEN ce.ref_id WHEN ce.kind = 'refund' THEN r.sale_id END AS sale_id
    FROM credit_entries ce
    LEFT JOIN refunds r ON ce.kind = 'refund' AND r.business_id = ce.business_id AND r.refund_id = ce.ref_id
   WHERE ce.business_id = $1 AND ($3::uuid IS NULL OR ce.customer_id = $3::uuid)
),
taken_back AS (
  SELECT customer_id, sale_id, sum(delta_cents)::bigint AS d FROM e WHERE kind IN ('void', 'refund') AND sale_id IS NOT NULL GROUP BY 1, 2
),
credits AS (
  SELECT s.customer_id, s.event_id, s.entry_no, s.occurred_at, s.delta_cents + COALESCE(t.d, 0) AS amount
    FROM e s LEFT JOIN taken_back t ON t.customer_id = s.customer_id AND t.sale_id = s.sale_id
   WHERE s.kind = 'sale'
  UNION ALL
  SELECT customer_id, event_id, entry_no, occurred_at, delta_cents FROM e WHERE kind = 'adjust' AND delta_cents > 0
),
pool AS (
  SELECT customer_id, sum(x)::bigint AS paid FROM (
    SELECT customer_id, -delta_cents AS x FROM e WHERE kind = 'payment' OR (kind = 'adjust' AND delta_cents < 0)
    UNION ALL SELECT customer_id, -amount FROM credits WHERE amount < 0
    UNION ALL SELECT t.customer_id, -t.d FROM taken_back t
     WHERE NOT EXISTS (SELECT 1 FROM e s WHERE s.kind = 'sale' AND s.customer_id = t.customer_id AND s.sale_id = t.sale_id)
  ) y GROUP BY 1
),
ranked AS (
  SELECT c.customer_id, c.event_id, c.entry_no, c.occurred_at, GREATEST(c.amount, 0) AS amount,
         (sum(GREATEST(c.amount, 0)) OVER (PARTITION BY c.customer_id ORDER BY c.occurred_at, c.event_id, c.entry_no))::bigint AS running
    FROM credits c
),
unpaid AS MATERIALIZED (
  SELECT r.customer_id, r.event_id, r.entry_no, u.unpaid, CASE WHEN u.unpaid > 0 THEN ${businessDaySql('r.occurred_at', 'b.cutoff')} END AS business_day
    FROM ranked r CROSS JOIN b LEFT JOIN pool p ON p.customer_id = r.customer_id
    CROSS JOIN LATERAL (SELECT GREATEST(0, LEAST(r.amount, r.running - COALESCE(p.paid, 0))) AS unpaid) u
),
aged AS (
  SELECT customer_id,
         sum(unpaid) FILTER (WHERE $2::date - business_day <= 30) AS days_0_30_cents,
         sum(unpaid) FILTER (WHERE $2::date - business_day BETWEEN 31 AND 60) AS days_31_60_cents,
         sum(unpaid) FILTER (WHERE $2::date - business_day BETWEEN 61 AND 90) AS days_61_90_cents,
         sum(unpaid) FILTER (WHERE $2::date - business_day > 90) AS days_91_plus_cents,
         min(business_day) AS oldest_unpaid_day
    FROM unpaid WHERE unpaid > 0 GROUP BY customer_id
)`;

const book_columns = `c.id::text AS customer_id, c.name, c.phone, c.credit_limit_cents, COALESCE(cb.balance_cents, 0) AS balance_cents,
  COALESCE(a.days_0_30_cents, 0) AS days_0_30_cents, COALESCE(a.days_31_60_cents, 0) AS days_31_60_cents,
  COALESCE(a.days_61_90_cents, 0) AS days_61_90_cents, COALESCE(a.days_91_plus_cents, 0) AS days_91_plus_cents,
  a.oldest_unpaid_day::text AS oldest_unpaid_day`;

/**
 * The whole book in one statement: the page, and the totals over every customer who owes
 * something. $4 sort ('amount' | 'age'), $5 only over the limit, $6 offset, $7 rows.
 */
export const credit_book_sql = `WITH ${ageing_ctes},
book AS (
  SELECT ${book_columns}
    FROM customer_balances cb
    JOIN customers c ON c.business_id = cb.business_id AND c.id = cb.customer_id
    LEFT JOIN aged a ON a.customer_id = cb.customer_id
   WHERE cb.business_id = $1 AND cb.balance_cents > 0 AND (NOT $5 OR cb.balance_cents > c.credit_limit_cents)
)
SELECT (SELECT COALESCE(json_agg(p), '[]'::json) FROM (
          SELECT * FROM book
           ORDER BY CASE WHEN $4 = 'age' THEN oldest_unpaid_day END ASC NULLS LAST, balance_cents DESC, customer_id
           OFFSET $6 LIMIT $7) p) AS customers,
       (SELECT json_build_object('customers', count(*), 'balance_cents', COALESCE(sum(balance_cents), 0),
                                 'over_limit', count(*) FILTER (WHERE balance_cents > credit_limit_cents),
                                 'days_0_30_cents', COALESCE(sum(days_0_30_cents), 0), 'days_31_60_cents', COALESCE(sum(days_31_60_cents), 0),
                                 'days_61_90_cents', COALESCE(sum(days_61_90_cents), 0), 'days_91_plus_cents', COALESCE(sum(days_91_plus_cents), 0))
          FROM book) AS totals`;

interface BookRow {
  customer_id: string;
  name: string;
  phone: string | null;
  credit_limit_cents: number | string;
  balance_cents: number | string;
  days_0_30_cents: number | string;
  days_31_60_cents: number | string;
  days_61_90_cents: number | string;
  days_91_plus_cents: number | string;
  oldest_unpaid_day: string | null;
}

const day_ms = 86_400_000;

function bookRowOut(row: BookRow, today: string): CreditBookRow {
  const balance = Number(row.balance_cents);
  const limit = Number(row.credit_limit_cents);
  return {
    customer_id: row.customer_id,
    name: row.name,
    phone: row.phone,
    credit_limit_cents: limit,
    balance_cents: balance,
    over_limit: balance > limit,
    oldest_unpaid_day: row.oldest_unpaid_day,
    age_days: row.oldest_unpaid_day === null ? null : Math.round((Date.parse(today) - Date.parse(row.oldest_unpaid_day)) / day_ms),
    ageing: {
      days_0_30_cents: Number(row.days_0_30_cents),
      days_31_60_cents: Number(row.days_31_60_cents),
      days_61_90_cents: Number(row.days_61_90_cents),
      days_91_plus_cents: Number(row.days_91_plus_cents),
    },
  };
}

export function creditBookParams(businessId: string, today: string, query: CreditBookQuery): unknown[] {
  const cursor = decodeCursor(query.cursor, 1);
  const offset = cursor === null ? 0 : Number(cursor[0]);
  if (!Number.isSafeInteger(offset) || offset < 0) decodeCursor('!', 1);
  return [businessId, today, null, query.sort ?? 'amount', query.over_limit ?? false, offset, query.limit + 1];
}

export async function creditBook(db: Db, businessId: string, today: string, query: CreditBookQuery): Promise<CreditBookResponse> {
  const params = creditBookParams(businessId, today, query);
  const rows = await db.query<{ customers: BookRow[]; totals: Record<string, number | string> }>(credit_book_sql, params);
  const { customers, totals } = rows[0] as { customers: BookRow[]; totals: Record<string, number | string> };
  const offset = params[5] as number;
  const n = (key: string) => Number(totals[key] ?? 0);
  return {
    today,
    totals: {
      customers: n('customers'),
      balance_cents: n('balance_cents'),
      over_limit: n('over_limit'),
      ageing: {
        days_0_30_cents: n('days_0_30_cents'),
        days_31_60_cents: n('days_31_60_cents'),
        days_61_90_cents: n('days_61_90_cents'),
        days_91_plus_cents: n('days_91_plus_cents'),
      },
    },
    customers: customers.slice(0, query.limit).map((row) => bookRowOut(row, today)),
    next_cursor: customers.length > query.limit ? encodeCursor([offset + query.limit]) : null,
  };
}

const statement_sql = `WITH ${ageing_ctes}
SELECT ${book_columns},
   (SELECT COALESCE(json_agg(x ORDER BY x.occurred_at, x.event_id, x.entry_no), '[]'::json) FROM (
      SELECT ce.event_id::text AS event_id, ce.entry_no, CASE ce.kind WHEN 'adjust' THEN 'adjustment' ELSE ce.kind END AS kind, ce.delta_cents, ce.ref_id::text AS ref_id, ce.reason, ce.till_id::text AS till_id,
             ce.occurred_at, ${businessDaySql('ce.occurred_at')}::text AS business_day,
             (SELECT s.receipt_no FROM sales s WHERE s.business_id = ce.business_id
                 AND s.sale_id = CASE WHEN ce.kind IN ('sale', 'void') THEN ce.ref_id ELSE (SELECT r.sale_id FROM refunds r WHERE r.business_id = ce.business_id AND r.refund_id = ce.ref_id) END) AS receipt_no,
             (SELECT u.unpaid FROM unpaid u WHERE u.event_id = ce.event_id AND u.entry_no = ce.entry_no) AS unpaid_cents
        FROM credit_entries ce CROSS JOIN b
       WHERE ce.business_id = $1 AND ce.customer_id = $3::uuid
         AND ($4::date IS NULL OR ${businessDaySql('ce.occurred_at')} >= $4::date)
         AND ($5::date IS NULL OR ${businessDaySql('ce.occurred_at')} <= $5::date)) x) AS entries
  FROM customers c
  LEFT JOIN customer_balances cb ON cb.business_id = c.business_id AND cb.customer_id = c.id
  LEFT JOIN aged a ON a.customer_id = c.id
 WHERE c.business_id = $1 AND c.id = $3::uuid`;

/** A polite reminder, in both languages, with the amount through the one money formatter. */
export function reminderText(name: string, balanceCents: number, businessName: string): { en: string; sw: string } {
  const amount = formatKes(balanceCents);
  return {
    en: `Hello ${name}, this is a friendly reminder from ${businessName} that your account balance is ${amount}. Please pay when you can. Thank you!`,
    sw: `Habari ${name}, huu ni ukumbusho wa kirafiki kutoka ${businessName} kwamba salio la deni lako ni ${amount}. Tafadhali lipa utakapoweza. Asante!`,
  };
}

export async function creditStatement(
  db: Db,
  business: { id: string; name: string },
  today: string,
  customerId: string,
  period: { from?: string | undefined; to?: string | undefined },
): Promise<CreditStatementResponse> {
  const rows = await db.query<BookRow & { entries: Record<string, unknown>[] }>(statement_sql, [business.id, today, customerId, period.from ?? null, period.to ?? null]);
  const row = rows[0];
  if (!row) throw notFound('Customer', 'customer_id');
  const customer = bookRowOut(row, today);
  // The running balance before the first entry shown (a statement of a period starts mid-way).
  const shown = row.entries.reduce((total, entry) => total + Number(entry.delta_cents), 0);
  let balance = customer.balance_cents - shown;
  const entries = row.entries.map((entry) => {
    balance += Number(entry.delta_cents);
    const delta = Number(entry.delta_cents);
    return {
      event_id: entry.event_id as string,
      entry_no: Number(entry.entry_no),
      kind: entry.kind as CreditStatementResponse['entries'][number]['kind'],
      delta_cents: delta,
      balance_after_cents: balance,
      ref_id: entry.ref_id as string,
      receipt_no: (entry.receipt_no as string | null) ?? null,
      reason: (entry.reason as string | null) ?? null,
      till_id: entry.till_id as string,
      occurred_at: new Date(entry.occurred_at as string).toISOString(),
      business_day: entry.business_day as string,
      unpaid_cents: delta > 0 && entry.unpaid_cents !== null && entry.unpaid_cents !== undefined ? Number(entry.unpaid_cents) : null,
    };
  });
  return { today, customer, entries, reminder: reminderText(customer.name, customer.balance_cents, business.name) };
}
