/**
 * The till's one writer of event effects (DESIGN §4, STYLE "one writer"): every event's rows —
 * sales, stock movements and credit entries, shift money, parked sales, customers, claims — are
 * written here, from the event alone, whoever made it. A command checks its rules, builds its
 * event and appends it, and `runCommand` applies it through `projectEvent`; recovery (DESIGN §5)
 * applies the till's events that the server holds and the till lost, and `payme-till restore`
 * imports a replaced ledger's events, through the same function (Actual Budget's
 * `applyMessages`). `ledger.property.test.ts` replays random journals into an empty ledger and
 * compares every table with the ledger that made them.
 *
 * `seq` is the event's local journal seq; `payload_json` is the payload's canonical JSON when the
 * caller already has it (the live sale path), so the sale row is not serialised a second time.
 * JSON columns hold canonical JSON, so a row is the same bytes whichever path wrote it.
 */
import type { EventOf, EventType, PaymeEvent } from '@payme/shared';
import { PaymeError } from '@payme/shared';
import { addCreditEntry, addStockMovement } from './balances.js';
import { sql, type LedgerContext } from './context.js';
import { fastCanonicalJson } from './event-hash.js';
import { addShiftEntry } from './shifts.js';
import { currentShiftId, projectSaleAbandoned, projectSaleCompleted, projectSaleParked, projectSaleRefunded, projectSaleVoided } from './projector-sales.js';

type Projector<T extends EventType> = (ctx: LedgerContext, event: EventOf<T>, seq: number, payload_json: string | undefined) => void;

function projectCustomerUpdated(ctx: LedgerContext, event: EventOf<'customer_updated'>): void {
  const update = event.payload;
  sql(
    ctx,
    `UPDATE customers SET name = coalesce(@name, name), credit_limit = coalesce(@credit_limit, credit_limit),
       phone = CASE WHEN @phone_given = 1 THEN @phone ELSE phone END WHERE customer_id = @customer_id`,
  ).run({
    customer_id: update.customer_id,
    name: update.name ?? null,
    credit_limit: update.credit_limit ?? null,
    // `phone: null` removes the number; no phone member leaves it as it is.
    phone_given: update.phone === undefined ? 0 : 1,
    phone: update.phone ?? null,
  });
}

function projectShiftClosed(ctx: LedgerContext, event: EventOf<'shift_closed'>, seq: number): void {
  const shift = sql(ctx, 'SELECT opened_at, float FROM shifts WHERE shift_id = ?').get(event.payload.shift_id) as { opened_at: string; float: number } | undefined;
  if (shift === undefined) throw new PaymeError('chain_conflict', `event ${seq} closes a shift this till does not hold`, undefined, { seq });
  const report = { ...event.payload, opened_at: shift.opened_at, closed_at: event.occurred_at, float: shift.float };
  sql(ctx, 'UPDATE shifts SET closed_seq = ?, closed_at = ?, z_report = ? WHERE shift_id = ?').run(seq, event.occurred_at, fastCanonicalJson(report), event.payload.shift_id);
}

const projectors: { [T in EventType]: Projector<T> } = {
  sale_completed: projectSaleCompleted,
  sale_parked: projectSaleParked,
  sale_abandoned: projectSaleAbandoned,
  sale_voided: projectSaleVoided,
  sale_refunded: projectSaleRefunded,
  stock_received: (ctx, event, seq) => {
    for (const line of event.payload.lines) addStockMovement(ctx, seq, line.product_id, line.quantity, 'receive');
  },
  stock_adjusted: (ctx, event, seq) => addStockMovement(ctx, seq, event.payload.product_id, event.payload.delta, 'adjust'),
  // A count applies the difference to what the counter saw, so counts on two tills compose.
  stock_counted: (ctx, event, seq) => {
    for (const line of event.payload.lines) addStockMovement(ctx, seq, line.product_id, line.counted - line.expected, 'count');
  },
  customer_created: (ctx, { payload }) => {
    sql(ctx, 'INSERT INTO customers (customer_id, name, phone, credit_limit) VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO NOTHING').run(
      payload.customer_id,
      payload.name,
      payload.phone ?? null,
      payload.credit_limit,
    );
  },
  customer_updated: projectCustomerUpdated,
  credit_payment_recorded: (ctx, { payload, occurred_at }, seq) => {
    addShiftEntry(ctx, seq, currentShiftId(ctx, seq), payload.tender, 'credit_payment', payload.amount);
    addCreditEntry(ctx, { seq, customer_id: payload.customer_id, delta: -payload.amount, kind: 'payment', entry_id: payload.entry_id, occurred_at });
  },
  credit_adjusted: (ctx, { payload, occurred_at }, seq) => {
    addCreditEntry(ctx, { seq, customer_id: payload.customer_id, delta: payload.delta, kind: 'adjustment', entry_id: payload.entry_id, occurred_at, reason: payload.reason });
  },
  shift_opened: (ctx, event, seq) => {
    sql(ctx, 'INSERT INTO shifts (shift_id, opened_by, opened_seq, opened_at, float) VALUES (?, ?, ?, ?, ?)').run(event.payload.shift_id, event.actor_id, seq, event.occurred_at, event.payload.float);
  },
  shift_paid_in: (ctx, { payload }, seq) => addShiftEntry(ctx, seq, payload.shift_id, 'cash', 'pay_in', payload.amount),
  shift_paid_out: (ctx, { payload }, seq) => addShiftEntry(ctx, seq, payload.shift_id, 'cash', 'pay_out', -payload.amount),
  shift_closed: projectShiftClosed,
  mpesa_claim_recorded: (ctx, { payload }, seq) => {
    sql(ctx, 'INSERT INTO mpesa_claims (claim_id, code, seq, amount, sale_id) VALUES (?, ?, ?, ?, ?)').run(payload.claim_id, payload.code, seq, payload.amount, payload.sale_id ?? null);
  },
  // Carried out by the server; nothing on the till changes until the payment state comes back.
  mpesa_reversal_requested: () => undefined,
};

export function projectEvent(ctx: LedgerContext, event: PaymeEvent, seq: number, payload_json?: string): void {
  (projectors[event.type] as Projector<EventType>)(ctx, event as EventOf<EventType>, seq, payload_json);
}
