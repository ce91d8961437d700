/**
 * One payload schema per domain event (version 1). A payload carries everything the server needs
 * to project the fact (DESIGN §4/§5) without the till's database: names, units, prices and VAT
 * as they were at the counter, not references to catalog rows that may change later.
 *
 * Amount conventions (all integer cents, VAT-inclusive):
 * - sale line: `unit_price × quantity ÷ price basis` (quantity.ts `lineAmount`) = `gross + discount`;
 *   `discount` is the line's whole discount (its own plus its share of any sale discount), so VAT
 *   is split on what was actually charged: `vat + net = gross`.
 * - sale: `subtotal = Σ (gross + discount)`, `discount = Σ line discount`, `vat_total = Σ vat`,
 *   `total = subtotal − discount + rounding` (rounding to whole shillings, −50..+50),
 *   `Σ tender.amount = total`; a cash tender's `tendered − change = amount`.
 */
import { z } from 'zod';
import { lineAmount } from '../quantity.js';
import { sale_lines_max, sale_tenders_max, tender_amount_cents_max } from '../limits.js';
import {
  boundedArray,
  boundedInt,
  checkQuantityForUnit,
  discountBp,
  lineQuantity,
  mpesaAmountCents,
  mpesaReceipt,
  name,
  nonZeroSignedCents,
  phone,
  positiveCents,
  quantityUnit,
  reason,
  receiptNo,
  saleTotal,
  signedCents,
  sku,
  stockDelta,
  stockLevel,
  stockQuantity,
  strictObject,
  tenderAmount,
  withRules,
  tenderKind,
  unitPrice,
  uuid,
  vatClass,
} from './common.js';

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export const saleLinePayload = withRules(strictObject({
  line_id: uuid,
  product_id: uuid,
  name,
  sku: sku.optional(),
  unit: quantityUnit,
  quantity: lineQuantity,
  unit_price: unitPrice,
  discount: saleTotal,
  gross: saleTotal,
  vat_class: vatClass,
  vat: saleTotal,
  net: saleTotal,
  /** The manager who approved a price override or a line discount on this line. */
  override_approved_by: uuid.optional(),
}), (line, ctx) => {
  checkQuantityForUnit(line, ctx);
  if (lineAmount(line.unit_price, line.quantity, line.unit) !== line.gross + line.discount) {
    ctx.addIssue({ code: 'custom', path: ['gross'], message: 'gross plus discount must equal unit price times quantity' });
  }
  if (line.vat + line.net !== line.gross) {
    ctx.addIssue({ code: 'custom', path: ['net'], message: 'net plus vat must equal gross' });
  }
});
export type SaleLinePayload = z.infer<typeof saleLinePayload>;

export const saleTenderPayload = withRules(strictObject({
  kind: tenderKind,
  amount: tenderAmount,
  /** Cash handed over, when the cashier typed it. */
  tendered: tenderAmount.optional(),
  change: tenderAmount.optional(),
  /** The STK payment that paid this tender (M-Pesa). */
  payment_id: uuid.optional(),
  mpesa_receipt: mpesaReceipt.optional(),
  /** A C2B TransID the cashier typed (offline M-Pesa). */
  claim_code: mpesaReceipt.optional(),
}), (tender, ctx) => {
  if (tender.kind !== 'cash' && (tender.tendered !== undefined || tender.change !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['change'], message: 'only cash tenders carry tendered and change' });
  }
  if (tender.tendered !== undefined && tender.tendered - (tender.change ?? 0) !== tender.amount) {
    ctx.addIssue({ code: 'custom', path: ['change'], message: 'tendered minus change must equal the amount' });
  }
  if (tender.kind === 'mpesa' && tender.payment_id === undefined && tender.claim_code === undefined) {
    ctx.addIssue({ code: 'custom', path: ['payment_id'], message: 'an M-Pesa tender needs a payment id or a claim code' });
  }
});
export type SaleTenderPayload = z.infer<typeof saleTenderPayload>;

/** A stock check that a manager overrode (product allowed to go below zero). */
export const stockOverridePayload = strictObject({
  product_id: uuid,
  on_hand_before: stockLevel,
  approved_by: uuid,
});

/** A credit sale over the customer's limit, approved by a manager. */
export const creditOverridePayload = strictObject({
  credit_limit: saleTotal,
  balance_before: signedCents,
  approved_by: uuid,
});

export const saleCompletedPayload = withRules(strictObject({
  sale_id: uuid,
  receipt_no: receiptNo,
  shift_id: uuid.optional(),
  customer_id: uuid.optional(),
  lines: boundedArray(saleLinePayload, 1, sale_lines_max),
  subtotal: saleTotal,
  discount: saleTotal,
  vat_total: saleTotal,
  rounding: boundedInt(-50, 50, 'a whole number of cents'),
  total: saleTotal,
  tenders: boundedArray(saleTenderPayload, 1, sale_tenders_max),
  stock_overrides: boundedArray(stockOverridePayload, 1, sale_lines_max).optional(),
  credit_override: creditOverridePayload.optional(),
}), (sale, ctx) => {
  const fail = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  if (sale.subtotal !== sum(sale.lines.map((line) => line.gross + line.discount))) {
    fail('subtotal', 'subtotal must equal the sum of line amounts before discounts');
  }
  if (sale.discount !== sum(sale.lines.map((line) => line.discount))) fail('discount', 'discount must equal the sum of line discounts');
  if (sale.vat_total !== sum(sale.lines.map((line) => line.vat))) fail('vat_total', 'vat_total must equal the sum of line VAT');
  if (sale.total !== sale.subtotal - sale.discount + sale.rounding) fail('total', 'total must equal subtotal minus discount plus rounding');
  if (sum(sale.tenders.map((tender) => tender.amount)) !== sale.total) fail('tenders', 'the tenders must add up to the total');
  if (sale.customer_id === undefined && sale.tenders.some((tender) => tender.kind === 'credit')) {
    fail('customer_id', 'a credit sale needs a customer');
  }
});
export type SaleCompletedPayload = z.infer<typeof saleCompletedPayload>;

/**
 * How the cashier built one parked line, beside its priced `lines` entry (same index), so a
 * resumed cart prices exactly as it was parked, on any PC: the line discount as typed, and the
 * catalog price when the line's price was overridden (absent: the catalog price was charged).
 */
export const parkedLineTerms = strictObject({
  discount_bp: discountBp.optional(),
  catalog_unit_price: unitPrice.optional(),
});

/**
 * `discount_bp`, `line_terms` and `tenders` were added to version 1 as optional fields: events
 * parked before them still validate (they resume from the priced lines alone). `tenders` are
 * the ones taken before the M-Pesa request (cash towards a split); they enter the shift only
 * when the parked sale completes, so they are never counted twice.
 */
export const saleParkedPayload = withRules(strictObject({
  sale_id: uuid,
  payment_id: uuid,
  shift_id: uuid.optional(),
  customer_id: uuid.optional(),
  lines: boundedArray(saleLinePayload, 1, sale_lines_max),
  total: saleTotal,
  phone: phone.optional(),
  /** The sale discount the cashier typed, in basis points. */
  discount_bp: discountBp.optional(),
  line_terms: boundedArray(parkedLineTerms, 1, sale_lines_max).optional(),
  tenders: boundedArray(saleTenderPayload, 1, sale_tenders_max - 1).optional(),
}), (parked, ctx) => {
  if (parked.line_terms !== undefined && parked.line_terms.length !== parked.lines.length) {
    ctx.addIssue({ code: 'custom', path: ['line_terms'], message: 'needs one entry per line' });
  }
  const tenders = parked.tenders ?? [];
  if (tenders.length > 0 && sum(tenders.map((tender) => tender.amount)) >= parked.total) {
    ctx.addIssue({ code: 'custom', path: ['tenders'], message: 'the tenders taken before parking must leave something to pay by M-Pesa' });
  }
  if (tenders.some((tender) => tender.payment_id === parked.payment_id)) {
    ctx.addIssue({ code: 'custom', path: ['tenders'], message: 'the parked payment cannot also be a tender taken before parking' });
  }
});
export type SaleParkedPayload = z.infer<typeof saleParkedPayload>;

export const saleAbandonedPayload = strictObject({ sale_id: uuid, reason });
export const saleVoidedPayload = strictObject({ sale_id: uuid, reason });

export const refund_tender_kinds = ['cash', 'credit', 'mpesa_reversal'] as const;
export const saleRefundedPayload = withRules(strictObject({
  refund_id: uuid,
  sale_id: uuid,
  lines: boundedArray(
    strictObject({ line_id: uuid, product_id: uuid, quantity: lineQuantity, amount: saleTotal }),
    1,
    sale_lines_max,
  ),
  total: saleTotal,
  tenders: boundedArray(
    strictObject({ kind: z.enum(refund_tender_kinds, { error: 'must be cash, credit or mpesa_reversal' }), amount: tenderAmount }),
    1,
    sale_tenders_max,
  ),
  reason,
}), (refund, ctx) => {
  if (sum(refund.tenders.map((tender) => tender.amount)) !== refund.total) {
    ctx.addIssue({ code: 'custom', path: ['tenders'], message: 'the refund tenders must add up to the total' });
  }
});

export const mpesaReversalRequestedPayload = strictObject({
  reversal_id: uuid,
  sale_id: uuid,
  refund_id: uuid.optional(),
  payment_id: uuid.optional(),
  mpesa_receipt: mpesaReceipt,
  amount: mpesaAmountCents,
});

export const stockReceivedPayload = strictObject({
  receipt_id: uuid,
  supplier: name.optional(),
  lines: boundedArray(
    strictObject({ product_id: uuid, quantity: stockQuantity.refine((q) => q > 0, { error: 'must be at least 1' }), unit_cost: unitPrice.optional() }),
    1,
    sale_lines_max,
  ),
});

export const stock_adjust_reason_codes = ['damaged', 'expired', 'theft', 'correction', 'other'] as const;
export const stockAdjustedPayload = strictObject({
  product_id: uuid,
  /** Positive adds stock, negative removes it. */
  delta: stockDelta,
  reason,
  reason_code: z.enum(stock_adjust_reason_codes, { error: 'must be damaged, expired, theft, correction or other' }),
});

/** A count applies as `counted − expected` per product, so counts on two tills compose. */
export const stockCountedPayload = strictObject({
  count_id: uuid,
  lines: boundedArray(strictObject({ product_id: uuid, expected: stockLevel, counted: stockQuantity }), 1, sale_lines_max),
});

export const customerCreatedPayload = strictObject({
  customer_id: uuid,
  name,
  phone: phone.optional(),
  credit_limit: saleTotal,
});

/** Only the fields that changed; `phone: null` removes the phone number. */
export const customerUpdatedPayload = withRules(strictObject({
  customer_id: uuid,
  name: name.optional(),
  phone: phone.nullable().optional(),
  credit_limit: saleTotal.optional(),
}), (update, ctx) => {
  if (update.name === undefined && update.phone === undefined && update.credit_limit === undefined) {
    ctx.addIssue({ code: 'custom', path: ['name'], message: 'change at least one of name, phone or credit_limit' });
  }
});

export const creditPaymentRecordedPayload = strictObject({
  entry_id: uuid,
  customer_id: uuid,
  amount: positiveCents(tender_amount_cents_max),
  tender: z.enum(['cash', 'mpesa'], { error: 'must be cash or mpesa' }),
  payment_id: uuid.optional(),
  mpesa_receipt: mpesaReceipt.optional(),
});

export const credit_adjust_reason_codes = ['write_off', 'correction', 'other'] as const;
export const creditAdjustedPayload = strictObject({
  entry_id: uuid,
  customer_id: uuid,
  /** Positive: the customer owes more; negative (a write-off): owes less. */
  delta: nonZeroSignedCents,
  reason,
  reason_code: z.enum(credit_adjust_reason_codes, { error: 'must be write_off, correction or other' }),
});

export const shiftOpenedPayload = strictObject({ shift_id: uuid, float: tenderAmount });

export const shiftCashMovementPayload = strictObject({
  shift_id: uuid,
  entry_id: uuid,
  amount: positiveCents(tender_amount_cents_max),
  reason,
});

/** More sales than this in one shift is a bug, not a busy day. */
export const shift_count_max = 1_000_000;

const tenderTotals = boundedArray(strictObject({ tender: tenderKind, amount: tenderAmount }), 0, 3);

export const shiftClosedPayload = withRules(strictObject({
  shift_id: uuid,
  counted: tenderTotals,
  expected: tenderTotals,
  /** counted − expected per tender: negative is a shortage. */
  variance: boundedArray(strictObject({ tender: tenderKind, amount: signedCents }), 0, 3),
  sales_count: boundedInt(0, shift_count_max),
  refunds_total: tenderAmount,
  voids_count: boundedInt(0, shift_count_max),
}), (shift, ctx) => {
  const amountOf = (rows: readonly { tender: string; amount: number }[], tender: string) =>
    rows.find((row) => row.tender === tender)?.amount ?? 0;
  shift.variance.forEach((row, index) => {
    if (row.amount !== amountOf(shift.counted, row.tender) - amountOf(shift.expected, row.tender)) {
      ctx.addIssue({ code: 'custom', path: ['variance', index, 'amount'], message: 'variance must equal counted minus expected' });
    }
  });
});

export const mpesaClaimRecordedPayload = strictObject({
  claim_id: uuid,
  sale_id: uuid.optional(),
  /** The C2B TransID the customer read out or showed. */
  code: mpesaReceipt,
  amount: mpesaAmountCents,
  phone: phone.optional(),
});
