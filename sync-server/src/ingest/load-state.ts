/**
 * Loads what a batch of events refers to, in one query per kind of row, inside the push's
 * transaction. Sales, shifts and refunds of this till cannot change meanwhile (the till row is
 * locked); stock levels are not read here at all but settled under their own row locks when
 * written (stock-anomalies.ts); a credit balance read here may be a moment old when another till
 * of the business pushes for the same customer at the same instant, which only shifts which of
 * the two events the over-limit anomaly names.
 * Lookups of products, customers and staff are scoped by business: ids are unique within a
 * business only (migration 012), and an id that another business uses is answered exactly as an
 * id never used, so a push cannot tell whether an id exists elsewhere (issue 12).
 */
import type { PaymeEvent } from '@payme/shared';
import type { Db } from '../db/db.js';
import { businessReferences } from './project-events.js';
import { emptyProjectionState, type ProjectionState, type SaleStatus } from './projection-state.js';

interface BatchIds {
  products: Set<string>;
  customers: Set<string>;
  sales: Set<string>;
  voided_sales: Set<string>;
  shifts: Set<string>;
  refunds: Set<string>;
  claims: Set<string>;
  claim_codes: Set<string>;
  reversals: Set<string>;
}

export function batchIds(events: readonly PaymeEvent[]): BatchIds {
  const ids: BatchIds = {
    products: new Set(),
    customers: new Set(),
    sales: new Set(),
    voided_sales: new Set(),
    shifts: new Set(),
    refunds: new Set(),
    claims: new Set(),
    claim_codes: new Set(),
    reversals: new Set(),
  };
  for (const event of events) {
    const refs = businessReferences(event);
    refs.products.forEach((id) => ids.products.add(id));
    refs.customers.forEach((id) => ids.customers.add(id));
    const payload = event.payload as Record<string, unknown>;
    if (typeof payload['sale_id'] === 'string' && event.type !== 'mpesa_claim_recorded' && event.type !== 'mpesa_reversal_requested') {
      ids.sales.add(payload['sale_id']);
    }
    if (event.type === 'sale_voided') ids.voided_sales.add(event.payload.sale_id);
    if (typeof payload['shift_id'] === 'string' && event.type.startsWith('shift_')) ids.shifts.add(payload['shift_id']);
    if (event.type === 'sale_refunded') ids.refunds.add(event.payload.refund_id);
    if (event.type === 'mpesa_claim_recorded') {
      ids.claims.add(event.payload.claim_id);
      ids.claim_codes.add(event.payload.code);
    }
    if (event.type === 'mpesa_reversal_requested') ids.reversals.add(event.payload.reversal_id);
  }
  return ids;
}

const list = (ids: Set<string>) => [...ids];

export async function loadProjectionState(
  tx: Db,
  scope: { business_id: string; store_id: string; till_id: string },
  events: readonly PaymeEvent[],
): Promise<ProjectionState> {
  const state = emptyProjectionState(scope);
  const ids = batchIds(events);
  const businessId = scope.business_id;

  if (ids.products.size > 0) {
    const rows = await tx.query<{ id: string; price_cents: number }>(
      'SELECT id, price_cents FROM products WHERE business_id = $1 AND id = ANY($2::uuid[])',
      [businessId, list(ids.products)],
    );
    for (const row of rows) state.products.set(row.id, { price_cents: Number(row.price_cents) });
  }
  if (ids.customers.size > 0) {
    const rows = await tx.query<{ id: string; credit_limit_cents: number; balance_cents: number }>(
      `SELECT c.id, c.credit_limit_cents, COALESCE(b.balance_cents, 0) AS balance_cents
         FROM customers c
         LEFT JOIN customer_balances b ON b.business_id = c.business_id AND b.customer_id = c.id
        WHERE c.business_id = $1 AND c.id = ANY($2::uuid[])`,
      [businessId, list(ids.customers)],
    );
    for (const row of rows) state.customers.set(row.id, { credit_limit_cents: Number(row.credit_limit_cents), balance_cents: Number(row.balance_cents) });
  }
  if (ids.sales.size > 0) await loadSales(tx, state, ids);
  await loadCustomersOfSales(tx, state);
  await loadExistingIds(tx, state, ids);
  return state;
}

/**
 * A refund or void names only its sale; the sale's credit customer must be known too, or a
 * credit refund pushed in a batch that does not otherwise name that customer is quarantined as
 * `customer_unknown` (found by the sync simulation, seed 25). Added by the sync-agent helper.
 */
async function loadCustomersOfSales(tx: Db, state: ProjectionState): Promise<void> {
  const missing = new Set<string>();
  for (const sale of state.sales.values()) {
    if (sale.customer_id !== null && !state.customers.has(sale.customer_id)) missing.add(sale.customer_id);
  }
  if (missing.size === 0) return;
  const rows = await tx.query<{ id: string; credit_limit_cents: number; balance_cents: number }>(
    `SELECT c.id, c.credit_limit_cents, COALESCE(b.balance_cents, 0) AS balance_cents
       FROM customers c
       LEFT JOIN customer_balances b ON b.business_id = c.business_id AND b.customer_id = c.id
      WHERE c.business_id = $1 AND c.id = ANY($2::uuid[])`,
    [state.business_id, list(missing)],
  );
  for (const row of rows) state.customers.set(row.id, { credit_limit_cents: Number(row.credit_limit_cents), balance_cents: Number(row.balance_cents) });
}

async function loadSales(tx: Db, state: ProjectionState, ids: BatchIds): Promise<void> {
  const rows = await tx.query<{ sale_id: string; status: SaleStatus; customer_id: string | null; credit_cents: number }>(
    'SELECT sale_id, status, customer_id, credit_cents FROM sales WHERE business_id = $1 AND sale_id = ANY($2::uuid[])',
    [state.business_id, list(ids.sales)],
  );
  for (const row of rows) {
    state.sales.set(row.sale_id, { status: row.status, customer_id: row.customer_id, credit_cents: Number(row.credit_cents), lines: [] });
  }
  const voided = list(ids.voided_sales).filter((id) => state.sales.has(id));
  if (voided.length === 0) return;
  const lines = await tx.query<{ sale_id: string; product_id: string; quantity: number }>(
    `SELECT sale_id, product_id, quantity FROM sale_lines
      WHERE business_id = $1 AND sale_id = ANY($2::uuid[]) ORDER BY sale_id, line_no`,
    [state.business_id, voided],
  );
  for (const line of lines) state.sales.get(line.sale_id)?.lines.push({ product_id: line.product_id, quantity: Number(line.quantity) });
}

/** Shifts, refunds, claims and reversals the batch names that are already stored: one round trip. */
async function loadExistingIds(tx: Db, state: ProjectionState, ids: BatchIds): Promise<void> {
  if (ids.shifts.size + ids.refunds.size + ids.claims.size + ids.reversals.size === 0) return;
  const rows = await tx.query<{ kind: string; id: string; status: string | null }>(
    `SELECT 'shift' AS kind, shift_id::text AS id, status FROM shifts WHERE business_id = $1 AND shift_id = ANY($2::uuid[])
     UNION ALL SELECT 'refund', refund_id::text, NULL FROM refunds WHERE business_id = $1 AND refund_id = ANY($3::uuid[])
     UNION ALL SELECT 'claim', claim_id::text, NULL FROM mpesa_claims WHERE business_id = $1 AND claim_id = ANY($4::uuid[])
     UNION ALL SELECT 'claim_code', code, NULL FROM mpesa_claims WHERE business_id = $1 AND code = ANY($5::text[])
     UNION ALL SELECT 'reversal', reversal_id::text, NULL FROM reversal_requests WHERE business_id = $1 AND reversal_id = ANY($6::uuid[])`,
    [state.business_id, list(ids.shifts), list(ids.refunds), list(ids.claims), list(ids.claim_codes), list(ids.reversals)],
  );
  for (const row of rows) {
    if (row.kind === 'shift') state.shifts.set(row.id, { status: row.status === 'closed' ? 'closed' : 'open' });
    else if (row.kind === 'refund') state.refund_ids.add(row.id);
    else if (row.kind === 'claim') state.claim_ids.add(row.id);
    else if (row.kind === 'claim_code') state.claim_codes.add(row.id);
    else state.reversal_ids.add(row.id);
  }
}
