/**
 * Completing, parking and abandoning sales (DESIGN §4). A sale is one transaction: priced lines,
 * the stock check and movements, tenders, credit entry, shift money, the gapless receipt number
 * and its outbox event. A sale waiting for M-Pesa is parked with its cart and payment id, so a
 * restart never loses a customer who already paid.
 */
import {
  PaymeError,
  type ParkedSaleRecord,
  type SaleCompletedPayload,
  type SaleParkedPayload,
  type TillOutput,
  type TillParsedInput,
} from '@payme/shared';
import { runCommand } from './commands.js';
import { sql, type LedgerContext } from './context.js';
import { requireIdentity } from './identity.js';
import { parseCommandInput } from './inputs.js';
import { priceCart, type PricedCart } from './pricing.js';
import { openShiftRow, requireOpenShift } from './shifts.js';
import type { CommandAuth } from './staff.js';
import { checkTenders, customerRow, type CheckedTenders, type CustomerRow } from './tenders.js';

type StockOverride = NonNullable<SaleCompletedPayload['stock_overrides']>[number];

/** Receipt counters print with at least this many digits (`T3-000123`). */
const receipt_digits = 6;

/**
 * The stock check runs inside the sale's transaction (the old app checked before it and
 * oversold). Quantities of one product on several lines are summed first.
 */
function checkStock(priced: PricedCart, auth: CommandAuth): StockOverride[] {
  const wanted = new Map<string, { quantity: number; index: number }>();
  priced.lines.forEach((line, index) => {
    const current = wanted.get(line.product_id);
    wanted.set(line.product_id, { quantity: (current?.quantity ?? 0) + line.quantity, index: current?.index ?? index });
  });
  const overrides: StockOverride[] = [];
  for (const [product_id, { quantity, index }] of wanted) {
    const product = priced.products[index]!;
    if (product.on_hand >= quantity) continue;
    const field = `lines.${index}.quantity`;
    const details = { product_id, on_hand: product.on_hand, requested: quantity };
    if (product.stock_policy === 'block') {
      throw new PaymeError('stock_insufficient', `${field}: only ${product.on_hand} of ${product.name} in stock`, field, details);
    }
    if (auth.approver_id === undefined && auth.actor.role === 'cashier') {
      throw new PaymeError('stock_insufficient', `${field}: only ${product.on_hand} of ${product.name} in stock; a manager can approve`, field, {
        ...details,
        override_allowed: true,
      });
    }
    overrides.push({ product_id, on_hand_before: product.on_hand, approved_by: auth.requireManager('Selling beyond stock') });
  }
  return overrides;
}

function optionalCustomer(ctx: LedgerContext, customer_id: string | undefined): CustomerRow | undefined {
  if (customer_id === undefined) return undefined;
  const customer = customerRow(ctx, customer_id);
  if (customer === undefined) throw new PaymeError('not_found', 'customer_id: no customer with this id', 'customer_id');
  return customer;
}

/**
 * The next receipt number: the till's prefix and gapless counter, or, after a forced offline
 * restore and until it has recovered, the restore's own series (DESIGN §5), so a number issued
 * after the backup was taken is never issued twice. The projector moves the counter on.
 */
function nextReceiptNo(ctx: LedgerContext, prefix: string): string {
  const row = sql(ctx, 'SELECT receipt_next, receipt_series, receipt_series_next FROM sync_state WHERE id = 1').get() as {
    receipt_next: number;
    receipt_series: string | null;
    receipt_series_next: number;
  };
  const [series, next] = row.receipt_series !== null ? [row.receipt_series, row.receipt_series_next] : [prefix, row.receipt_next];
  return `${series}-${String(next).padStart(receipt_digits, '0')}`;
}

interface ParkedRow {
  sale_id: string;
  payment_id: string;
  status: 'parked' | 'completed' | 'abandoned';
  payload: string;
  parked_seq: number;
}

function parkedRow(ctx: LedgerContext, sale_id: string): ParkedRow | undefined {
  return sql(ctx, 'SELECT sale_id, payment_id, status, payload, parked_seq FROM parked_sales WHERE sale_id = ?').get(sale_id) as ParkedRow | undefined;
}

function refuseUsedSaleId(ctx: LedgerContext, sale_id: string): void {
  if (sql(ctx, 'SELECT 1 FROM sales WHERE sale_id = ?').get(sale_id) !== undefined) {
    throw new PaymeError('invalid_input', 'sale_id: this sale was already completed', 'sale_id');
  }
}

export type CompleteSaleResult = TillOutput<'completeSale'>;

type TenderInput = TillParsedInput<'completeSale'>['tenders'][number];

function tenderSum(tenders: readonly { amount: number }[]): number {
  return tenders.reduce((sum, tender) => sum + tender.amount, 0);
}

/**
 * The tenders that complete a parked sale. Those taken before parking (cash towards a split)
 * were recorded with it but never entered the shift, so they are counted here, once: either
 * the cashier sends them again with the rest (the tenders add up to the total as sent), or
 * sends only the rest and the recorded ones are put in front of it. Anything else (cash handed
 * back, a different split) must add up to the total on its own.
 */
function parkedSaleTenders(parked: ParkedRow | undefined, input: readonly TenderInput[], total: number): readonly TenderInput[] {
  const before = parked === undefined ? [] : ((JSON.parse(parked.payload) as SaleParkedPayload).tenders ?? []);
  if (before.length === 0 || tenderSum(input) === total || tenderSum(input) + tenderSum(before) !== total) return input;
  const recorded = before.map((tender): TenderInput => {
    const again: TenderInput = { kind: tender.kind, amount: tender.amount };
    if (tender.tendered !== undefined) again.tendered = tender.tendered;
    if (tender.payment_id !== undefined) again.payment_id = tender.payment_id;
    if (tender.claim_code !== undefined) again.claim_code = tender.claim_code;
    return again;
  });
  return [...recorded, ...input];
}

/** A sale id is completed once; a parked one is completed as parked, and only while it waits. */
function requireSaleToComplete(ctx: LedgerContext, input: TillParsedInput<'completeSale'>): ParkedRow | undefined {
  refuseUsedSaleId(ctx, input.sale_id);
  const parked = parkedRow(ctx, input.sale_id);
  if (input.parked === true && parked?.status !== 'parked') {
    throw new PaymeError('not_found', 'sale_id: there is no parked sale with this id waiting', 'sale_id');
  }
  if (input.parked !== true && parked !== undefined) {
    throw new PaymeError('invalid_input', 'sale_id: this sale is parked; complete it as a parked sale', 'sale_id');
  }
  return parked;
}

/** The sale event's payload: what was sold, for how much, paid how, and who approved what. */
function saleCompletedPayload(
  input: TillParsedInput<'completeSale'>,
  receipt_no: string,
  shift_id: string,
  priced: PricedCart,
  checked: { tenders: CheckedTenders; stock_overrides: StockOverride[]; customer: CustomerRow | undefined },
): SaleCompletedPayload {
  const { tenders, stock_overrides, customer } = checked;
  const payload: SaleCompletedPayload = {
    sale_id: input.sale_id,
    receipt_no,
    shift_id,
    lines: priced.lines,
    subtotal: priced.subtotal,
    discount: priced.discount,
    vat_total: priced.vat_total,
    rounding: priced.rounding,
    total: priced.total,
    tenders: tenders.tenders,
  };
  if (customer !== undefined) payload.customer_id = customer.customer_id;
  if (stock_overrides.length > 0) payload.stock_overrides = stock_overrides;
  if (tenders.credit_override !== undefined) payload.credit_override = tenders.credit_override;
  return payload;
}

/** The event's approver: the first manager who approved anything in it. */
function saleApprover(payload: SaleCompletedPayload): string | undefined {
  const approvers = [...(payload.stock_overrides ?? []).map((o) => o.approved_by), payload.credit_override?.approved_by, ...payload.lines.map((l) => l.override_approved_by)];
  return approvers.find((id) => id !== undefined);
}

/**
 * A sale (DESIGN §4): its rules are checked here — the till is enrolled and a shift open, the
 * sale id is new (or parked and waiting), the lines price and are in stock, the tenders add up —
 * and its event is built; runCommand appends it and the projector writes its rows.
 */
export function completeSale(ctx: LedgerContext, actor_id: string, raw: unknown): CompleteSaleResult {
  const input = parseCommandInput('completeSale', raw);
  return runCommand(ctx, 'completeSale', { ...input, actor_id }, (auth) => {
    const identity = requireIdentity(ctx);
    const shift = requireOpenShift(ctx);
    const parked = requireSaleToComplete(ctx, input);
    const customer = optionalCustomer(ctx, input.customer_id);
    const priced = priceCart(ctx, input, auth);
    const stock_overrides = checkStock(priced, auth);
    const tenders = checkTenders(ctx, { sale_id: input.sale_id, total: priced.total, tenders: parkedSaleTenders(parked, input.tenders, priced.total), customer }, auth);
    const payload = saleCompletedPayload(input, nextReceiptNo(ctx, identity.receipt_prefix), shift.shift_id, priced, { tenders, stock_overrides, customer });
    return {
      event: { type: 'sale_completed', payload, approver_id: saleApprover(payload) },
      result: (): CompleteSaleResult => ({
        sale_id: input.sale_id,
        receipt_no: payload.receipt_no,
        subtotal: priced.subtotal,
        discount: priced.discount,
        vat_total: priced.vat_total,
        rounding: priced.rounding,
        total: priced.total,
        change: tenders.change,
      }),
    };
  });
}

export function parkSale(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'parkSale'> {
  const input = parseCommandInput('parkSale', raw);
  return runCommand(ctx, 'parkSale', { ...input, actor_id }, (auth) => {
    requireIdentity(ctx);
    refuseUsedSaleId(ctx, input.sale_id);
    if (parkedRow(ctx, input.sale_id) !== undefined) throw new PaymeError('invalid_input', 'sale_id: this sale is already parked', 'sale_id');
    const paymentUsed =
      sql(ctx, 'SELECT 1 FROM parked_sales WHERE payment_id = ?').get(input.payment_id) ??
      sql(ctx, 'SELECT 1 FROM sale_tenders WHERE payment_id = ?').get(input.payment_id);
    if (paymentUsed !== undefined) {
      throw new PaymeError('payment_already_used', 'payment_id: this payment already belongs to another sale', 'payment_id');
    }
    const customer = optionalCustomer(ctx, input.customer_id);
    const priced = priceCart(ctx, input, auth);
    const shift = openShiftRow(ctx);
    // The cart as the cashier built it rides along, so resuming (on any PC) prices it exactly.
    const payload: SaleParkedPayload = {
      sale_id: input.sale_id,
      payment_id: input.payment_id,
      lines: priced.lines,
      total: priced.total,
      discount_bp: input.discount_bp ?? 0,
      line_terms: input.lines.map((line, index) => {
        const terms: NonNullable<SaleParkedPayload['line_terms']>[number] = {};
        if ((line.discount_bp ?? 0) > 0) terms.discount_bp = line.discount_bp;
        const catalog = priced.products[index]!.unit_price;
        if (line.unit_price !== undefined && line.unit_price !== catalog) terms.catalog_unit_price = catalog;
        return terms;
      }),
    };
    if (shift !== undefined) payload.shift_id = shift.shift_id;
    if (customer !== undefined) payload.customer_id = customer.customer_id;
    if (input.phone !== undefined) payload.phone = input.phone;
    const before = tendersBeforeParking(ctx, input, priced.total, customer, auth);
    if (before !== undefined) payload.tenders = before.tenders;
    const approvers = [...priced.lines.map((line) => line.override_approved_by), before?.credit_override?.approved_by];
    const approver_id = approvers.find((id) => id !== undefined);
    return {
      event: { type: 'sale_parked', payload, approver_id },
      result: () => ({ sale_id: input.sale_id, payment_id: input.payment_id, total: priced.total }),
    };
  });
}

/**
 * Tenders taken before the M-Pesa request, checked as a sale's would be (cash change, a
 * confirmed M-Pesa payment, credit within the limit) but adding up to less than the total: the
 * parked payment pays the rest. They are recorded only; the shift counts them on completion.
 */
function tendersBeforeParking(
  ctx: LedgerContext,
  input: TillParsedInput<'parkSale'>,
  total: number,
  customer: CustomerRow | undefined,
  auth: CommandAuth,
): ReturnType<typeof checkTenders> | undefined {
  if (input.tenders === undefined) return undefined;
  const taken = tenderSum(input.tenders);
  if (taken >= total) {
    throw new PaymeError('invalid_amount', `tenders: ${taken} cents were already taken of ${total}; nothing is left to pay by M-Pesa`, 'tenders', { total, tendered: taken });
  }
  const index = input.tenders.findIndex((tender) => tender.payment_id === input.payment_id);
  if (index >= 0) {
    throw new PaymeError('invalid_input', `tenders.${index}.payment_id: the parked payment cannot also be a tender already taken`, `tenders.${index}.payment_id`);
  }
  return checkTenders(ctx, { sale_id: input.sale_id, total: taken, tenders: input.tenders, customer }, auth);
}

export function abandonParkedSale(ctx: LedgerContext, actor_id: string, raw: unknown): TillOutput<'abandonParkedSale'> {
  const input = parseCommandInput('abandonParkedSale', raw);
  return runCommand(ctx, 'abandonParkedSale', { ...input, actor_id }, () => {
    const parked = parkedRow(ctx, input.sale_id);
    if (parked?.status !== 'parked') throw new PaymeError('not_found', 'sale_id: there is no parked sale with this id waiting', 'sale_id');
    return {
      event: { type: 'sale_abandoned', payload: { sale_id: input.sale_id, reason: input.reason } },
      result: () => ({ sale_id: input.sale_id, abandoned: true as const }),
    };
  });
}

/** Sales parked before the cart's terms and tenders were recorded come back without them. */
function parkedRecord(ctx: LedgerContext, row: ParkedRow): ParkedSaleRecord {
  const payload = JSON.parse(row.payload) as ParkedSaleRecord & { shift_id?: string };
  const { shift_id: _shift, ...record } = payload;
  const payment = sql(ctx, 'SELECT state FROM payments WHERE payment_id = ?').get(row.payment_id) as { state: ParkedSaleRecord['payment_state'] } | undefined;
  return payment === undefined ? record : { ...record, payment_state: payment.state };
}

/** The parked cart back for the cashier, to complete with another tender (or when paid). */
export function resumeParkedSale(ctx: LedgerContext, raw: unknown): ParkedSaleRecord {
  const input = parseCommandInput('resumeParkedSale', raw);
  const row = parkedRow(ctx, input.sale_id);
  if (row?.status !== 'parked') throw new PaymeError('not_found', 'sale_id: there is no parked sale with this id waiting', 'sale_id');
  return parkedRecord(ctx, row);
}

export function listParkedSales(ctx: LedgerContext): { sales: ParkedSaleRecord[] } {
  const rows = sql(ctx, "SELECT sale_id, payment_id, status, payload, parked_seq FROM parked_sales WHERE status = 'parked' ORDER BY parked_seq").all() as ParkedRow[];
  return { sales: rows.map((row) => parkedRecord(ctx, row)) };
}
