/**
 * Stock receipts, adjustments and counts; customers and their credit ledger; shifts; M-Pesa
 * claims and reversal requests. Each handler checks first and writes after, so a quarantined
 * event leaves no row behind.
 */
import type { EventOf } from '@payme/shared';
import type { FoldContext, Quarantine } from './fold-context.js';
import type { EventMeta } from './projection-state.js';

function quarantine(code: string, message: string, field: string): Quarantine {
  return { code, message, field };
}

export function projectStockReceived(ctx: FoldContext, event: EventOf<'stock_received'>, meta: EventMeta): Quarantine | null {
  const seen = new Set<string>();
  event.payload.lines.forEach((line, index) => {
    ctx.checkKnownProduct(meta, line.product_id, seen);
    ctx.moveStock(meta, index + 1, line.product_id, line.quantity, 'receive', event.payload.receipt_id);
  });
  return null;
}

export function projectStockAdjusted(ctx: FoldContext, event: EventOf<'stock_adjusted'>, meta: EventMeta): Quarantine | null {
  ctx.checkKnownProduct(meta, event.payload.product_id, new Set());
  ctx.moveStock(meta, 1, event.payload.product_id, event.payload.delta, 'adjust', meta.event_id);
  return null;
}

/** A count applies as counted − expected, so counts taken on two tills compose (DESIGN §4). */
export function projectStockCounted(ctx: FoldContext, event: EventOf<'stock_counted'>, meta: EventMeta): Quarantine | null {
  const seen = new Set<string>();
  event.payload.lines.forEach((line, index) => {
    ctx.checkKnownProduct(meta, line.product_id, seen);
    const delta = line.counted - line.expected;
    if (delta !== 0) ctx.moveStock(meta, index + 1, line.product_id, delta, 'count', event.payload.count_id);
  });
  return null;
}

export function projectCustomerCreated(ctx: FoldContext, event: EventOf<'customer_created'>, meta: EventMeta): Quarantine | null {
  const customer = event.payload;
  if (ctx.state.customers.has(customer.customer_id)) {
    return quarantine('customer_exists', `Customer ${customer.customer_id} already exists`, 'payload.customer_id');
  }
  ctx.state.customers.set(customer.customer_id, { credit_limit_cents: customer.credit_limit, balance_cents: 0 });
  ctx.rows.customers.set(customer.customer_id, {
    id: customer.customer_id,
    name: customer.name,
    phone: customer.phone ?? null,
    credit_limit_cents: customer.credit_limit,
    updated_at: meta.received_at,
  });
  return null;
}

export function projectCustomerUpdated(ctx: FoldContext, event: EventOf<'customer_updated'>, meta: EventMeta): Quarantine | null {
  const update = event.payload;
  const known = ctx.state.customers.get(update.customer_id);
  if (known === undefined) {
    return quarantine('customer_unknown', `Customer ${update.customer_id} is not known to the server (yet)`, 'payload.customer_id');
  }
  if (update.credit_limit !== undefined) known.credit_limit_cents = update.credit_limit;
  const created = ctx.rows.customers.get(update.customer_id);
  if (created !== undefined) {
    // Created earlier in this push: fold the change into the insert.
    ctx.rows.customers.set(update.customer_id, {
      ...created,
      name: update.name ?? created.name,
      phone: update.phone === undefined ? created.phone : update.phone,
      credit_limit_cents: update.credit_limit ?? created.credit_limit_cents,
    });
    return null;
  }
  const before = ctx.rows.customer_updates.get(update.customer_id);
  ctx.rows.customer_updates.set(update.customer_id, {
    ...before,
    id: update.customer_id,
    ...(update.name === undefined ? {} : { name: update.name }),
    ...(update.phone === undefined ? {} : { phone_set: true, phone: update.phone }),
    ...(update.credit_limit === undefined ? {} : { credit_limit_cents: update.credit_limit }),
    updated_at: meta.received_at,
  });
  return null;
}

export function projectCreditPayment(ctx: FoldContext, event: EventOf<'credit_payment_recorded'>, meta: EventMeta): Quarantine | null {
  const payment = event.payload;
  if (!ctx.state.customers.has(payment.customer_id)) {
    return quarantine('customer_unknown', `Customer ${payment.customer_id} is not known to the server (yet)`, 'payload.customer_id');
  }
  ctx.creditEntry(meta, 1, payment.customer_id, -payment.amount, 'payment', payment.entry_id, null);
  return null;
}

export function projectCreditAdjusted(ctx: FoldContext, event: EventOf<'credit_adjusted'>, meta: EventMeta): Quarantine | null {
  const adjustment = event.payload;
  if (!ctx.state.customers.has(adjustment.customer_id)) {
    return quarantine('customer_unknown', `Customer ${adjustment.customer_id} is not known to the server (yet)`, 'payload.customer_id');
  }
  ctx.creditEntry(meta, 1, adjustment.customer_id, adjustment.delta, 'adjust', adjustment.entry_id, adjustment.reason);
  if (adjustment.delta > 0) ctx.checkCreditLimit(meta, adjustment.customer_id, meta.approver_id);
  return null;
}

export function projectShiftOpened(ctx: FoldContext, event: EventOf<'shift_opened'>, meta: EventMeta): Quarantine | null {
  const { shift_id, float } = event.payload;
  if (ctx.state.shifts.has(shift_id)) return quarantine('shift_exists', `Shift ${shift_id} was already opened`, 'payload.shift_id');
  ctx.state.shifts.set(shift_id, { status: 'open' });
  ctx.rows.shifts.set(shift_id, {
    shift_id,
    store_id: meta.store_id,
    till_id: meta.till_id,
    status: 'open',
    opened_by: meta.actor_id,
    float_cents: float,
    opened_at: meta.occurred_at,
    paid_in_cents: 0,
    paid_out_cents: 0,
    closed_by: null,
    closed_at: null,
    counted: null,
    expected: null,
    variance: null,
    variance_cents: null,
    sales_count: null,
    refunds_total_cents: null,
    voids_count: null,
  });
  return null;
}

/** Applies a change to the shift this push opened, or queues it as an update of the stored one. */
function changeShift(ctx: FoldContext, shiftId: string, paidIn: number, paidOut: number, close: Record<string, unknown>): void {
  const opened = ctx.rows.shifts.get(shiftId);
  if (opened !== undefined) {
    ctx.rows.shifts.set(shiftId, {
      ...opened,
      ...close,
      paid_in_cents: opened.paid_in_cents + paidIn,
      paid_out_cents: opened.paid_out_cents + paidOut,
    });
    return;
  }
  const before = ctx.rows.shift_updates.get(shiftId) ?? { shift_id: shiftId, paid_in_cents: 0, paid_out_cents: 0 };
  ctx.rows.shift_updates.set(shiftId, {
    ...before,
    ...close,
    paid_in_cents: before.paid_in_cents + paidIn,
    paid_out_cents: before.paid_out_cents + paidOut,
  });
}

export function projectShiftCash(
  ctx: FoldContext,
  event: EventOf<'shift_paid_in'> | EventOf<'shift_paid_out'>,
  meta: EventMeta,
): Quarantine | null {
  const movement = event.payload;
  if (!ctx.state.shifts.has(movement.shift_id)) {
    return quarantine('shift_unknown', `Shift ${movement.shift_id} is not known to the server (yet)`, 'payload.shift_id');
  }
  const direction = event.type === 'shift_paid_in' ? 'in' : 'out';
  ctx.rows.cash_moves.push({
    event_id: meta.event_id,
    entry_id: movement.entry_id,
    shift_id: movement.shift_id,
    direction,
    amount_cents: movement.amount,
    reason: movement.reason,
    actor_id: meta.actor_id,
    occurred_at: meta.occurred_at,
  });
  changeShift(ctx, movement.shift_id, direction === 'in' ? movement.amount : 0, direction === 'out' ? movement.amount : 0, {});
  return null;
}

export function projectShiftClosed(ctx: FoldContext, event: EventOf<'shift_closed'>, meta: EventMeta): Quarantine | null {
  const close = event.payload;
  const known = ctx.state.shifts.get(close.shift_id);
  if (known === undefined) return quarantine('shift_unknown', `Shift ${close.shift_id} is not known to the server (yet)`, 'payload.shift_id');
  if (known.status === 'closed') return quarantine('shift_already_closed', `Shift ${close.shift_id} was already closed`, 'payload.shift_id');
  known.status = 'closed';
  changeShift(ctx, close.shift_id, 0, 0, {
    status: 'closed',
    closed_by: meta.actor_id,
    closed_at: meta.occurred_at,
    counted: close.counted,
    expected: close.expected,
    variance: close.variance,
    variance_cents: close.variance.reduce((total, row) => total + row.amount, 0),
    sales_count: close.sales_count,
    refunds_total_cents: close.refunds_total,
    voids_count: close.voids_count,
  });
  return null;
}

export function projectMpesaClaim(ctx: FoldContext, event: EventOf<'mpesa_claim_recorded'>, meta: EventMeta): Quarantine | null {
  const claim = event.payload;
  if (ctx.state.claim_ids.has(claim.claim_id)) return quarantine('claim_exists', `Claim ${claim.claim_id} was already recorded`, 'payload.claim_id');
  if (ctx.state.claim_codes.has(claim.code)) {
    // The same code typed twice (a forwarded SMS): recorded, and flagged for the owner (DESIGN §7).
    ctx.anomaly(meta, 'claim_code_reused', claim.code, { code: claim.code, claim_id: claim.claim_id });
  }
  ctx.state.claim_ids.add(claim.claim_id);
  ctx.state.claim_codes.add(claim.code);
  ctx.rows.claims.push({
    claim_id: claim.claim_id,
    sale_id: claim.sale_id ?? null,
    code: claim.code,
    amount_cents: claim.amount,
    phone: claim.phone ?? null,
    till_id: meta.till_id,
    event_id: meta.event_id,
    occurred_at: meta.occurred_at,
    received_at: meta.received_at,
  });
  return null;
}

export function projectReversalRequested(ctx: FoldContext, event: EventOf<'mpesa_reversal_requested'>, meta: EventMeta): Quarantine | null {
  const reversal = event.payload;
  if (ctx.state.reversal_ids.has(reversal.reversal_id)) {
    return quarantine('reversal_exists', `Reversal ${reversal.reversal_id} was already requested`, 'payload.reversal_id');
  }
  ctx.state.reversal_ids.add(reversal.reversal_id);
  ctx.rows.reversals.push({
    reversal_id: reversal.reversal_id,
    sale_id: reversal.sale_id,
    refund_id: reversal.refund_id ?? null,
    payment_id: reversal.payment_id ?? null,
    mpesa_receipt: reversal.mpesa_receipt,
    amount_cents: reversal.amount,
    till_id: meta.till_id,
    event_id: meta.event_id,
    occurred_at: meta.occurred_at,
    received_at: meta.received_at,
  });
  return null;
}
