/**
 * The projector's sale events (see projector.ts): a completed sale's rows (the sale, its lines,
 * stock movements, tenders, shift money, credit entry, receipt counter), parking, voids and
 * refunds, each written from the event alone.
 */
import { PaymeError, type EventOf, type SaleCompletedPayload } from '@payme/shared';
import { addCreditEntry, addStockMovement, addStockMovements, valueRows } from './balances.js';
import { sql, type LedgerContext } from './context.js';
import { fastCanonicalJson } from './event-hash.js';
import { addShiftEntry, openShiftRow } from './shifts.js';
import { businessDayOf } from './settings.js';

/** A receipt number's digits may grow to this many when two PCs of one cloned disk issued the same number. */
const receipt_digits_max = 10;

export function tenderSum(sale: SaleCompletedPayload, kind: string): number {
  return sale.tenders.filter((tender) => tender.kind === kind).reduce((sum, tender) => sum + tender.amount, 0);
}

function storedSale(ctx: LedgerContext, sale_id: string, seq: number): SaleCompletedPayload {
  const row = sql(ctx, 'SELECT payload FROM sales WHERE sale_id = ?').get(sale_id) as { payload: string } | undefined;
  if (row === undefined) throw new PaymeError('chain_conflict', `event ${seq} names sale ${sale_id}, which this till does not hold`, undefined, { seq });
  return JSON.parse(row.payload) as SaleCompletedPayload;
}

/** The shift a void or refund takes its money from: the open one. */
export function currentShiftId(ctx: LedgerContext, seq: number): string {
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
  const cut = receipt_no.lastIndexOf('-');
  const [prefix, digits] = [receipt_no.slice(0, cut), receipt_no.slice(cut + 1)];
  for (let width = digits.length; width <= receipt_digits_max; width += 1) {
    const candidate = `${prefix}-${digits.padStart(width, '0')}`;
    if (taken.get(candidate) === undefined) return candidate;
  }
  throw new PaymeError('chain_conflict', `receipt ${receipt_no} of event ${seq} is already held by other sales of this till`, undefined, { seq });
}

/**
 * The counter a receipt number came from moves past it: the restore's own series while the till
 * sells in one (DESIGN §5 forced offline restore), else the till's gapless counter.
 */
function advanceReceiptCounter(ctx: LedgerContext, receipt_no: string): void {
  const cut = receipt_no.lastIndexOf('-');
  sql(
    ctx,
    `UPDATE sync_state SET
       receipt_series_next = CASE WHEN receipt_series IS @series THEN max(receipt_series_next, @next) ELSE receipt_series_next END,
       receipt_next = CASE WHEN receipt_series IS @series THEN receipt_next ELSE max(receipt_next, @next) END
     WHERE id = 1`,
  ).run({ series: receipt_no.slice(0, cut), next: Number(receipt_no.slice(cut + 1)) + 1 });
}

export function projectSaleCompleted(ctx: LedgerContext, event: EventOf<'sale_completed'>, seq: number, payload_json: string | undefined): void {
  const sale = event.payload;
  sql(
    ctx,
    `INSERT INTO sales (sale_id, receipt_no, seq, occurred_at, business_date, shift_id, customer_id, actor_id, total, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    sale.sale_id,
    localReceiptNo(ctx, sale.receipt_no, seq),
    seq,
    event.occurred_at,
    businessDayOf(ctx, Date.parse(event.occurred_at)),
    sale.shift_id ?? null,
    sale.customer_id ?? null,
    event.actor_id,
    sale.total,
    payload_json ?? fastCanonicalJson(sale),
  );
  advanceReceiptCounter(ctx, sale.receipt_no);
  const lineValues: (string | number)[] = [];
  for (const line of sale.lines) lineValues.push(line.line_id, sale.sale_id, line.product_id, line.quantity, line.gross);
  sql(ctx, `INSERT INTO sale_lines (line_id, sale_id, product_id, quantity, gross) VALUES ${valueRows(sale.lines.length, 5)}`).run(lineValues);
  addStockMovements(ctx, seq, sale.lines.map((line) => ({ product_id: line.product_id, delta: -line.quantity })), 'sale');
  const tender = sql(ctx, 'INSERT INTO sale_tenders (sale_id, kind, amount, payment_id, mpesa_receipt) VALUES (?, ?, ?, ?, ?)');
  for (const paid of sale.tenders) {
    tender.run(sale.sale_id, paid.kind, paid.amount, paid.payment_id ?? null, paid.mpesa_receipt ?? null);
    if (sale.shift_id !== undefined) addShiftEntry(ctx, seq, sale.shift_id, paid.kind, 'sale', paid.amount);
  }
  const credit = tenderSum(sale, 'credit');
  if (credit > 0 && sale.customer_id !== undefined) {
    addCreditEntry(ctx, { seq, customer_id: sale.customer_id, delta: credit, kind: 'sale', entry_id: event.event_id, occurred_at: event.occurred_at, ref_id: sale.sale_id });
  }
  sql(ctx, "UPDATE parked_sales SET status = 'completed', closed_seq = ? WHERE sale_id = ? AND status = 'parked'").run(seq, sale.sale_id);
}

export function projectSaleParked(ctx: LedgerContext, event: EventOf<'sale_parked'>, seq: number): void {
  sql(ctx, "INSERT INTO parked_sales (sale_id, payment_id, parked_seq, status, payload) VALUES (?, ?, ?, 'parked', ?)").run(
    event.payload.sale_id,
    event.payload.payment_id,
    seq,
    fastCanonicalJson({ ...event.payload, parked_at: event.occurred_at }),
  );
}

export function projectSaleAbandoned(ctx: LedgerContext, event: EventOf<'sale_abandoned'>, seq: number): void {
  sql(ctx, "UPDATE parked_sales SET status = 'abandoned', closed_seq = ? WHERE sale_id = ?").run(seq, event.payload.sale_id);
}

export function projectSaleVoided(ctx: LedgerContext, event: EventOf<'sale_voided'>, seq: number): void {
  const sale = storedSale(ctx, event.payload.sale_id, seq);
  const shift_id = currentShiftId(ctx, seq);
  sql(ctx, 'UPDATE sales SET voided_seq = ? WHERE sale_id = ?').run(seq, sale.sale_id);
  for (const line of sale.lines) addStockMovement(ctx, seq, line.product_id, line.quantity, 'void');
  for (const kind of ['cash', 'credit'] as const) addShiftEntry(ctx, seq, shift_id, kind, 'void', -tenderSum(sale, kind));
  const credit = tenderSum(sale, 'credit');
  if (credit > 0 && sale.customer_id !== undefined) {
    addCreditEntry(ctx, { seq, customer_id: sale.customer_id, delta: -credit, kind: 'void', entry_id: event.event_id, occurred_at: event.occurred_at, ref_id: sale.sale_id, reason: event.payload.reason });
  }
}

export function projectSaleRefunded(ctx: LedgerContext, event: EventOf<'sale_refunded'>, seq: number): void {
  const refund = event.payload;
  const sale = storedSale(ctx, refund.sale_id, seq);
  const tender = refund.tenders[0]!.kind;
  sql(ctx, 'INSERT INTO refunds (refund_id, sale_id, seq, tender, total, payload) VALUES (?, ?, ?, ?, ?, ?)').run(refund.refund_id, refund.sale_id, seq, tender, refund.total, fastCanonicalJson(refund));
  const refunded = sql(ctx, 'UPDATE sale_lines SET refunded_quantity = refunded_quantity + ?, refunded_amount = refunded_amount + ? WHERE line_id = ?');
  for (const line of refund.lines) {
    refunded.run(line.quantity, line.amount, line.line_id);
    addStockMovement(ctx, seq, line.product_id, line.quantity, 'refund');
  }
  // A reversal request leaves the drawer's M-Pesa figure, which is where the money went.
  addShiftEntry(ctx, seq, currentShiftId(ctx, seq), tender === 'mpesa_reversal' ? 'mpesa' : tender, 'refund', -refund.total);
  if (tender === 'credit' && sale.customer_id !== undefined && refund.total > 0) {
    addCreditEntry(ctx, { seq, customer_id: sale.customer_id, delta: -refund.total, kind: 'refund', entry_id: event.event_id, occurred_at: event.occurred_at, ref_id: refund.sale_id, reason: refund.reason });
  }
}
