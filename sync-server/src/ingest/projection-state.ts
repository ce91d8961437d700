/**
 * What the projection fold knows before a push is applied, and the rows it produces.
 *
 * A push is applied as: lock the till, load the state the batch refers to (this file's
 * `ProjectionState`), fold the events over it in memory in seq order (the fold decides applied /
 * quarantined and anomalies per event), then write the row sets: every plain table in one
 * statement, then the rows pushes of a business share (levels, balances) with the anomalies,
 * audit entries and feed changes in one call (push-tail.ts). The fold stays a pure function
 * that tests can drive without a database.
 */

export type SaleStatus = 'parked' | 'completed' | 'voided' | 'abandoned';

export interface KnownSale {
  status: SaleStatus;
  customer_id: string | null;
  credit_cents: number;
  /** Lines with what they took from stock, for a void that puts it back. */
  lines: { product_id: string; quantity: number }[];
}

export interface KnownCustomer {
  credit_limit_cents: number;
  balance_cents: number;
}

export interface ProjectionState {
  business_id: string;
  store_id: string;
  till_id: string;
  /** Products of this business: current price, to flag stale prices and unknown products. */
  products: Map<string, { price_cents: number }>;
  customers: Map<string, KnownCustomer>;
  sales: Map<string, KnownSale>;
  shifts: Map<string, { status: 'open' | 'closed' }>;
  refund_ids: Set<string>;
  claim_ids: Set<string>;
  claim_codes: Set<string>;
  reversal_ids: Set<string>;
}

export function emptyProjectionState(scope: { business_id: string; store_id: string; till_id: string }): ProjectionState {
  return {
    ...scope,
    products: new Map(),
    customers: new Map(),
    sales: new Map(),
    shifts: new Map(),
    refund_ids: new Set(),
    claim_ids: new Set(),
    claim_codes: new Set(),
    reversal_ids: new Set(),
  };
}

/** Fields every row of one event shares. */
export interface EventMeta {
  event_id: string;
  till_id: string;
  store_id: string;
  actor_id: string;
  approver_id: string | null;
  occurred_at: string;
  received_at: string;
}

export interface SaleRow {
  sale_id: string;
  store_id: string;
  till_id: string;
  status: SaleStatus;
  receipt_no: string | null;
  shift_id: string | null;
  customer_id: string | null;
  cashier_id: string;
  payment_id: string | null;
  subtotal_cents: number;
  discount_cents: number;
  vat_cents: number;
  rounding_cents: number;
  total_cents: number;
  credit_cents: number;
  close_reason: string | null;
  event_id: string;
  occurred_at: string;
  received_at: string;
  /** The till's time of the sale: its completion, or its parking while never completed. */
  sold_at: string;
  completed_event_id: string | null;
  parked_event_id: string | null;
}

export interface SaleLineRow {
  sale_id: string;
  line_no: number;
  line_id: string;
  product_id: string;
  name: string;
  unit: string;
  quantity: number;
  unit_price_cents: number;
  discount_cents: number;
  gross_cents: number;
  vat_class: string;
  vat_cents: number;
  net_cents: number;
}

export interface TenderRow {
  sale_id: string;
  tender_no: number;
  kind: string;
  amount_cents: number;
  payment_id: string | null;
  mpesa_receipt: string | null;
  claim_code: string | null;
}

export interface RefundRow {
  refund_id: string;
  sale_id: string;
  till_id: string;
  total_cents: number;
  lines: unknown;
  tenders: unknown;
  reason: string;
  actor_id: string;
  approver_id: string | null;
  event_id: string;
  occurred_at: string;
  received_at: string;
}

export type StockMoveKind = 'sale' | 'void' | 'refund' | 'receive' | 'adjust' | 'count';

export interface StockMoveRow {
  event_id: string;
  line_no: number;
  store_id: string;
  product_id: string;
  delta: number;
  kind: StockMoveKind;
  ref_id: string;
  till_id: string;
  occurred_at: string;
}

/** `adjust` is the stored name (credit_entries.kind, migration 002); the owner API answers the till's `adjustment` (reports/credit-book.ts). */
export type CreditEntryKind = 'sale' | 'void' | 'refund' | 'payment' | 'adjust';

export interface CreditEntryRow {
  event_id: string;
  entry_no: number;
  customer_id: string;
  delta_cents: number;
  kind: CreditEntryKind;
  ref_id: string;
  reason: string | null;
  till_id: string;
  occurred_at: string;
}

export interface CustomerRow {
  id: string;
  name: string;
  phone: string | null;
  credit_limit_cents: number;
  updated_at: string;
}

/** A change to a stored customer: absent fields stay; `phone_set` distinguishes "remove phone". */
export interface CustomerUpdate {
  id: string;
  name?: string;
  phone_set?: boolean;
  phone?: string | null;
  credit_limit_cents?: number;
  updated_at: string;
}

export interface ShiftRow {
  shift_id: string;
  store_id: string;
  till_id: string;
  status: 'open' | 'closed';
  opened_by: string;
  float_cents: number;
  opened_at: string;
  paid_in_cents: number;
  paid_out_cents: number;
  closed_by: string | null;
  closed_at: string | null;
  counted: unknown;
  expected: unknown;
  variance: unknown;
  variance_cents: number | null;
  sales_count: number | null;
  refunds_total_cents: number | null;
  voids_count: number | null;
}

/**
 * A change to a stored shift: pay-ins and pay-outs of this push are added to what is stored;
 * the close fields are set when present.
 */
export interface ShiftUpdate {
  shift_id: string;
  paid_in_cents: number;
  paid_out_cents: number;
  status?: 'closed';
  closed_by?: string;
  closed_at?: string;
  counted?: unknown;
  expected?: unknown;
  variance?: unknown;
  variance_cents?: number;
  sales_count?: number;
  refunds_total_cents?: number;
  voids_count?: number;
}

/** A change to a stored sale (completion of a parked sale, void, abandonment): absent fields stay. */
export type SaleUpdate = Partial<SaleRow> & { sale_id: string; status: SaleStatus; event_id: string };

export interface CashMoveRow {
  event_id: string;
  entry_id: string;
  shift_id: string;
  direction: 'in' | 'out';
  amount_cents: number;
  reason: string;
  actor_id: string;
  occurred_at: string;
}

export interface ClaimRow {
  claim_id: string;
  sale_id: string | null;
  code: string;
  amount_cents: number;
  phone: string | null;
  till_id: string;
  event_id: string;
  occurred_at: string;
  received_at: string;
}

export interface ReversalRow {
  reversal_id: string;
  sale_id: string;
  refund_id: string | null;
  payment_id: string | null;
  mpesa_receipt: string;
  amount_cents: number;
  till_id: string;
  event_id: string;
  occurred_at: string;
  received_at: string;
}

export type AnomalyKind =
  | 'oversold'
  | 'credit_over_limit'
  | 'unknown_product'
  | 'stale_price'
  | 'claim_code_reused'
  | 'payment_reused';

export interface AnomalyRow {
  event_id: string;
  anomaly_no: number;
  kind: AnomalyKind;
  till_id: string;
  subject: string;
  details: Record<string, unknown>;
  detected_at: string;
}

/** Everything one push writes besides the events themselves. */
export interface ProjectionRows {
  /** Sales this push creates (inserted), and changes to stored ones (updated). */
  sales: Map<string, SaleRow>;
  sale_updates: Map<string, SaleUpdate>;
  sale_lines: SaleLineRow[];
  tenders: TenderRow[];
  refunds: RefundRow[];
  stock_moves: StockMoveRow[];
  credit_entries: CreditEntryRow[];
  customers: Map<string, CustomerRow>;
  customer_updates: Map<string, CustomerUpdate>;
  shifts: Map<string, ShiftRow>;
  shift_updates: Map<string, ShiftUpdate>;
  cash_moves: CashMoveRow[];
  claims: ClaimRow[];
  reversals: ReversalRow[];
  anomalies: AnomalyRow[];
  /** Manager approvals of overselling, by `${event_id}:${product_id}`, for the oversold anomaly. */
  sale_overrides: Map<string, string>;
  /** Net stock change per product at this store, for the level upsert and the feed. */
  stock_deltas: Map<string, number>;
  /** Net balance change per customer, for the balance upsert and the feed. */
  balance_deltas: Map<string, number>;
}

export function emptyProjectionRows(): ProjectionRows {
  return {
    sales: new Map(),
    sale_updates: new Map(),
    sale_lines: [],
    tenders: [],
    refunds: [],
    stock_moves: [],
    credit_entries: [],
    customers: new Map(),
    customer_updates: new Map(),
    shifts: new Map(),
    shift_updates: new Map(),
    cash_moves: [],
    claims: [],
    reversals: [],
    anomalies: [],
    sale_overrides: new Map(),
    stock_deltas: new Map(),
    balance_deltas: new Map(),
  };
}
