/**
 * Applies a journal event's effects to the local tables from its payload alone. Recovery
 * (DESIGN §5) uses it for this till's events that the server holds and the till lost (a till
 * restored from a backup): they join the journal at their own seq, and the sales, stock and
 * credit entries, shift money and parked sales they stand for are written as the command that
 * made them wrote them. `projector.test.ts` proves it by rebuilding a till from another's journal.
 */
import { PaymeError, type PaymeEvent, type SaleCompletedPayload } from '@payme/shared';
import { addCreditEntry, addStockMovement } from './balances.js';
import { sql, type LedgerContext } from './context.js';
import { addShiftEntry, openShiftRow } from './shifts.js';
import { businessDayOf } from './settings.js';

function tenderSum(sale: SaleCompletedPayload, kind: string): number {
  return sale.tenders.filter((tender) => tender.kind === kind).reduce((sum, tender) => sum + tender.amount, 0);
}

function storedSale(ctx: LedgerContext, sale_id: string, seq: number): SaleCompletedPayload {
  const row = sql(ctx, 'SELECT payload FROM sales WHERE sale_id = ?').get(sale_id) as { payload: string } | undefined;
  if (row === undefined) throw new PaymeError('chain_conflict', `event ${seq} names sale ${sale_id}, which this till does not hold`, undefined, { seq });
  return JSON.parse(row.payload) as SaleCompletedPayload;
}

function currentShiftId(ctx: LedgerContext, seq: number): string {
  const shift = openShiftRow(ctx);
  if (shift === undefined) throw new PaymeError('chain_conflict', `event ${seq} moves money while no shift is open`, undefined, { seq });
  return shift.shift_id;
}

/**
 * Two PCs running one cloned disk both print the next number of the same series (DESIGN §5): the
 * server's history may hold a sale whose number this till also gave one of its own sales. Both
 * are real, printed receipts; the event keeps the number as printed, and only the local lookup
 * column (unique) takes the same number with an extra leading zero (`T1-000003` → `T1-0000003`,
 * still a valid receipt number, the same counter). A number taken even at 10 digits is refused.
 */
function localReceiptNo(ctx: LedgerContext, receipt_no: string, seq: number): string {
  const taken = sql(ctx, 'SELECT 1 FROM sales WHERE receipt_no = ?');
  const [prefix, digits] = receipt_no.split('-') as [string, string];
  for (let width = digits.length; width <= 10; width += 1) {
    const candidate = `${prefix}-${digits.padStart(width, '0')}`;
    if (taken.get(candidate) === undefined) return candidate;
  }
  throw new PaymeError('chain_conflict', `receipt ${receipt_no} of event ${seq} is already held by other sales of this till`, undefined, { seq });
}

export function projectEvent(ctx: LedgerContext, event: PaymeEvent): void {
  const { seq, occurred_at, event_id } = event;
  switch (event.type) {
    case 'sale_completed': {
      const sale = event.payload;
      sql(
        ctx,
        `INSERT INTO sales (sale_id, receipt_no, seq, occurred_at, business_date, shift_id, customer_id, actor_id, total, payload)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(sale.sale_id, localReceiptNo(ctx, sale.receipt_no, seq), seq, occurred_at, businessDayOf(ctx, Date.parse(occurred_at)), sale.shift_id ?? null, sale.customer_id ?? null, event.actor_id, sale.total, JSON.stringify(sale));
      const counter = Number(sale.receipt_no.split('-')[1]);
      sql(ctx, 'UPDATE sync_state SET receipt_next = max(receipt_next, ?) WHERE id = 1').run(counter + 1);
      for (const line of sale.lines) {
        sql(ctx, 'INSERT INTO sale_lines (line_id, sale_id, product_id, quantity, gross) VALUES (?, ?, ?, ?, ?)').run(line.line_id, sale.sale_id, line.product_id, line.quantity, line.gross);
        addStockMovement(ctx, seq, line.product_id, -line.quantity, 'sale');
      }
      for (const tender of sale.tenders) {
        sql(ctx, 'INSERT INTO sale_tenders (sale_id, kind, amount, payment_id, mpesa_receipt) VALUES (?, ?, ?, ?, ?)').run(
          sale.sale_id,
          tender.kind,
          tender.amount,
          tender.payment_id ?? null,
          tender.mpesa_receipt ?? null,
        );
        if (sale.shift_id !== undefined) addShiftEntry(ctx, seq, sale.shift_id, tender.kind, 'sale', tender.amount);
      }
      const credit = tenderSum(sale, 'credit');
      if (credit > 0 && sale.customer_id !== undefined) {
        addCreditEntry(ctx, { seq, customer_id: sale.customer_id, delta: credit, kind: 'sale', entry_id: event_id, occurred_at, ref_id: sale.sale_id });
      }
      sql(ctx, "UPDATE parked_sales SET status = 'completed', closed_seq = ? WHERE sale_id = ? AND status = 'parked'").run(seq, sale.sale_id);
      return;
    }
    case 'sale_parked':
      sql(ctx, "INSERT INTO parked_sales (sale_id, payment_id, parked_seq, status, payload) VALUES (?, ?, ?, 'parked', ?)").run(
        event.payload.sale_id,
        event.payload.payment_id,
        seq,
        JSON.stringify({ ...event.payload, parked_at: occurred_at }),
      );
      return;
    case 'sale_abandoned':
      sql(ctx, "UPDATE parked_sales SET status = 'abandoned', closed_seq = ? WHERE sale_id = ?").run(seq, event.payload.sale_id);
      return;
    case 'sale_voided': {
      const sale = storedSale(ctx, event.payload.sale_id, seq);
      const shift_id = currentShiftId(ctx, seq);
      sql(ctx, 'UPDATE sales SET voided_seq = ? WHERE sale_id = ?').run(seq, sale.sale_id);
      for (const line of sale.lines) addStockMovement(ctx, seq, line.product_id, line.quantity, 'void');
      for (const kind of ['cash', 'credit'] as const) addShiftEntry(ctx, seq, shift_id, kind, 'void', -tenderSum(sale, kind));
      const credit = tenderSum(sale, 'credit');
      if (credit > 0 && sale.customer_id !== undefined) {
        addCreditEntry(ctx, { seq, customer_id: sale.customer_id, delta: -credit, kind: 'void', entry_id: event_id, occurred_at, ref_id: sale.sale_id, reason: event.payload.reason });
      }
      return;
    }
    case 'sale_refunded': {
      const refund = event.payload;
      const sale = storedSale(ctx, refund.sale_id, seq);
      const tender = refund.tenders[0]!.kind;
      sql(ctx, 'INSERT INTO refunds (refund_id, sale_id, seq, tender, total, payload) VALUES (?, ?, ?, ?, ?, ?)').run(refund.refund_id, refund.sale_id, seq, tender, refund.total, JSON.stringify(refund));
      for (const line of refund.lines) {
        sql(ctx, 'UPDATE sale_lines SET refunded_quantity = refunded_quantity + ?, refunded_amount = refunded_amount + ? WHERE line_id = ?').run(line.quantity, line.amount, line.line_id);
        addStockMovement(ctx, seq, line.product_id, line.quantity, 'refund');
      }
      addShiftEntry(ctx, seq, currentShiftId(ctx, seq), tender === 'mpesa_reversal' ? 'mpesa' : tender, 'refund', -refund.total);
      if (tender === 'credit' && sale.customer_id !== undefined && refund.total > 0) {
        addCreditEntry(ctx, { seq, customer_id: sale.customer_id, delta: -refund.total, kind: 'refund', entry_id: event_id, occurred_at, ref_id: refund.sale_id, reason: refund.reason });
      }
      return;
    }
    case 'stock_received':
      for (const line of event.payload.lines) addStockMovement(ctx, seq, line.product_id, line.quantity, 'receive');
      return;
    case 'stock_adjusted':
      addStockMovement(ctx, seq, event.payload.product_id, event.payload.delta, 'adjust');
      return;
    case 'stock_counted':
      for (const line of event.payload.lines) addStockMovement(ctx, seq, line.product_id, line.counted - line.expected, 'count');
      return;
    case 'customer_created':
      sql(ctx, 'INSERT INTO customers (customer_id, name, phone, credit_limit) VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO NOTHING').run(
        event.payload.customer_id,
        event.payload.name,
        event.payload.phone ?? null,
        event.payload.credit_limit,
      );
      return;
    case 'customer_updated': {
      const update = event.payload;
      sql(
        ctx,
        `UPDATE customers SET name = coalesce(@name, name), credit_limit = coalesce(@credit_limit, credit_limit),
           phone = CASE WHEN @phone_given = 1 THEN @phone ELSE phone END WHERE customer_id = @customer_id`,
      ).run({
        customer_id: update.customer_id,
        name: update.name ?? null,
        credit_limit: update.credit_limit ?? null,
        phone_given: update.phone === undefined ? 0 : 1,
        phone: update.phone ?? null,
      });
      return;
    }
    case 'credit_payment_recorded':
      addShiftEntry(ctx, seq, currentShiftId(ctx, seq), event.payload.tender, 'credit_payment', event.payload.amount);
      addCreditEntry(ctx, { seq, customer_id: event.payload.customer_id, delta: -event.payload.amount, kind: 'payment', entry_id: event.payload.entry_id, occurred_at });
      return;
    case 'credit_adjusted':
      addCreditEntry(ctx, { seq, customer_id: event.payload.customer_id, delta: event.payload.delta, kind: 'adjustment', entry_id: event.payload.entry_id, occurred_at, reason: event.payload.reason });
      return;
    case 'shift_opened':
      sql(ctx, 'INSERT INTO shifts (shift_id, opened_by, opened_seq, opened_at, float) VALUES (?, ?, ?, ?, ?)').run(event.payload.shift_id, event.actor_id, seq, occurred_at, event.payload.float);
      return;
    case 'shift_paid_in':
    case 'shift_paid_out': {
      const out = event.type === 'shift_paid_out';
      addShiftEntry(ctx, seq, event.payload.shift_id, 'cash', out ? 'pay_out' : 'pay_in', out ? -event.payload.amount : event.payload.amount);
      return;
    }
    case 'shift_closed': {
      const shift = sql(ctx, 'SELECT opened_at, float FROM shifts WHERE shift_id = ?').get(event.payload.shift_id) as { opened_at: string; float: number } | undefined;
      if (shift === undefined) throw new PaymeError('chain_conflict', `event ${seq} closes a shift this till does not hold`, undefined, { seq });
      const report = { ...event.payload, opened_at: shift.opened_at, closed_at: occurred_at, float: shift.float };
      sql(ctx, 'UPDATE shifts SET closed_seq = ?, closed_at = ?, z_report = ? WHERE shift_id = ?').run(seq, occurred_at, JSON.stringify(report), event.payload.shift_id);
      return;
    }
    case 'mpesa_claim_recorded':
      sql(ctx, 'INSERT INTO mpesa_claims (claim_id, code, seq, amount, sale_id) VALUES (?, ?, ?, ?, ?)').run(event.payload.claim_id, event.payload.code, seq, event.payload.amount, event.payload.sale_id ?? null);
      return;
    case 'mpesa_reversal_requested':
      // Carried out by the server; nothing on the till changes until the payment state comes back.
      return;
  }
}
