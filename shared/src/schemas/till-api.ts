/**
 * The till API (DESIGN §2): one table, method name → zod input → zod output. The renderer calls
 * `till.<method>(input)` over IPC or `POST /rpc/<method>`; the host parses every input with the
 * same schema before touching the ledger.
 *
 * Commands (anything that writes) carry a client-generated `command_id`: replaying it returns the
 * first result, the same id with other content is `command_conflict`. Commands a cashier may not
 * do alone take an optional `approval: {manager_id, pin}`; the ledger decides by role whether it
 * is required (`approval_required`).
 */
import { z } from 'zod';
import { sale_lines_max, sale_tenders_max, tender_amount_cents_max } from '../limits.js';
import {
  approval,
  barcode,
  boundedArray,
  boundedInt,
  commandId,
  discountBp,
  isoTimestamp,
  lineQuantity,
  mpesaAmountCents,
  mpesaReceipt,
  nameInput,
  nonZeroSignedCents,
  phone,
  pin,
  positiveCents,
  reasonInput,
  receiptNo,
  saleTotal,
  stockDelta,
  stockLevel,
  stockQuantity,
  strictObject,
  tenderAmount,
  tenderKind,
  unitPrice,
  uuid,
  withRules,
} from './common.js';
import { credit_adjust_reason_codes, refund_tender_kinds, stock_adjust_reason_codes } from './event-payloads.js';
import {
  creditEntryRecord,
  customerRecord,
  parkedSaleRecord,
  paymentRecord,
  productRecord,
  saleRecord,
  saleSummary,
  shiftRecord,
  shiftReport,
  staffRecord,
  tenderTotal,
  tillProfileRecord,
} from './till-records.js';

const empty = strictObject({});
const searchQuery = z.string().trim().max(120, { error: 'may be at most 120 characters' });
const searchLimit = boundedInt(1, 100).default(20);
/** More quick items than fit on a 1366×768 sell screen is no help. */
export const favourite_products_max = 48;
/**
 * Products per page of the renderer's barcode index (issue 17): 5,000 products load in three
 * pages, and no one answer is big enough to hold the screen up while it is read.
 */
export const barcode_index_page_max = 2_000;
/** A change number beyond any a till ledger reaches (a million product writes a day for 2,700 years). */
const catalog_change_no_max = 1_000_000_000_000;
/** A product as the barcode index keeps it: `active` false takes it (and its old barcode) out. */
export const barcodeIndexEntry = productRecord.extend({ active: z.boolean() });
export type BarcodeIndexEntry = z.infer<typeof barcodeIndexEntry>;

/** A cart line as the cashier built it; the ledger prices it from the catalog. */
export const cartLineInput = strictObject({
  product_id: uuid,
  quantity: lineQuantity,
  /** A price override (needs approval). */
  unit_price: unitPrice.optional(),
  /** A line discount in basis points (needs approval above the cashier's allowance). */
  discount_bp: discountBp.optional(),
});
export type CartLineInput = z.infer<typeof cartLineInput>;

export const tenderInput = strictObject({
  kind: tenderKind,
  amount: tenderAmount,
  /** Cash handed over; change = tendered − amount. */
  tendered: tenderAmount.optional(),
  payment_id: uuid.optional(),
  claim_code: mpesaReceipt.optional(),
});

const cart = {
  lines: boundedArray(cartLineInput, 1, sale_lines_max),
  discount_bp: discountBp.optional(),
  customer_id: uuid.optional(),
};

const saleResult = z.object({
  sale_id: uuid,
  receipt_no: receiptNo,
  subtotal: saleTotal,
  discount: saleTotal,
  vat_total: saleTotal,
  rounding: z.number().int(),
  total: saleTotal,
  change: tenderAmount,
});

/**
 * First run (DESIGN §6, §11): the server's address and the owner's one-time code; the host
 * exchanges them at `POST /v1/tills/enroll` and keeps the till's identity.
 */
export const enrollInput = strictObject({
  server_url: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be the server address') })
    .trim()
    .max(300, { error: 'may be at most 300 characters' })
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// address' })),
  code: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be an enrollment code') })
    .trim()
    .min(6, { error: 'must be an enrollment code' })
    .max(64, { error: 'may be at most 64 characters' }),
  name: nameInput,
});
export type EnrollInput = z.input<typeof enrollInput>;

const stockLevelResult = z.object({ product_id: uuid, on_hand: stockLevel });
const creditResult = z.object({ entry_id: uuid, customer_id: uuid, balance: z.number().int() });
const shiftCashResult = z.object({ entry_id: uuid, shift_id: uuid });

export const tillApi = {
  login: { input: strictObject({ staff_id: uuid, pin }), output: z.object({ staff: staffRecord }) },
  lock: { input: empty, output: z.object({ locked: z.literal(true) }) },
  unlockStaff: {
    input: strictObject({ command_id: commandId, staff_id: uuid, approval: approval.optional() }),
    output: z.object({ staff_id: uuid, unlocked: z.literal(true) }),
  },
  searchProducts: {
    input: strictObject({ query: searchQuery, limit: searchLimit }),
    output: z.object({ products: z.array(productRecord) }),
  },
  lookupBarcode: { input: strictObject({ barcode }), output: z.object({ product: productRecord.nullable() }) },
  /**
   * The renderer's barcode index (issue 17): the products changed after change number `since`
   * (every write to a product row, the feed's price and stock included, takes the ledger's next
   * change number), oldest change first, a page at a time. `change_no` is where the next call
   * starts; `more` says another page is waiting. `reset`: the ledger's changes end before
   * `since` (a restored or replaced ledger), so the answer starts from 0 and what the index held
   * is to be thrown away.
   */
  barcodeIndex: {
    input: strictObject({ since: boundedInt(0, catalog_change_no_max).default(0), limit: boundedInt(1, barcode_index_page_max).default(barcode_index_page_max) }),
    output: z.object({ products: z.array(barcodeIndexEntry), change_no: z.number().int().min(0), more: z.boolean(), reset: z.boolean() }),
  },
  /** The sell screen's quick items: the products this till sold most often lately. */
  favouriteProducts: {
    input: strictObject({ limit: boundedInt(1, favourite_products_max).default(12) }),
    output: z.object({ products: z.array(productRecord) }),
  },

  completeSale: {
    input: strictObject({
      command_id: commandId,
      sale_id: uuid,
      ...cart,
      tenders: boundedArray(tenderInput, 1, sale_tenders_max),
      /** Completing a parked sale (paid, or resumed with another tender). */
      parked: z.boolean().optional(),
      approval: approval.optional(),
    }),
    output: saleResult,
  },
  parkSale: {
    input: strictObject({
      command_id: commandId,
      sale_id: uuid,
      payment_id: uuid,
      ...cart,
      phone: phone.optional(),
      /** Tenders already taken (cash towards a split) before the M-Pesa request for the rest. */
      tenders: boundedArray(tenderInput, 1, sale_tenders_max - 1).optional(),
      approval: approval.optional(),
    }),
    output: z.object({ sale_id: uuid, payment_id: uuid, total: saleTotal }),
  },
  resumeParkedSale: { input: strictObject({ sale_id: uuid }), output: parkedSaleRecord },
  abandonParkedSale: {
    input: strictObject({ command_id: commandId, sale_id: uuid, reason: reasonInput }),
    output: z.object({ sale_id: uuid, abandoned: z.literal(true) }),
  },
  listParkedSales: { input: empty, output: z.object({ sales: z.array(parkedSaleRecord) }) },
  voidSale: {
    input: strictObject({ command_id: commandId, sale_id: uuid, reason: reasonInput, approval: approval.optional() }),
    output: z.object({ sale_id: uuid, voided: z.literal(true) }),
  },
  refundSale: {
    input: strictObject({
      command_id: commandId,
      refund_id: uuid,
      sale_id: uuid,
      lines: boundedArray(strictObject({ line_id: uuid, quantity: lineQuantity }), 1, sale_lines_max),
      tender: z.enum(refund_tender_kinds, { error: 'must be cash, credit or mpesa_reversal' }),
      reason: reasonInput,
      approval: approval.optional(),
    }),
    output: z.object({ refund_id: uuid, sale_id: uuid, total: saleTotal, tenders: z.array(z.object({ kind: z.enum(refund_tender_kinds), amount: tenderAmount })) }),
  },

  receiveStock: {
    input: strictObject({
      command_id: commandId,
      receipt_id: uuid,
      supplier: nameInput.optional(),
      lines: boundedArray(
        strictObject({ product_id: uuid, quantity: stockQuantity.refine((q) => q > 0, { error: 'must be at least 1' }), unit_cost: unitPrice.optional() }),
        1,
        sale_lines_max,
      ),
    }),
    output: z.object({ receipt_id: uuid, lines: z.array(stockLevelResult) }),
  },
  adjustStock: {
    input: strictObject({
      command_id: commandId,
      product_id: uuid,
      delta: stockDelta,
      reason: reasonInput,
      reason_code: z.enum(stock_adjust_reason_codes, { error: 'must be damaged, expired, theft, correction or other' }),
      approval: approval.optional(),
    }),
    output: stockLevelResult,
  },
  countStock: {
    input: strictObject({
      command_id: commandId,
      count_id: uuid,
      lines: boundedArray(strictObject({ product_id: uuid, expected: stockLevel, counted: stockQuantity }), 1, sale_lines_max),
    }),
    output: z.object({ count_id: uuid, lines: z.array(stockLevelResult.extend({ delta: z.number().int() })) }),
  },

  createCustomer: {
    input: strictObject({ command_id: commandId, customer_id: uuid, name: nameInput, phone: phone.optional(), credit_limit: saleTotal, approval: approval.optional() }),
    output: customerRecord,
  },
  updateCustomer: {
    input: strictObject({
      command_id: commandId,
      customer_id: uuid,
      name: nameInput.optional(),
      phone: phone.nullable().optional(),
      credit_limit: saleTotal.optional(),
      approval: approval.optional(),
    }),
    output: customerRecord,
  },
  searchCustomers: {
    input: strictObject({ query: searchQuery, limit: searchLimit }),
    output: z.object({ customers: z.array(customerRecord) }),
  },
  customerStatement: {
    input: strictObject({ customer_id: uuid, limit: boundedInt(1, 500).default(100) }),
    output: z.object({ customer: customerRecord, entries: z.array(creditEntryRecord) }),
  },
  recordCreditPayment: {
    input: strictObject({
      command_id: commandId,
      entry_id: uuid,
      customer_id: uuid,
      amount: positiveCents(tender_amount_cents_max),
      tender: z.enum(['cash', 'mpesa'], { error: 'must be cash or mpesa' }),
      payment_id: uuid.optional(),
      mpesa_receipt: mpesaReceipt.optional(),
    }),
    output: creditResult,
  },
  adjustCredit: {
    input: strictObject({
      command_id: commandId,
      entry_id: uuid,
      customer_id: uuid,
      delta: nonZeroSignedCents,
      reason: reasonInput,
      reason_code: z.enum(credit_adjust_reason_codes, { error: 'must be write_off, correction or other' }),
      approval: approval.optional(),
    }),
    output: creditResult,
  },

  openShift: { input: strictObject({ command_id: commandId, shift_id: uuid, float: tenderAmount }), output: shiftRecord },
  payIn: {
    input: strictObject({ command_id: commandId, entry_id: uuid, amount: positiveCents(tender_amount_cents_max), reason: reasonInput }),
    output: shiftCashResult,
  },
  payOut: {
    input: strictObject({ command_id: commandId, entry_id: uuid, amount: positiveCents(tender_amount_cents_max), reason: reasonInput, approval: approval.optional() }),
    output: shiftCashResult,
  },
  closeShift: {
    input: strictObject({
      command_id: commandId,
      /** Blind close: the cashier types what is in the drawer per tender, never sees expected first. */
      counted: boundedArray(strictObject({ tender: tenderKind, amount: tenderAmount }), 1, 3),
      approval: approval.optional(),
    }),
    output: shiftReport,
  },
  currentShift: { input: empty, output: z.object({ shift: shiftRecord.nullable() }) },

  recordMpesaClaim: {
    input: strictObject({ command_id: commandId, claim_id: uuid, code: mpesaReceipt, amount: mpesaAmountCents, sale_id: uuid.optional(), phone: phone.optional() }),
    output: z.object({ claim_id: uuid, status: z.enum(['recorded', 'matched', 'duplicate']) }),
  },
  requestMpesaPayment: {
    input: strictObject({ command_id: commandId, payment_id: uuid, sale_id: uuid, phone, amount: mpesaAmountCents }),
    output: paymentRecord,
  },
  getPayment: { input: strictObject({ payment_id: uuid }), output: paymentRecord },

  todaySales: {
    input: strictObject({ limit: boundedInt(1, 1_000).default(200) }),
    output: z.object({
      business_day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      count: z.number().int(),
      total: z.number().int(),
      by_tender: z.array(tenderTotal),
      sales: z.array(saleSummary),
    }),
  },
  getSale: {
    input: withRules(strictObject({ sale_id: uuid.optional(), receipt_no: receiptNo.optional() }), (input, ctx) => {
      if ((input.sale_id === undefined) === (input.receipt_no === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['sale_id'], message: 'give either a sale_id or a receipt_no' });
      }
    }),
    output: saleRecord,
  },
  stockOnHand: {
    input: strictObject({ product_ids: boundedArray(uuid, 1, sale_lines_max).optional() }),
    output: z.object({ levels: z.array(productRecord) }),
  },
  /** Host methods (answered by the till host, not the ledger); both work before anyone logs in. */
  tillProfile: { input: empty, output: tillProfileRecord },
  enroll: {
    input: enrollInput,
    output: z.object({ till_id: uuid, receipt_prefix: z.string().regex(/^[A-Z0-9]{1,8}$/), shop_name: z.string().min(1).max(120) }),
  },
  syncStatus: {
    input: empty,
    output: z.object({
      online: z.boolean(),
      last_push_at: isoTimestamp.nullable(),
      last_pull_at: isoTimestamp.nullable(),
      unsynced_count: z.number().int().min(0),
      quarantined_count: z.number().int().min(0),
      /** Something the cashier must see (fenced till, chain conflict, long offline), or null. */
      alarm: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

export type TillMethod = keyof typeof tillApi;
export const till_methods = Object.keys(tillApi) as TillMethod[];
/** What a caller passes (defaults may be left out). */
export type TillInput<M extends TillMethod> = z.input<(typeof tillApi)[M]['input']>;
/** What the host handler receives after parsing (defaults filled in, names trimmed). */
export type TillParsedInput<M extends TillMethod> = z.output<(typeof tillApi)[M]['input']>;
export type TillOutput<M extends TillMethod> = z.output<(typeof tillApi)[M]['output']>;

export function isTillMethod(value: unknown): value is TillMethod {
  return typeof value === 'string' && Object.hasOwn(tillApi, value);
}
