/**
 * `GET /v1/sales/:sale_id`: a sale with its lines, tenders and refunds, the till events behind
 * it (as hashed, in the till's order) and the audit entries about them (UX "Prove it").
 */
import type { SaleDetailResponse } from '@payme/shared';
import type { Db } from '../db/db.js';
import { notFound } from '../http/errors.js';
import { businessDaySql } from './business-day.js';
import { sale_item_columns, sale_item_joins, saleItemOut, type SaleItemRow } from './sales-list.js';

const num = (value: unknown) => Number(value);
const isoOf = (value: unknown) => new Date(value as string).toISOString();

interface DetailRow extends SaleItemRow {
  subtotal_cents: number;
  rounding_cents: number;
  credit_cents: number;
  shift_id: string | null;
  payment_id: string | null;
  close_reason: string | null;
  received_at: Date;
  event_ids: string[];
  lines: Record<string, unknown>[];
  sale_tenders: Record<string, unknown>[];
  refunds: Record<string, unknown>[];
}

/** One statement: the sale, its lines, tenders and refunds, and the ids of its events. */
const detail_sql = `SELECT ${sale_item_columns}, s.subtotal_cents, s.rounding_cents, s.credit_cents, s.shift_id::text AS shift_id,
    s.payment_id::text AS payment_id, s.close_reason, s.received_at,
    (SELECT COALESCE(json_agg(json_build_object('line_no', l.line_no, 'line_id', l.line_id, 'product_id', l.product_id, 'name', l.name, 'unit', l.unit,
              'quantity', l.quantity, 'unit_price_cents', l.unit_price_cents, 'discount_cents', l.discount_cents, 'gross_cents', l.gross_cents,
              'vat_class', l.vat_class, 'vat_cents', l.vat_cents, 'net_cents', l.net_cents) ORDER BY l.line_no), '[]'::json)
       FROM sale_lines l WHERE l.business_id = s.business_id AND l.sale_id = s.sale_id) AS lines,
    (SELECT COALESCE(json_agg(json_build_object('tender_no', x.tender_no, 'kind', x.kind, 'amount_cents', x.amount_cents, 'payment_id', x.payment_id,
              'mpesa_receipt', x.mpesa_receipt, 'claim_code', x.claim_code,
              'claim_verified', CASE WHEN x.claim_code IS NULL THEN NULL
                ELSE EXISTS (SELECT 1 FROM mpesa_c2b_transactions c2b WHERE c2b.business_id = x.business_id AND c2b.trans_id = x.claim_code) END)
              ORDER BY x.tender_no), '[]'::json)
       FROM tenders x WHERE x.business_id = s.business_id AND x.sale_id = s.sale_id) AS sale_tenders,
    (SELECT COALESCE(json_agg(json_build_object('refund_id', r.refund_id, 'till_id', r.till_id, 'total_cents', r.total_cents, 'reason', r.reason,
              'actor_id', r.actor_id, 'approver_id', r.approver_id, 'occurred_at', r.occurred_at, 'business_day', ${businessDaySql('r.occurred_at')},
              'event_id', r.event_id, 'lines', r.lines, 'tenders', r.tenders) ORDER BY r.occurred_at, r.refund_id), '[]'::json)
       FROM refunds r WHERE r.business_id = s.business_id AND r.sale_id = s.sale_id) AS refunds,
    ARRAY(SELECT DISTINCT id::text FROM unnest(ARRAY[s.parked_event_id, s.completed_event_id, s.event_id]
            || ARRAY(SELECT r.event_id FROM refunds r WHERE r.business_id = s.business_id AND r.sale_id = s.sale_id)
            || ARRAY(SELECT m.event_id FROM mpesa_claims m WHERE m.business_id = s.business_id AND m.sale_id = s.sale_id)
            || ARRAY(SELECT v.event_id FROM reversal_requests v WHERE v.business_id = s.business_id AND v.sale_id = s.sale_id)) AS id
          WHERE id IS NOT NULL) AS event_ids
   FROM sales s ${sale_item_joins}
  WHERE s.business_id = $1 AND s.sale_id = $2`;

const events_sql = `SELECT e.event_id::text AS event_id, e.till_id::text AS till_id, e.seq, e.type, e.status,
    e.envelope->>'actor_id' AS actor_id, e.envelope->>'approver_id' AS approver_id, e.envelope->>'occurred_at' AS occurred_at,
    e.received_at, e.prev_hash, e.hash
   FROM till_events e WHERE e.business_id = $1 AND e.event_id = ANY($2::uuid[]) AND e.status <> 'duplicate'
  ORDER BY e.envelope->>'occurred_at', e.till_id, e.seq`;

const audit_sql = `SELECT seq, kind, actor, subject, occurred_at, prev_hash, hash FROM audit_log
  WHERE business_id = $1 AND subject = ANY($2::text[]) ORDER BY seq`;

function refundLines(value: unknown): SaleDetailResponse['refunds'][number]['lines'] {
  return (value as { line_id: string; product_id: string; quantity: number; amount: number }[]).map((line) => ({
    line_id: line.line_id,
    product_id: line.product_id,
    quantity: line.quantity,
    amount_cents: line.amount,
  }));
}

export async function saleDetail(db: Db, businessId: string, saleId: string): Promise<SaleDetailResponse> {
  const rows = await db.query<DetailRow>(detail_sql, [businessId, saleId]);
  const row = rows[0];
  if (!row) throw notFound('Sale', 'sale_id');
  const events = row.event_ids.length === 0 ? [] : await db.query<Record<string, unknown>>(events_sql, [businessId, row.event_ids]);
  const audit = await db.query<Record<string, unknown>>(audit_sql, [businessId, [saleId, ...row.event_ids]]);
  const refunded = new Map<string, number>();
  for (const refund of row.refunds) {
    for (const line of refundLines(refund.lines)) refunded.set(line.line_id, (refunded.get(line.line_id) ?? 0) + line.quantity);
  }
  return {
    sale: {
      ...saleItemOut(row),
      subtotal_cents: num(row.subtotal_cents),
      rounding_cents: num(row.rounding_cents),
      credit_cents: num(row.credit_cents),
      shift_id: row.shift_id,
      payment_id: row.payment_id,
      close_reason: row.close_reason,
      received_at: isoOf(row.received_at),
    },
    lines: row.lines.map((line) => ({
      line_no: num(line.line_no),
      line_id: line.line_id as string,
      product_id: line.product_id as string,
      name: line.name as string,
      unit: line.unit as string,
      quantity: num(line.quantity),
      unit_price_cents: num(line.unit_price_cents),
      discount_cents: num(line.discount_cents),
      gross_cents: num(line.gross_cents),
      vat_class: line.vat_class as string,
      vat_cents: num(line.vat_cents),
      net_cents: num(line.net_cents),
      refunded_quantity: refunded.get(line.line_id as string) ?? 0,
    })),
    tenders: row.sale_tenders.map((tender) => ({
      tender_no: num(tender.tender_no),
      kind: tender.kind as 'cash' | 'mpesa' | 'credit',
      amount_cents: num(tender.amount_cents),
      payment_id: (tender.payment_id as string | null) ?? null,
      mpesa_receipt: (tender.mpesa_receipt as string | null) ?? null,
      claim_code: (tender.claim_code as string | null) ?? null,
      claim_verified: (tender.claim_verified as boolean | null) ?? null,
    })),
    refunds: row.refunds.map((refund) => ({
      refund_id: refund.refund_id as string,
      till_id: refund.till_id as string,
      total_cents: num(refund.total_cents),
      reason: refund.reason as string,
      actor_id: refund.actor_id as string,
      approver_id: (refund.approver_id as string | null) ?? null,
      occurred_at: isoOf(refund.occurred_at),
      business_day: refund.business_day as string,
      lines: refundLines(refund.lines),
      tenders: (refund.tenders as { kind: 'cash' | 'credit' | 'mpesa_reversal'; amount: number }[]).map((tender) => ({ kind: tender.kind, amount_cents: tender.amount })),
    })),
    events: events.map((event) => ({
      event_id: event.event_id as string,
      till_id: event.till_id as string,
      seq: num(event.seq),
      type: event.type as string,
      status: event.status as string,
      actor_id: (event.actor_id as string | null) ?? null,
      approver_id: (event.approver_id as string | null) ?? null,
      occurred_at: (event.occurred_at as string | null) ?? null,
      received_at: isoOf(event.received_at),
      prev_hash: event.prev_hash as string,
      hash: event.hash as string,
    })),
    audit: audit.map((entry) => ({
      seq: num(entry.seq),
      kind: entry.kind as string,
      actor: (entry.actor as string | null) ?? null,
      subject: (entry.subject as string | null) ?? null,
      occurred_at: entry.occurred_at as string,
      prev_hash: entry.prev_hash as string,
      hash: entry.hash as string,
    })),
  };
}
