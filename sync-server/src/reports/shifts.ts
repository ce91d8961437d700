/**
 * Shifts and Z-reports per till: the list (newest first) and one shift with the Z-report as the
 * till closed it (expected vs counted per tender, the variance, counts), its pay-ins and
 * pay-outs, and its sales by tender from the server's own records.
 */
import type { Db } from '../db/db.js';
import { notFound } from '../http/errors.js';
import { businessDaySql, periodEndSql, periodStartSql } from './business-day.js';
import { decodeCursor, encodeCursor } from './report-period.js';
import { badRequest } from '../http/errors.js';

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
const numOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

const shift_columns = `s.shift_id::text AS shift_id, s.store_id::text AS store_id, s.till_id::text AS till_id, t.name AS till_name, s.status,
  s.opened_by::text AS opened_by, o.name AS opened_by_name, s.opened_at, ${businessDaySql('s.opened_at')}::text AS business_day,
  s.closed_by::text AS closed_by, s.closed_at, s.float_cents, s.paid_in_cents, s.paid_out_cents, s.variance_cents, s.sales_count`;
const shift_joins = `JOIN businesses b ON b.id = s.business_id
  LEFT JOIN tills t ON t.business_id = s.business_id AND t.id = s.till_id
  LEFT JOIN staff o ON o.business_id = s.business_id AND o.id = s.opened_by`;

function shiftOut(row: Record<string, unknown>) {
  return {
    shift_id: row.shift_id as string,
    store_id: row.store_id as string,
    till_id: row.till_id as string,
    till_name: (row.till_name as string | null) ?? null,
    status: row.status as 'open' | 'closed',
    opened_by: row.opened_by as string,
    opened_by_name: (row.opened_by_name as string | null) ?? null,
    opened_at: iso(row.opened_at) as string,
    business_day: row.business_day as string,
    closed_by: (row.closed_by as string | null) ?? null,
    closed_at: iso(row.closed_at),
    float_cents: Number(row.float_cents),
    paid_in_cents: Number(row.paid_in_cents),
    paid_out_cents: Number(row.paid_out_cents),
    variance_cents: numOrNull(row.variance_cents),
    sales_count: numOrNull(row.sales_count),
  };
}

export async function listShifts(
  db: Db,
  businessId: string,
  query: { from?: string | undefined; to?: string | undefined; till_id?: string | undefined; store_id?: string | undefined; status?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const cursor = decodeCursor(query.cursor, 2);
  if (cursor !== null && !(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(cursor[0] as string) && /^[0-9a-f-]{36}$/.test(cursor[1] as string))) {
    throw badRequest('invalid_input', 'cursor: must be the next_cursor of the previous page', 'cursor');
  }
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${shift_columns} FROM shifts s ${shift_joins}
      WHERE s.business_id = $1 AND ($2::date IS NULL OR s.opened_at >= ${periodStartSql('$2')}) AND ($3::date IS NULL OR s.opened_at < ${periodEndSql('$3')})
        AND ($4::uuid IS NULL OR s.till_id = $4::uuid) AND ($5::uuid IS NULL OR s.store_id = $5::uuid) AND ($6::text IS NULL OR s.status = $6::text)
        AND ($7::timestamptz IS NULL OR (s.opened_at, s.shift_id) < ($7::timestamptz, $8::uuid))
      ORDER BY s.opened_at DESC, s.shift_id DESC LIMIT $9`,
    [businessId, query.from ?? null, query.to ?? null, query.till_id ?? null, query.store_id ?? null, query.status ?? null, cursor?.[0] ?? null, cursor?.[1] ?? null, query.limit + 1],
  );
  const shifts = rows.slice(0, query.limit).map(shiftOut);
  const last = shifts[shifts.length - 1];
  return { shifts, next_cursor: rows.length > query.limit && last ? encodeCursor([last.opened_at, last.shift_id]) : null };
}

type TenderAmounts = { tender: 'cash' | 'mpesa' | 'credit'; amount_cents: number }[];
const amounts = (value: unknown): TenderAmounts =>
  ((value ?? []) as { tender: 'cash' | 'mpesa' | 'credit'; amount: number }[]).map((row) => ({ tender: row.tender, amount_cents: row.amount }));

export async function shiftDetail(db: Db, businessId: string, shiftId: string) {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${shift_columns}, s.counted, s.expected, s.variance, s.refunds_total_cents, s.voids_count,
       (SELECT COALESCE(json_agg(json_build_object('entry_id', m.entry_id, 'direction', m.direction, 'amount_cents', m.amount_cents, 'reason', m.reason,
                 'actor_id', m.actor_id, 'occurred_at', m.occurred_at) ORDER BY m.occurred_at, m.entry_id), '[]'::json)
          FROM shift_cash_movements m WHERE m.business_id = s.business_id AND m.shift_id = s.shift_id) AS cash_movements,
       (SELECT COALESCE(json_agg(json_build_object('tender', x.kind, 'amount_cents', x.amount_cents)), '[]'::json) FROM (
          SELECT t.kind, sum(t.amount_cents) AS amount_cents FROM sales a JOIN tenders t ON t.business_id = a.business_id AND t.sale_id = a.sale_id
           WHERE a.business_id = s.business_id AND a.shift_id = s.shift_id AND a.status = 'completed' GROUP BY t.kind) x) AS sold,
       (SELECT COALESCE(json_agg(r.tenders), '[]'::json) FROM refunds r JOIN sales a ON a.business_id = r.business_id AND a.sale_id = r.sale_id
          WHERE r.business_id = s.business_id AND a.shift_id = s.shift_id) AS refunds
       FROM shifts s ${shift_joins} WHERE s.business_id = $1 AND s.shift_id = $2`,
    [businessId, shiftId],
  );
  const row = rows[0];
  if (!row) throw notFound('Shift', 'shift_id');
  const sold = row.sold as { tender: string; amount_cents: number | string }[];
  const refunded = new Map<string, number>();
  const refund_tender: Record<string, string> = { cash: 'cash', credit: 'credit', mpesa_reversal: 'mpesa' };
  for (const tenders of row.refunds as { kind: string; amount: number }[][]) {
    for (const tender of tenders) {
      const kind = refund_tender[tender.kind] ?? tender.kind;
      refunded.set(kind, (refunded.get(kind) ?? 0) + tender.amount);
    }
  }
  const by_tender = (['cash', 'mpesa', 'credit'] as const).map((tender) => {
    const amount = Number(sold.find((entry) => entry.tender === tender)?.amount_cents ?? 0);
    const refund = refunded.get(tender) ?? 0;
    return { tender, amount_cents: amount, refund_cents: refund, net_cents: amount - refund };
  });
  return {
    shift: shiftOut(row),
    z_report:
      row.status === 'closed'
        ? {
            counted: amounts(row.counted),
            expected: amounts(row.expected),
            variance: amounts(row.variance),
            sales_count: Number(row.sales_count ?? 0),
            refunds_total_cents: Number(row.refunds_total_cents ?? 0),
            voids_count: Number(row.voids_count ?? 0),
          }
        : null,
    cash_movements: (row.cash_movements as Record<string, unknown>[]).map((movement) => ({
      entry_id: movement.entry_id as string,
      direction: movement.direction as 'in' | 'out',
      amount_cents: Number(movement.amount_cents),
      reason: movement.reason as string,
      actor_id: movement.actor_id as string,
      occurred_at: iso(movement.occurred_at) as string,
    })),
    by_tender,
  };
}
