/**
 * Sales into sales, sale lines, tenders, stock movements and credit entries (DESIGN §4): a sale is
 * completed, or parked while M-Pesa is pending and then completed or abandoned; a void or a refund
 * is a new fact that reverses, never an edit. A fact the shop already acted on is applied even
 * when it breaks a rule (oversold, over the credit limit, stale price) and flagged as an anomaly.
 */
import type { EventOf } from '@payme/shared';
import type { FoldContext, Quarantine } from './fold-context.js';
import type { EventMeta, SaleRow } from './projection-state.js';

function quarantine(code: string, message: string, field?: string): Quarantine {
  return field === undefined ? { code, message } : { code, message, field };
}

function customerCheck(ctx: FoldContext, customerId: string | undefined, needed: boolean): Quarantine | null {
  if (customerId === undefined || ctx.state.customers.has(customerId) || !needed) return null;
  return quarantine('customer_unknown', 'The credit customer of this sale is not known to the server (yet)', 'payload.customer_id');
}

export function projectSaleCompleted(ctx: FoldContext, event: EventOf<'sale_completed'>, meta: EventMeta): Quarantine | null {
  const sale = event.payload;
  const known = ctx.state.sales.get(sale.sale_id);
  if (known !== undefined && known.status !== 'parked') {
    return quarantine('sale_exists', `Sale ${sale.sale_id} was already ${known.status}`, 'payload.sale_id');
  }
  const credit = sale.tenders.filter((tender) => tender.kind === 'credit').reduce((total, tender) => total + tender.amount, 0);
  const customerProblem = customerCheck(ctx, sale.customer_id, credit > 0);
  if (customerProblem) return customerProblem;

  const row: SaleRow = {
    sale_id: sale.sale_id,
    store_id: meta.store_id,
    till_id: meta.till_id,
    status: 'completed',
    receipt_no: sale.receipt_no,
    shift_id: sale.shift_id ?? null,
    customer_id: sale.customer_id ?? null,
    cashier_id: meta.actor_id,
    payment_id: null,
    subtotal_cents: sale.subtotal,
    discount_cents: sale.discount,
    vat_cents: sale.vat_total,
    rounding_cents: sale.rounding,
    total_cents: sale.total,
    credit_cents: credit,
    close_reason: null,
    event_id: meta.event_id,
    occurred_at: meta.occurred_at,
    received_at: meta.received_at,
    sold_at: meta.occurred_at,
    completed_event_id: meta.event_id,
    parked_event_id: null,
  };
  const pending = ctx.rows.sales.get(sale.sale_id);
  if (pending !== undefined) {
    // Parked earlier in this same push: the insert carries the completed sale.
    ctx.rows.sales.set(sale.sale_id, { ...row, payment_id: pending.payment_id, parked_event_id: pending.parked_event_id });
  } else if (known !== undefined) {
    const { payment_id: _keepParkedPayment, parked_event_id: _keepParkedEvent, ...completed } = row;
    ctx.rows.sale_updates.set(sale.sale_id, completed);
  } else {
    ctx.rows.sales.set(sale.sale_id, row);
  }
  ctx.state.sales.set(sale.sale_id, {
    status: 'completed',
    customer_id: sale.customer_id ?? null,
    credit_cents: credit,
    lines: sale.lines.map((line) => ({ product_id: line.product_id, quantity: line.quantity })),
  });

  const seenUnknown = new Set<string>();
  for (const override of sale.stock_overrides ?? []) ctx.rows.sale_overrides.set(`${meta.event_id}:${override.product_id}`, override.approved_by);
  sale.lines.forEach((line, index) => {
    ctx.rows.sale_lines.push({
      sale_id: sale.sale_id,
      line_no: index + 1,
      line_id: line.line_id,
      product_id: line.product_id,
      name: line.name,
      unit: line.unit,
      quantity: line.quantity,
      unit_price_cents: line.unit_price,
      discount_cents: line.discount,
      gross_cents: line.gross,
      vat_class: line.vat_class,
      vat_cents: line.vat,
      net_cents: line.net,
    });
    ctx.checkKnownProduct(meta, line.product_id, seenUnknown);
    const product = ctx.state.products.get(line.product_id);
    if (product !== undefined && product.price_cents !== line.unit_price && line.override_approved_by === undefined) {
      ctx.anomaly(meta, 'stale_price', line.product_id, {
        product_id: line.product_id,
        line_no: index + 1,
        sold_at_cents: line.unit_price,
        price_cents: product.price_cents,
      });
    }
    ctx.moveStock(meta, index + 1, line.product_id, -line.quantity, 'sale', sale.sale_id);
  });
  sale.tenders.forEach((tender, index) => {
    ctx.rows.tenders.push({
      sale_id: sale.sale_id,
      tender_no: index + 1,
      kind: tender.kind,
      amount_cents: tender.amount,
      payment_id: tender.payment_id ?? null,
      mpesa_receipt: tender.mpesa_receipt ?? null,
      claim_code: tender.claim_code ?? null,
    });
  });
  if (credit > 0 && sale.customer_id !== undefined) {
    ctx.creditEntry(meta, 1, sale.customer_id, credit, 'sale', sale.sale_id, null);
    ctx.checkCreditLimit(meta, sale.customer_id, sale.credit_override?.approved_by ?? null);
  }
  return null;
}

export function projectSaleParked(ctx: FoldContext, event: EventOf<'sale_parked'>, meta: EventMeta): Quarantine | null {
  const parked = event.payload;
  const known = ctx.state.sales.get(parked.sale_id);
  if (known !== undefined) return quarantine('sale_exists', `Sale ${parked.sale_id} was already ${known.status}`, 'payload.sale_id');
  ctx.rows.sales.set(parked.sale_id, {
    sale_id: parked.sale_id,
    store_id: meta.store_id,
    till_id: meta.till_id,
    status: 'parked',
    receipt_no: null,
    shift_id: parked.shift_id ?? null,
    customer_id: parked.customer_id ?? null,
    cashier_id: meta.actor_id,
    payment_id: parked.payment_id,
    subtotal_cents: 0,
    discount_cents: 0,
    vat_cents: 0,
    rounding_cents: 0,
    total_cents: parked.total,
    credit_cents: 0,
    close_reason: null,
    event_id: meta.event_id,
    occurred_at: meta.occurred_at,
    received_at: meta.received_at,
    sold_at: meta.occurred_at,
    completed_event_id: null,
    parked_event_id: meta.event_id,
  });
  ctx.state.sales.set(parked.sale_id, { status: 'parked', customer_id: parked.customer_id ?? null, credit_cents: 0, lines: [] });
  return null;
}

/** Sets a sale's new status on the row this push inserts, or as an update of the stored row. */
function closeSale(ctx: FoldContext, saleId: string, status: 'voided' | 'abandoned', reason: string, meta: EventMeta): void {
  const change = { status, close_reason: reason, event_id: meta.event_id, occurred_at: meta.occurred_at, received_at: meta.received_at };
  const pending = ctx.rows.sales.get(saleId);
  if (pending !== undefined) ctx.rows.sales.set(saleId, { ...pending, ...change });
  else ctx.rows.sale_updates.set(saleId, { ...ctx.rows.sale_updates.get(saleId), sale_id: saleId, ...change });
}

export function projectSaleAbandoned(ctx: FoldContext, event: EventOf<'sale_abandoned'>, meta: EventMeta): Quarantine | null {
  const { sale_id, reason } = event.payload;
  const known = ctx.state.sales.get(sale_id);
  if (known === undefined) return quarantine('sale_unknown', `Sale ${sale_id} is not known to the server (yet)`, 'payload.sale_id');
  if (known.status !== 'parked') return quarantine('sale_not_parked', `Sale ${sale_id} is ${known.status}, not parked`, 'payload.sale_id');
  closeSale(ctx, sale_id, 'abandoned', reason, meta);
  known.status = 'abandoned';
  return null;
}

export function projectSaleVoided(ctx: FoldContext, event: EventOf<'sale_voided'>, meta: EventMeta): Quarantine | null {
  const { sale_id, reason } = event.payload;
  const known = ctx.state.sales.get(sale_id);
  if (known === undefined) return quarantine('sale_unknown', `Sale ${sale_id} is not known to the server (yet)`, 'payload.sale_id');
  if (known.status !== 'completed') return quarantine('sale_not_completed', `Sale ${sale_id} is ${known.status}, not completed`, 'payload.sale_id');
  if (known.credit_cents > 0 && (known.customer_id === null || !ctx.state.customers.has(known.customer_id))) {
    return quarantine('customer_unknown', 'The credit customer of this sale is not known to the server', 'payload.sale_id');
  }
  closeSale(ctx, sale_id, 'voided', reason, meta);
  known.status = 'voided';
  known.lines.forEach((line, index) => ctx.moveStock(meta, index + 1, line.product_id, line.quantity, 'void', sale_id));
  if (known.credit_cents > 0 && known.customer_id !== null) {
    ctx.creditEntry(meta, 1, known.customer_id, -known.credit_cents, 'void', sale_id, reason);
  }
  return null;
}

export function projectSaleRefunded(ctx: FoldContext, event: EventOf<'sale_refunded'>, meta: EventMeta): Quarantine | null {
  const refund = event.payload;
  if (ctx.state.refund_ids.has(refund.refund_id)) {
    return quarantine('refund_exists', `Refund ${refund.refund_id} was already recorded`, 'payload.refund_id');
  }
  const sale = ctx.state.sales.get(refund.sale_id);
  if (sale === undefined) return quarantine('sale_unknown', `Sale ${refund.sale_id} is not known to the server (yet)`, 'payload.sale_id');
  const credit = refund.tenders.filter((tender) => tender.kind === 'credit').reduce((total, tender) => total + tender.amount, 0);
  if (credit > 0 && (sale.customer_id === null || !ctx.state.customers.has(sale.customer_id))) {
    return quarantine('customer_unknown', 'A credit refund needs the sale to have a known customer', 'payload.tenders');
  }
  ctx.state.refund_ids.add(refund.refund_id);
  ctx.rows.refunds.push({
    refund_id: refund.refund_id,
    sale_id: refund.sale_id,
    till_id: meta.till_id,
    total_cents: refund.total,
    lines: refund.lines,
    tenders: refund.tenders,
    reason: refund.reason,
    actor_id: meta.actor_id,
    approver_id: meta.approver_id,
    event_id: meta.event_id,
    occurred_at: meta.occurred_at,
    received_at: meta.received_at,
  });
  const seenUnknown = new Set<string>();
  refund.lines.forEach((line, index) => {
    ctx.checkKnownProduct(meta, line.product_id, seenUnknown);
    ctx.moveStock(meta, index + 1, line.product_id, line.quantity, 'refund', refund.refund_id);
  });
  if (credit > 0 && sale.customer_id !== null) {
    ctx.creditEntry(meta, 1, sale.customer_id, -credit, 'refund', refund.refund_id, refund.reason);
  }
  return null;
}
