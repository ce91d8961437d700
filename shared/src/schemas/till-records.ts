/**
 * Records the till API hands back to the UI (products, customers, shifts, payments, sales).
 * Outputs are built by our own code, so they are plain objects (extra keys stripped, not
 * refused); inputs are strict (see till-api.ts).
 */
import { z } from 'zod';
import { payment_states } from '../payment-state.js';
import {
  barcode,
  boundedInt,
  cents,
  discountBp,
  isoTimestamp,
  mpesaReceipt,
  name,
  phone,
  quantityUnit,
  reason,
  receiptNo,
  role,
  saleTotal,
  signedCents,
  sku,
  stockLevel,
  stockPolicy,
  tenderAmount,
  tenderKind,
  unitPrice,
  uuid,
  vatClass,
} from './common.js';
import { parkedLineTerms, saleCompletedPayload, saleLinePayload, saleTenderPayload } from './event-payloads.js';

export const staffRecord = z.object({ staff_id: uuid, name, role });
export type StaffRecord = z.infer<typeof staffRecord>;

/**
 * The till's profile for the login screen, receipts and the first-run screen: who may log in,
 * the shop and till names, and whether the till is enrolled at all (no: the first-run screen).
 */
export const tillProfileRecord = z.object({
  enrolled: z.boolean(),
  shop_name: z.string().min(1).max(120),
  kra_pin: z.string().max(20).optional(),
  /** Receipt details the owner set (synced business settings, issue 17). */
  business_address: z.string().max(500).optional(),
  receipt_header: z.string().max(500).optional(),
  receipt_footer: z.string().max(500).optional(),
  /** Not VAT-registered: receipts show no VAT split. */
  vat_registered: z.boolean().optional(),
  /** This till's receipt paper (a till setting, `--paper`): 58 mm prints 32 columns, 80 mm 48. */
  paper_mm: z.union([z.literal(58), z.literal(80)]).optional(),
  till_label: z.string().min(1).max(40),
  /** The Buy Goods till number customers pay to when M-Pesa STK is unavailable. */
  mpesa_till_number: z.string().max(20).optional(),
  staff: z.array(staffRecord).max(500),
  /** The server this till syncs with, or (not enrolled) the address to offer on the first-run screen. */
  server_url: z.string().max(300).optional(),
});
export type TillProfileRecord = z.infer<typeof tillProfileRecord>;

export const productRecord = z.object({
  product_id: uuid,
  name,
  sku: sku.optional(),
  barcode: barcode.optional(),
  unit: quantityUnit,
  unit_price: unitPrice,
  vat_class: vatClass,
  stock_policy: stockPolicy,
  /** Server level at the last pull plus this till's own unsynced movements (DESIGN §4). */
  on_hand: stockLevel,
});
export type ProductRecord = z.infer<typeof productRecord>;

export const customerRecord = z.object({
  customer_id: uuid,
  name,
  phone: phone.optional(),
  credit_limit: saleTotal,
  /** What the customer owes; negative when they paid ahead. */
  balance: signedCents,
  /** Present (false) only for an account the owner closed: no new credit, payments as ever. */
  active: z.literal(false).optional(),
});
export type CustomerRecord = z.infer<typeof customerRecord>;

export const credit_entry_kinds = ['sale', 'refund', 'payment', 'adjustment'] as const;
export const creditEntryRecord = z.object({
  entry_id: uuid,
  kind: z.enum(credit_entry_kinds),
  /** Positive raises what the customer owes, negative lowers it. */
  amount: signedCents,
  balance_after: signedCents,
  occurred_at: isoTimestamp,
  sale_id: uuid.optional(),
  receipt_no: receiptNo.optional(),
  reason: reason.optional(),
});

export const tenderTotal = z.object({ tender: tenderKind, amount: tenderAmount });
export const tenderVariance = z.object({ tender: tenderKind, amount: signedCents });

export const shiftRecord = z.object({
  shift_id: uuid,
  opened_at: isoTimestamp,
  opened_by: uuid,
  float: tenderAmount,
  paid_in: cents,
  paid_out: cents,
});
export type ShiftRecord = z.infer<typeof shiftRecord>;

/** The Z-report of a closed shift: expected vs counted per tender and the variance. */
export const shiftReport = z.object({
  shift_id: uuid,
  opened_at: isoTimestamp,
  closed_at: isoTimestamp,
  float: tenderAmount,
  counted: z.array(tenderTotal),
  expected: z.array(tenderTotal),
  variance: z.array(tenderVariance),
  sales_count: boundedInt(0, Number.MAX_SAFE_INTEGER),
  refunds_total: cents,
  voids_count: boundedInt(0, Number.MAX_SAFE_INTEGER),
});
export type ShiftReport = z.infer<typeof shiftReport>;

export const paymentRecord = z.object({
  payment_id: uuid,
  state: z.enum(payment_states),
  amount: saleTotal,
  phone: phone.optional(),
  sale_id: uuid.optional(),
  /** Arrives with the callback or the Transaction Status result; may follow a success. */
  mpesa_receipt: mpesaReceipt.optional(),
  result_code: z.number().int().optional(),
  /** Plain words for the cashier (mapResultCode). */
  cashier_message: z.string().max(500).optional(),
  updated_at: isoTimestamp,
});
export type PaymentRecord = z.infer<typeof paymentRecord>;

export const parkedSaleRecord = z.object({
  sale_id: uuid,
  payment_id: uuid,
  customer_id: uuid.optional(),
  lines: z.array(saleLinePayload),
  total: saleTotal,
  phone: phone.optional(),
  parked_at: isoTimestamp,
  payment_state: z.enum(payment_states).optional(),
  /** As parked (absent on sales parked before they were recorded): see saleParkedPayload. */
  discount_bp: discountBp.optional(),
  line_terms: z.array(parkedLineTerms).optional(),
  tenders: z.array(saleTenderPayload).optional(),
});
export type ParkedSaleRecord = z.infer<typeof parkedSaleRecord>;

export const sale_statuses = ['completed', 'voided', 'partially_refunded', 'refunded'] as const;
export const saleSummary = z.object({
  sale_id: uuid,
  receipt_no: receiptNo,
  total: saleTotal,
  occurred_at: isoTimestamp,
  cashier_id: uuid,
  status: z.enum(sale_statuses),
});
export type SaleSummary = z.infer<typeof saleSummary>;

/** A sale as recorded (the sale_completed payload) with what happened to it since. */
export const saleRecord = z.object({
  sale: saleCompletedPayload,
  occurred_at: isoTimestamp,
  cashier_id: uuid,
  status: z.enum(sale_statuses),
  refunded_total: cents,
  /** What each line has had refunded so far (issue 17: the refund screen shows what is left). */
  refunded_lines: z.array(z.object({ line_id: uuid, quantity: z.number().int().min(0), amount: cents })).optional(),
});
export type SaleRecord = z.infer<typeof saleRecord>;
