/**
 * The owner web view's money reports (DESIGN §12, UX "The owner web view"): the period summary,
 * products, the sales list and a sale's detail, the credit book with ageing, and the M-Pesa
 * reconciliation of a business day. Query schemas parse the query string (text); response
 * schemas describe what the sync server answers, so the page can parse it.
 *
 * Names follow the rest of PayMe: money in integer cents ending in `_cents`, days as
 * `business_day` (`YYYY-MM-DD` in the business's time zone and cutoff), instants as ISO UTC text
 * ending in `_at`. A report's `cashier_id` is the `actor_id` of the event it counts (the sale's
 * cashier; for a refund or a void, whoever did it). Refunds and voids count on the day they
 * happen, so a day's figures can go below zero.
 */
import { z } from 'zod';
import { hash, strictObject, tender_kinds, uuid } from './common.js';
import { refund_tender_kinds } from './event-payloads.js';
import { credit_entry_kinds } from './till-records.js';
import { businessDay, pageCursor, pageLimit, periodQuery, queryBoolean, queryEnum, queryUuid } from './owner-query.js';

const int = z.number().int();
const iso = z.string().max(40);
const cents = int;

/** The currency every amount is in (DESIGN §3: KES minor units). */
export const report_currency = 'KES';

// ---------------------------------------------------------------------------------------------
// Period summary: GET /v1/reports/summary
// ---------------------------------------------------------------------------------------------

export const summary_series_kinds = ['hour', 'day'] as const;

/**
 * `from`/`to` default to today; `by` defaults to `hour` for one day and `day` otherwise (`hour`
 * is refused for periods over report_hourly_days_max days). `store_id` narrows every figure to
 * one store.
 */
export const summaryQuerySchema = periodQuery({ store_id: queryUuid.optional(), by: queryEnum(summary_series_kinds).optional() });
export type SummaryQuery = z.output<typeof summaryQuerySchema>;

/**
 * The figures of a period. VAT-inclusive unless named otherwise:
 * - `gross_cents`: line amounts before discounts (sales' subtotals), less voided sales;
 * - `discount_cents`: discounts given, less those of voided sales;
 * - `refund_cents`: money given back by refunds;
 * - `net_cents` = gross − discount − refund;
 * - `vat_cents`: the VAT in net (refunds take back their share of their lines' VAT);
 * - `rounding_cents`: the whole-shilling roundings of the sales (tenders = net + rounding);
 * - `cost_cents`: cost of the goods sold, at the product's cost price when the sale was
 *   ingested, for lines whose product has one;
 * - `gross_profit_cents`: net without VAT minus cost, over lines with a cost price;
 * - `uncosted_cents`: net of lines whose product had no cost price (left out of the profit);
 * - `sale_count`: completed sales less voided ones; `average_basket_cents` = (gross − discount)
 *   ÷ sale_count, rounded, 0 without sales.
 */
export const salesTotalsSchema = z.object({
  gross_cents: cents,
  discount_cents: cents,
  refund_cents: cents,
  net_cents: cents,
  vat_cents: cents,
  rounding_cents: cents,
  cost_cents: cents,
  gross_profit_cents: cents,
  uncosted_cents: cents,
  sale_count: int,
  void_count: int,
  refund_count: int,
  average_basket_cents: cents,
});
export type SalesTotals = z.infer<typeof salesTotalsSchema>;

/** Money by tender: taken by sales (less voids), given back by refunds, and the difference. */
export const tenderTotalsSchema = z.object({
  tender: z.enum(tender_kinds),
  amount_cents: cents,
  refund_cents: cents,
  net_cents: cents,
});
export type TenderTotals = z.infer<typeof tenderTotalsSchema>;

export const summaryPointSchema = z.object({
  business_day: businessDay,
  /** Local hour 0–23 for a by-hour series, null by day. */
  hour: int.min(0).max(23).nullable(),
  net_cents: cents,
  sale_count: int,
  gross_profit_cents: cents,
});

export const summaryResponseSchema = z.object({
  from: businessDay,
  to: businessDay,
  currency: z.literal(report_currency),
  time_zone: z.string(),
  business_day_cutoff: z.string(),
  /** The business day it is now. */
  today: businessDay,
  as_of: iso,
  totals: salesTotalsSchema,
  by_tender: z.array(tenderTotalsSchema),
  by_store: z.array(z.object({ store_id: uuid, name: z.string(), totals: salesTotalsSchema })),
  by_till: z.array(z.object({ till_id: uuid, store_id: uuid, name: z.string(), totals: salesTotalsSchema })),
  by_cashier: z.array(z.object({ cashier_id: uuid, name: z.string().nullable(), totals: salesTotalsSchema })),
  series: z.object({ by: z.enum(summary_series_kinds), points: z.array(summaryPointSchema) }),
  /** The same period one week earlier (from − 7 days to to − 7 days). */
  previous: z.object({ from: businessDay, to: businessDay, totals: salesTotalsSchema, by_tender: z.array(tenderTotalsSchema) }),
});
export type SummaryResponse = z.infer<typeof summaryResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Products: GET /v1/reports/products
// ---------------------------------------------------------------------------------------------

export const product_report_orders = ['top', 'slow'] as const;
/** `top`: best sellers by net first; `slow`: least quantity first, products that sold nothing included. */
export const productsReportQuerySchema = periodQuery({
  store_id: queryUuid.optional(),
  order: queryEnum(product_report_orders).optional(),
  limit: pageLimit,
});
export type ProductsReportQuery = z.output<typeof productsReportQuerySchema>;

export const productReportRowSchema = z.object({
  product_id: uuid,
  name: z.string(),
  unit: z.string(),
  /** Net of refunds and voids, in the product's unit (pieces, grams, millilitres). */
  quantity: int,
  net_cents: cents,
  cost_cents: cents.nullable(),
  gross_profit_cents: cents.nullable(),
  /** On hand at the store (or summed over stores without store_id). */
  on_hand: int,
  active: z.boolean(),
});
export const productsReportResponseSchema = z.object({
  from: businessDay,
  to: businessDay,
  order: z.enum(product_report_orders),
  products: z.array(productReportRowSchema),
});
export type ProductsReportResponse = z.infer<typeof productsReportResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Sales: GET /v1/sales (list, cursor) and GET /v1/sales/:sale_id (detail)
// ---------------------------------------------------------------------------------------------

/** A sale as the server holds it (the till's own list also says partially_refunded / refunded). */
export const server_sale_statuses = ['parked', 'completed', 'voided', 'abandoned'] as const;

/**
 * Newest first. The period filters on the business day the sale was completed (a parked or
 * abandoned sale: the day it was parked). `receipt_no` finds one sale by its printed number.
 */
export const salesQuerySchema = periodQuery({
  till_id: queryUuid.optional(),
  store_id: queryUuid.optional(),
  cashier_id: queryUuid.optional(),
  customer_id: queryUuid.optional(),
  tender: queryEnum(tender_kinds).optional(),
  status: queryEnum(server_sale_statuses).optional(),
  receipt_no: z
    .string({ error: 'must be a receipt number like T3-000123' })
    .transform((text) => text.trim().toUpperCase())
    .pipe(z.string().regex(/^[A-Z0-9]{1,8}-\d{6,10}$/, { error: 'must be a receipt number like T3-000123' }))
    .optional(),
  cursor: pageCursor.optional(),
  limit: pageLimit,
});
export type SalesQuery = z.output<typeof salesQuerySchema>;

export const saleTenderSchema = z.object({ kind: z.enum(tender_kinds), amount_cents: cents });

export const saleListItemSchema = z.object({
  sale_id: uuid,
  receipt_no: z.string().nullable(),
  status: z.enum(server_sale_statuses),
  store_id: uuid,
  till_id: uuid,
  till_name: z.string().nullable(),
  cashier_id: uuid,
  cashier_name: z.string().nullable(),
  customer_id: uuid.nullable(),
  customer_name: z.string().nullable(),
  /** The till's time of the sale: its completion (its parking, for a sale never completed). */
  sold_at: iso,
  business_day: businessDay,
  total_cents: cents,
  discount_cents: cents,
  vat_cents: cents,
  refunded_cents: cents,
  tenders: z.array(saleTenderSchema),
});
export type SaleListItem = z.infer<typeof saleListItemSchema>;

export const salesResponseSchema = z.object({
  sales: z.array(saleListItemSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type SalesResponse = z.infer<typeof salesResponseSchema>;

export const saleParamsSchema = strictObject({ sale_id: queryUuid });

export const saleDetailResponseSchema = z.object({
  sale: saleListItemSchema.extend({
    subtotal_cents: cents,
    rounding_cents: cents,
    credit_cents: cents,
    shift_id: uuid.nullable(),
    payment_id: uuid.nullable(),
    close_reason: z.string().nullable(),
    /** When the server stored the event that last changed the sale. */
    received_at: iso,
  }),
  lines: z.array(
    z.object({
      line_no: int,
      line_id: uuid,
      product_id: uuid,
      name: z.string(),
      unit: z.string(),
      quantity: int,
      unit_price_cents: cents,
      discount_cents: cents,
      gross_cents: cents,
      vat_class: z.string(),
      vat_cents: cents,
      net_cents: cents,
      refunded_quantity: int,
    }),
  ),
  tenders: z.array(
    saleTenderSchema.extend({
      tender_no: int,
      payment_id: uuid.nullable(),
      mpesa_receipt: z.string().nullable(),
      claim_code: z.string().nullable(),
      /** A typed claim code that a C2B confirmation has matched (null: not a claim). */
      claim_verified: z.boolean().nullable(),
    }),
  ),
  refunds: z.array(
    z.object({
      refund_id: uuid,
      till_id: uuid,
      total_cents: cents,
      reason: z.string(),
      actor_id: uuid,
      approver_id: uuid.nullable(),
      occurred_at: iso,
      business_day: businessDay,
      lines: z.array(z.object({ line_id: uuid, product_id: uuid, quantity: int, amount_cents: cents })),
      tenders: z.array(z.object({ kind: z.enum(refund_tender_kinds), amount_cents: cents })),
    }),
  ),
  /** The till events behind the sale, in the order the till made them, as hashed. */
  events: z.array(
    z.object({
      event_id: uuid,
      till_id: uuid,
      seq: int,
      type: z.string(),
      status: z.string(),
      actor_id: uuid.nullable(),
      approver_id: uuid.nullable(),
      occurred_at: iso.nullable(),
      received_at: iso,
      prev_hash: hash,
      hash,
    }),
  ),
  /** Audit log entries about those events and the sale (verify them with GET /v1/audit/verify). */
  audit: z.array(
    z.object({ seq: int, kind: z.string(), actor: z.string().nullable(), subject: z.string().nullable(), occurred_at: z.string(), prev_hash: hash, hash }),
  ),
});
export type SaleDetailResponse = z.infer<typeof saleDetailResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Credit book: GET /v1/credit (book) and GET /v1/credit/:customer_id (statement)
// ---------------------------------------------------------------------------------------------

/**
 * Ageing buckets in business days since the credit was given (DESIGN §12). Payments and
 * write-offs pay the oldest unpaid credit first; a void or a refund takes back the credit of
 * its own sale first. A balance is split across the buckets its unpaid credits fall in.
 */
export const credit_age_buckets = ['days_0_30_cents', 'days_31_60_cents', 'days_61_90_cents', 'days_91_plus_cents'] as const;
export const creditAgeingSchema = z.object({
  days_0_30_cents: cents,
  days_31_60_cents: cents,
  days_61_90_cents: cents,
  days_91_plus_cents: cents,
});
export type CreditAgeing = z.infer<typeof creditAgeingSchema>;

export const credit_book_sorts = ['amount', 'age'] as const;
/** `amount`: largest balance first; `age`: oldest unpaid credit first. Customers owing nothing are left out. */
export const creditBookQuerySchema = strictObject({
  sort: queryEnum(credit_book_sorts).optional(),
  over_limit: queryBoolean.optional(),
  cursor: pageCursor.optional(),
  limit: pageLimit,
});
export type CreditBookQuery = z.output<typeof creditBookQuerySchema>;

export const creditBookRowSchema = z.object({
  customer_id: uuid,
  name: z.string(),
  phone: z.string().nullable(),
  credit_limit_cents: cents,
  balance_cents: cents,
  over_limit: z.boolean(),
  /** The business day of the oldest credit not yet paid; null when nothing is unpaid. */
  oldest_unpaid_day: businessDay.nullable(),
  age_days: int.nullable(),
  ageing: creditAgeingSchema,
});
export type CreditBookRow = z.infer<typeof creditBookRowSchema>;

export const creditBookResponseSchema = z.object({
  today: businessDay,
  totals: z.object({ customers: int, balance_cents: cents, over_limit: int, ageing: creditAgeingSchema }),
  customers: z.array(creditBookRowSchema),
  next_cursor: z.string().nullable(),
});
export type CreditBookResponse = z.infer<typeof creditBookResponseSchema>;

export const customerParamsSchema = strictObject({ customer_id: queryUuid });
export const creditStatementQuerySchema = periodQuery({});

export const creditStatementResponseSchema = z.object({
  today: businessDay,
  customer: creditBookRowSchema,
  /** Oldest first, with the running balance after each entry. */
  entries: z.array(
    z.object({
      event_id: uuid,
      entry_no: int,
      /** The till's names for credit entries (a write-off is an `adjustment`), and a voided credit sale's `void`. */
      kind: z.enum([...credit_entry_kinds, 'void']),
      delta_cents: cents,
      balance_after_cents: cents,
      ref_id: uuid,
      /** The receipt number when the entry is a credit sale (or its void or refund). */
      receipt_no: z.string().nullable(),
      reason: z.string().nullable(),
      till_id: uuid,
      occurred_at: iso,
      business_day: businessDay,
      /** For a credit (delta > 0): what of it is still unpaid after allocation; null otherwise. */
      unpaid_cents: cents.nullable(),
    }),
  ),
  /** A polite reminder the owner can copy and send (English and Swahili). */
  reminder: z.object({ en: z.string(), sw: z.string() }),
});
export type CreditStatementResponse = z.infer<typeof creditStatementResponseSchema>;

// ---------------------------------------------------------------------------------------------
// M-Pesa reconciliation: GET /v1/reports/mpesa?day=
// ---------------------------------------------------------------------------------------------

export const mpesaReconciliationQuerySchema = strictObject({ day: businessDay.optional() });

export const mpesa_resolutions = ['matched_to_sale', 'refunded_to_customer', 'dismissed'] as const;

/** An item of the owner's M-Pesa queue, with the resolutions `POST /v1/mpesa/unmatched/:item_id/resolve` takes for it. */
export const mpesaQueueItemSchema = z.object({
  item_id: uuid,
  kind: z.string(),
  subject: z.string(),
  /** Null for an item that is not money (a refused callback, a job that gave up, a flagged code). */
  amount_cents: cents.nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: iso,
  resolved_at: iso.nullable(),
  resolution: z.string().nullable(),
  actions: z.array(z.enum(mpesa_resolutions)),
});

export const mpesaReceivedPaymentSchema = z.object({
  source: z.enum(['stk', 'c2b']),
  /** The STK payment id, or the C2B TransID. */
  id: z.string(),
  mpesa_receipt: z.string().nullable(),
  amount_cents: cents,
  received_at: iso,
  state: z.enum(['matched', 'unmatched', 'ambiguous', 'reversed']),
  sale_id: uuid.nullable(),
  receipt_no: z.string().nullable(),
});

export const countAndAmountSchema = z.object({ count: int, amount_cents: cents });

export const mpesaReconciliationResponseSchema = z.object({
  business_day: businessDay,
  /** Money M-Pesa confirmed this day: STK successes and C2B confirmations. */
  received: countAndAmountSchema,
  matched: countAndAmountSchema,
  unmatched: countAndAmountSchema,
  /** M-Pesa tenders of the day's sales (less voids), which received should cover. */
  expected: countAndAmountSchema,
  /** received − expected. */
  difference_cents: cents,
  payments: z.array(mpesaReceivedPaymentSchema),
  /** Open queue items of the day: money first (resolve them), then items that are not money. */
  queue: z.array(mpesaQueueItemSchema),
  /** Codes cashiers typed (offline M-Pesa) that no C2B confirmation has matched yet. */
  unverified_claims: z.array(
    z.object({
      claim_id: uuid,
      code: z.string(),
      amount_cents: cents,
      sale_id: uuid.nullable(),
      receipt_no: z.string().nullable(),
      till_id: uuid,
      occurred_at: iso,
    }),
  ),
  /** STK payments of the day still waiting for Daraja (requested or unknown). */
  pending: countAndAmountSchema,
});
export type MpesaReconciliationResponse = z.infer<typeof mpesaReconciliationResponseSchema>;
