/**
 * Stock for the owner: levels per store and product with each product's reorder level (low at or
 * below it), a product's movement history, and the anomalies ingest flagged, which the owner or a
 * manager acknowledges (they stay, marked seen).
 */
import { isoAt, type StockResponse } from '@payme/shared';
import type { Db } from '../db/db.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { businessDaySql, periodEndSql, periodStartSql } from './business-day.js';
import { decodeCursor, encodeCursor } from './report-period.js';

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

function offsetFrom(cursor: string | undefined): number {
  const parts = decodeCursor(cursor, 1);
  const offset = parts === null ? 0 : Number(parts[0]);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > 10_000_000) throw badRequest('invalid_input', 'cursor: must be the next_cursor of the previous page', 'cursor');
  return offset;
}

/** $1 business, $2 store or null, $3 only low, $4 name search or null, $5 offset, $6 rows. */
const stock_sql = `SELECT st.id::text AS store_id, st.name AS store_name, p.id::text AS product_id, p.name, p.sku, p.unit,
    COALESCE(l.on_hand, 0) AS on_hand, p.reorder_level, l.updated_at, p.active
   FROM products p
   JOIN stores st ON st.business_id = p.business_id
   LEFT JOIN stock_levels l ON l.business_id = p.business_id AND l.store_id = st.id AND l.product_id = p.id
  WHERE p.business_id = $1 AND ($2::uuid IS NULL OR st.id = $2::uuid)
    AND (NOT $3 OR (p.reorder_level IS NOT NULL AND COALESCE(l.on_hand, 0) <= p.reorder_level))
    AND ($4::text IS NULL OR p.name ILIKE '%' || $4::text || '%' OR p.sku ILIKE $4::text || '%' OR p.barcode = $4::text)
  ORDER BY p.name, p.id, st.name, st.id
  OFFSET $5 LIMIT $6`;

export async function stockLevels(db: Db, businessId: string, query: { store_id?: string | undefined; low?: boolean | undefined; q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<StockResponse> {
  const offset = offsetFrom(query.cursor);
  // ILIKE wildcards typed by a person are taken literally.
  const search = query.q === undefined || query.q === '' ? null : query.q.replace(/[\\%_]/g, (c) => `\\${c}`);
  const rows = await db.query<Record<string, unknown>>(stock_sql, [businessId, query.store_id ?? null, query.low ?? false, search, offset, query.limit + 1]);
  const items = rows.slice(0, query.limit).map((row) => {
    const onHand = Number(row.on_hand);
    const reorder = row.reorder_level === null ? null : Number(row.reorder_level);
    return {
      store_id: row.store_id as string,
      store_name: row.store_name as string,
      product_id: row.product_id as string,
      name: row.name as string,
      sku: (row.sku as string | null) ?? null,
      unit: row.unit as string,
      on_hand: onHand,
      reorder_level: reorder,
      low: reorder !== null && onHand <= reorder,
      active: row.active as boolean,
      updated_at: iso(row.updated_at),
    };
  });
  return { items, next_cursor: rows.length > query.limit ? encodeCursor([offset + query.limit]) : null };
}

/** $1 business, $2 product, $3 store or null, $4/$5 period or null, $6/$7/$8 cursor, $9 rows. */
const movements_sql = `SELECT m.event_id::text AS event_id, m.line_no, m.store_id::text AS store_id, m.till_id::text AS till_id, m.kind, m.delta,
    m.ref_id::text AS ref_id, m.occurred_at, ${businessDaySql('m.occurred_at')}::text AS business_day
   FROM stock_movements m JOIN businesses b ON b.id = m.business_id
  WHERE m.business_id = $1 AND m.product_id = $2 AND ($3::uuid IS NULL OR m.store_id = $3::uuid)
    AND ($4::date IS NULL OR m.occurred_at >= ${periodStartSql('$4')}) AND ($5::date IS NULL OR m.occurred_at < ${periodEndSql('$5')})
    AND ($6::timestamptz IS NULL OR (m.occurred_at, m.event_id, m.line_no) < ($6::timestamptz, $7::uuid, $8::int))
  ORDER BY m.occurred_at DESC, m.event_id DESC, m.line_no DESC
  LIMIT $9`;

export async function stockMovements(
  db: Db,
  businessId: string,
  productId: string,
  query: { store_id?: string | undefined; from?: string | undefined; to?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const product = await db.query('SELECT 1 FROM products WHERE business_id = $1 AND id = $2', [businessId, productId]);
  if (product.length === 0) throw notFound('Product', 'product_id');
  const cursor = decodeCursor(query.cursor, 3);
  if (cursor !== null && !(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(cursor[0] as string) && /^[0-9a-f-]{36}$/.test(cursor[1] as string) && /^\d{1,4}$/.test(cursor[2] as string))) {
    throw badRequest('invalid_input', 'cursor: must be the next_cursor of the previous page', 'cursor');
  }
  const rows = await db.query<Record<string, unknown>>(movements_sql, [
    businessId,
    productId,
    query.store_id ?? null,
    query.from ?? null,
    query.to ?? null,
    cursor?.[0] ?? null,
    cursor?.[1] ?? null,
    cursor?.[2] ?? null,
    query.limit + 1,
  ]);
  const movements = rows.slice(0, query.limit).map((row) => ({
    event_id: row.event_id as string,
    line_no: Number(row.line_no),
    store_id: row.store_id as string,
    till_id: row.till_id as string,
    kind: row.kind as 'sale' | 'void' | 'refund' | 'receive' | 'adjust' | 'count',
    delta: Number(row.delta),
    ref_id: row.ref_id as string,
    occurred_at: iso(row.occurred_at) as string,
    business_day: row.business_day as string,
  }));
  const last = movements[movements.length - 1];
  return { product_id: productId, movements, next_cursor: rows.length > query.limit && last ? encodeCursor([last.occurred_at, last.event_id, last.line_no]) : null };
}

const anomaly_columns = `event_id::text AS event_id, anomaly_no, kind, till_id::text AS till_id, subject, details, detected_at,
  acknowledged_at, acknowledged_by::text AS acknowledged_by, note`;

function anomalyOut(row: Record<string, unknown>) {
  return {
    event_id: row.event_id as string,
    anomaly_no: Number(row.anomaly_no),
    kind: row.kind as string,
    till_id: row.till_id as string,
    subject: row.subject as string,
    details: row.details as Record<string, unknown>,
    detected_at: iso(row.detected_at) as string,
    acknowledged_at: iso(row.acknowledged_at),
    acknowledged_by: (row.acknowledged_by as string | null) ?? null,
    note: (row.note as string | null) ?? null,
  };
}

export async function listAnomalies(db: Db, businessId: string, query: { status?: string | undefined; kind?: string | undefined; cursor?: string | undefined; limit: number }) {
  const offset = offsetFrom(query.cursor);
  const status = query.status ?? 'open';
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${anomaly_columns} FROM anomalies
      WHERE business_id = $1 AND ($2 = 'all' OR ($2 = 'open') = (acknowledged_at IS NULL)) AND ($3::text IS NULL OR kind = $3::text)
      ORDER BY detected_at DESC, event_id, anomaly_no OFFSET $4 LIMIT $5`,
    [businessId, status, query.kind ?? null, offset, query.limit + 1],
  );
  return { anomalies: rows.slice(0, query.limit).map(anomalyOut), next_cursor: rows.length > query.limit ? encodeCursor([offset + query.limit]) : null };
}

/** Marks an anomaly seen; a second acknowledgement is 409 (it keeps the first one's who and when). */
export async function acknowledgeAnomaly(
  tx: Db,
  businessId: string,
  key: { event_id: string; anomaly_no: number },
  staffId: string,
  note: string | null,
  now: number,
) {
  const rows = await tx.query<Record<string, unknown>>(
    `SELECT ${anomaly_columns} FROM anomalies WHERE business_id = $1 AND event_id = $2 AND anomaly_no = $3 FOR UPDATE`,
    [businessId, key.event_id, key.anomaly_no],
  );
  const row = rows[0];
  if (!row) throw notFound('Anomaly', 'event_id');
  if (row.acknowledged_at !== null) throw conflict('already_acknowledged', 'This anomaly was already acknowledged', 'anomaly_no', { acknowledged_at: iso(row.acknowledged_at) });
  const updated = await tx.query<Record<string, unknown>>(
    `UPDATE anomalies SET acknowledged_at = $4, acknowledged_by = $5, note = $6 WHERE business_id = $1 AND event_id = $2 AND anomaly_no = $3
     RETURNING ${anomaly_columns}`,
    [businessId, key.event_id, key.anomaly_no, isoAt(now), staffId, note],
  );
  return anomalyOut(updated[0] as Record<string, unknown>);
}
