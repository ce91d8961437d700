/**
 * `GET /v1/sales`: the sales of a period, newest first, with filters and a keyset cursor
 * (`sold_at`, `sale_id`), so a page costs the same however deep it is. A receipt number alone
 * finds its sale whatever the day. `salesPageQuery` is exported so the benchmark times this SQL.
 */
import type { SaleListItem, SalesQuery, SalesResponse } from '@payme/shared';
import type { Db } from '../db/db.js';
import { badRequest } from '../http/errors.js';
import { businessDaySql, periodEndSql, periodStartSql } from './business-day.js';
import { decodeCursor, encodeCursor, type Period } from './report-period.js';

const iso_pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const uuid_pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The list's columns, shared with the sale detail. `s` is the sale, `b` its business. */
export const sale_item_columns = `s.sale_id::text AS sale_id, s.receipt_no, s.status, s.store_id::text AS store_id, s.till_id::text AS till_id,
  t.name AS till_name, s.cashier_id::text AS cashier_id, st.name AS cashier_name, s.customer_id::text AS customer_id, c.name AS customer_name,
  COALESCE(s.sold_at, s.occurred_at) AS sold_at, ${businessDaySql('COALESCE(s.sold_at, s.occurred_at)')}::text AS business_day,
  s.total_cents, s.discount_cents, s.vat_cents,
  (SELECT COALESCE(sum(r.total_cents), 0) FROM refunds r WHERE r.business_id = s.business_id AND r.sale_id = s.sale_id) AS refunded_cents,
  (SELECT COALESCE(json_agg(json_build_object('kind', x.kind, 'amount_cents', x.amount_cents) ORDER BY x.tender_no), '[]'::json)
     FROM tenders x WHERE x.business_id = s.business_id AND x.sale_id = s.sale_id) AS tenders`;

export const sale_item_joins = `JOIN businesses b ON b.id = s.business_id
  LEFT JOIN tills t ON t.business_id = s.business_id AND t.id = s.till_id
  LEFT JOIN staff st ON st.business_id = s.business_id AND st.id = s.cashier_id
  LEFT JOIN customers c ON c.business_id = s.business_id AND c.id = s.customer_id`;

/**
 * $1 business, $2/$3 the period (null: none, a receipt search), $4 till, $5 store, $6 cashier,
 * $7 customer, $8 tender, $9 status, $10 receipt, $11/$12 the cursor, $13 rows (one more than
 * the page, to know whether another follows).
 */
export const sales_page_sql = `SELECT ${sale_item_columns}
   FROM sales s ${sale_item_joins}
  WHERE s.business_id = $1
    AND ($2::date IS NULL OR s.sold_at >= ${periodStartSql('$2')})
    AND ($3::date IS NULL OR s.sold_at < ${periodEndSql('$3')})
    AND ($4::uuid IS NULL OR s.till_id = $4::uuid) AND ($5::uuid IS NULL OR s.store_id = $5::uuid)
    AND ($6::uuid IS NULL OR s.cashier_id = $6::uuid) AND ($7::uuid IS NULL OR s.customer_id = $7::uuid)
    AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM tenders x WHERE x.business_id = s.business_id AND x.sale_id = s.sale_id AND x.kind = $8::text))
    AND ($9::text IS NULL OR s.status = $9::text) AND ($10::text IS NULL OR s.receipt_no = $10::text)
    AND ($11::timestamptz IS NULL OR (s.sold_at, s.sale_id) < ($11::timestamptz, $12::uuid))
    AND s.sold_at IS NOT NULL
  ORDER BY s.sold_at DESC, s.sale_id DESC
  LIMIT $13`;

export interface SaleItemRow extends Omit<SaleListItem, 'sold_at' | 'total_cents' | 'discount_cents' | 'vat_cents' | 'refunded_cents' | 'tenders'> {
  sold_at: Date | string;
  total_cents: number | string;
  discount_cents: number | string;
  vat_cents: number | string;
  refunded_cents: number | string;
  tenders: { kind: SaleListItem['tenders'][number]['kind']; amount_cents: number | string }[];
}

export function saleItemOut(row: SaleItemRow): SaleListItem {
  return {
    sale_id: row.sale_id,
    receipt_no: row.receipt_no,
    status: row.status,
    store_id: row.store_id,
    till_id: row.till_id,
    till_name: row.till_name,
    cashier_id: row.cashier_id,
    cashier_name: row.cashier_name,
    customer_id: row.customer_id,
    customer_name: row.customer_name,
    sold_at: new Date(row.sold_at).toISOString(),
    business_day: row.business_day,
    total_cents: Number(row.total_cents),
    discount_cents: Number(row.discount_cents),
    vat_cents: Number(row.vat_cents),
    refunded_cents: Number(row.refunded_cents),
    tenders: row.tenders.map((tender) => ({ kind: tender.kind, amount_cents: Number(tender.amount_cents) })),
  };
}

export function salesPageParams(businessId: string, query: SalesQuery, period: Period | null): unknown[] {
  const cursor = decodeCursor(query.cursor, 2);
  if (cursor !== null && !(iso_pattern.test(cursor[0] as string) && uuid_pattern.test(cursor[1] as string))) {
    throw badRequest('invalid_input', 'cursor: must be the next_cursor of the previous page', 'cursor');
  }
  return [
    businessId,
    period?.from ?? null,
    period?.to ?? null,
    query.till_id ?? null,
    query.store_id ?? null,
    query.cashier_id ?? null,
    query.customer_id ?? null,
    query.tender ?? null,
    query.status ?? null,
    query.receipt_no ?? null,
    cursor?.[0] ?? null,
    cursor?.[1] ?? null,
    query.limit + 1,
  ];
}

export async function listSales(db: Db, businessId: string, query: SalesQuery, period: Period | null): Promise<SalesResponse> {
  const rows = await db.query<SaleItemRow>(sales_page_sql, salesPageParams(businessId, query, period));
  const page = rows.slice(0, query.limit).map(saleItemOut);
  const last = page[page.length - 1];
  return { sales: page, next_cursor: rows.length > query.limit && last ? encodeCursor([last.sold_at, last.sale_id]) : null };
}
