/**
 * Read-only queries the cashier UI needs (DESIGN §4): product search and barcode lookup, stock on
 * hand, today's sales, a sale by id or receipt number, payments. Readers never write.
 */
import { PaymeError, staffRecord, type ProductRecord, type StaffRecord, type SaleCompletedPayload, type TillOutput } from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { parseCommandInput } from './inputs.js';
import type { ProductRow } from './pricing.js';
import { businessDayOf } from './settings.js';

const product_columns = 'p.product_id, p.name, p.sku, p.barcode, p.unit, p.unit_price, p.vat_class, p.stock_policy, p.active, p.on_hand';

export function productRecord(row: ProductRow): ProductRecord {
  const record: ProductRecord = {
    product_id: row.product_id,
    name: row.name,
    unit: row.unit,
    unit_price: row.unit_price,
    vat_class: row.vat_class,
    stock_policy: row.stock_policy,
    on_hand: row.on_hand,
  };
  if (row.sku !== null) record.sku = row.sku;
  if (row.barcode !== null) record.barcode = row.barcode;
  return record;
}

/**
 * What the cashier typed as an FTS5 query: every word must match as a prefix ("sug 2k" finds
 * "Sugar 2kg"). Words are quoted, so FTS5 syntax characters in them are searched for, not obeyed.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .normalize('NFKC')
    .split(/[\s"]+/)
    .map((word) => word.replace(/[^\p{L}\p{N}]+/gu, ' ').trim())
    .filter((word) => word !== '')
    .flatMap((word) => word.split(' '));
  if (words.length === 0) return null;
  return words.map((word) => `"${word}"*`).join(' ');
}

/**
 * At most this many matches are considered per search. Ranking every match of a two-letter
 * prefix over 50,000 products (bm25) costs 5–15 ms; the first 200 matches, shortest names first,
 * cost well under a millisecond, and a cashier who sees too many narrows by typing on.
 */
export const search_candidates_max = 200;

export const product_search_sql = `SELECT ${product_columns}
  FROM (SELECT rowid FROM products_fts WHERE products_fts MATCH @match LIMIT ${search_candidates_max}) f
  JOIN products p ON p.row_no = f.rowid
  WHERE p.active = 1 ORDER BY length(p.name), p.name LIMIT @limit`;

export function searchProducts(ctx: LedgerContext, raw: unknown): TillOutput<'searchProducts'> {
  const input = parseCommandInput('searchProducts', raw);
  const match = ftsQuery(input.query);
  if (match === null) return { products: [] };
  const rows = sql(ctx, product_search_sql).all({ match, limit: input.limit }) as ProductRow[];
  return { products: rows.map(productRecord) };
}

export function lookupBarcode(ctx: LedgerContext, raw: unknown): TillOutput<'lookupBarcode'> {
  const input = parseCommandInput('lookupBarcode', raw);
  const row = sql(ctx, `SELECT ${product_columns} FROM products p WHERE p.barcode = ? AND p.active = 1 LIMIT 1`).get(input.barcode) as
    | ProductRow
    | undefined;
  return { product: row === undefined ? null : productRecord(row) };
}

/**
 * The renderer's barcode index (issue 17): products whose row changed after `since`, in change
 * order, one page at a time. Inactive and barcode-less rows are in it too, so the index can drop
 * a product or an old barcode. A `since` beyond the ledger's last change is a ledger the index
 * never read (restored or replaced): the answer starts again from 0 and says so.
 */
export function barcodeIndex(ctx: LedgerContext, raw: unknown): TillOutput<'barcodeIndex'> {
  const input = parseCommandInput('barcodeIndex', raw);
  const latest = (sql(ctx, 'SELECT change_no FROM catalog_changes WHERE id = 1').get() as { change_no: number }).change_no;
  const reset = input.since > latest;
  const since = reset ? 0 : input.since;
  const rows = sql(ctx, `SELECT ${product_columns}, p.change_no FROM products p WHERE p.change_no > ? ORDER BY p.change_no LIMIT ?`).all(since, input.limit + 1) as (ProductRow & { change_no: number })[];
  const page = rows.slice(0, input.limit);
  return {
    products: page.map((row) => ({ ...productRecord(row), active: row.active === 1 })),
    change_no: page.at(-1)?.change_no ?? latest,
    more: rows.length > input.limit,
    reset,
  };
}

export function stockOnHand(ctx: LedgerContext, raw: unknown): TillOutput<'stockOnHand'> {
  const input = parseCommandInput('stockOnHand', raw);
  if (input.product_ids === undefined) {
    const rows = sql(ctx, `SELECT ${product_columns} FROM products p WHERE p.active = 1 ORDER BY p.name`).all() as ProductRow[];
    return { levels: rows.map(productRecord) };
  }
  const one = sql(ctx, `SELECT ${product_columns} FROM products p WHERE p.product_id = ?`);
  const levels = input.product_ids.map((id, index) => {
    const row = one.get(id) as ProductRow | undefined;
    if (row === undefined) throw new PaymeError('not_found', `product_ids.${index}: no product with this id`, `product_ids.${index}`);
    return productRecord(row);
  });
  return { levels };
}

interface SaleRow {
  sale_id: string;
  receipt_no: string;
  total: number;
  occurred_at: string;
  actor_id: string;
  voided_seq: number | null;
  payload: string;
  refunded_total: number;
}

const sale_columns = `s.sale_id, s.receipt_no, s.total, s.occurred_at, s.actor_id, s.voided_seq, s.payload,
  coalesce((SELECT sum(total) FROM refunds r WHERE r.sale_id = s.sale_id), 0) AS refunded_total`;

type SaleStatus = TillOutput<'getSale'>['status'];

function saleStatus(row: SaleRow): SaleStatus {
  if (row.voided_seq !== null) return 'voided';
  if (row.refunded_total === 0) return 'completed';
  return row.refunded_total >= row.total ? 'refunded' : 'partially_refunded';
}

export function getSale(ctx: LedgerContext, raw: unknown): TillOutput<'getSale'> {
  const input = parseCommandInput('getSale', raw);
  const row = (
    'sale_id' in input
      ? sql(ctx, `SELECT ${sale_columns} FROM sales s WHERE s.sale_id = ?`).get(input.sale_id)
      : sql(ctx, `SELECT ${sale_columns} FROM sales s WHERE s.receipt_no = ?`).get(input.receipt_no)
  ) as SaleRow | undefined;
  if (row === undefined) {
    const field = 'sale_id' in input ? 'sale_id' : 'receipt_no';
    throw new PaymeError('not_found', `${field}: no sale like this on this till`, field);
  }
  const refunded_lines = sql(ctx, 'SELECT line_id, refunded_quantity AS quantity, refunded_amount AS amount FROM sale_lines WHERE sale_id = ? AND refunded_quantity > 0 ORDER BY line_id').all(row.sale_id) as {
    line_id: string;
    quantity: number;
    amount: number;
  }[];
  return {
    sale: JSON.parse(row.payload) as SaleCompletedPayload,
    occurred_at: row.occurred_at,
    cashier_id: row.actor_id,
    status: saleStatus(row),
    refunded_total: row.refunded_total,
    refunded_lines,
  };
}

/** Today's sales on this till, in the business's time zone: count and total exclude voids. */
export function todaySales(ctx: LedgerContext, raw: unknown): TillOutput<'todaySales'> {
  const input = parseCommandInput('todaySales', raw);
  const business_day = businessDayOf(ctx, ctx.clock.now());
  const totals = sql(
    ctx,
    'SELECT count(*) AS count, coalesce(sum(total), 0) AS total FROM sales WHERE business_date = ? AND voided_seq IS NULL',
  ).get(business_day) as { count: number; total: number };
  const by_tender = sql(
    ctx,
    `SELECT t.kind AS tender, sum(t.amount) AS amount FROM sale_tenders t JOIN sales s ON s.sale_id = t.sale_id
     WHERE s.business_date = ? AND s.voided_seq IS NULL GROUP BY t.kind ORDER BY t.kind`,
  ).all(business_day) as TillOutput<'todaySales'>['by_tender'];
  const rows = sql(ctx, `SELECT ${sale_columns} FROM sales s WHERE s.business_date = ? ORDER BY s.seq DESC LIMIT ?`).all(
    business_day,
    input.limit,
  ) as SaleRow[];
  const sales = rows.map((row) => ({
    sale_id: row.sale_id,
    receipt_no: row.receipt_no,
    total: row.total,
    occurred_at: row.occurred_at,
    cashier_id: row.actor_id,
    status: saleStatus(row),
  }));
  return { business_day, count: totals.count, total: totals.total, by_tender, sales };
}

export function getPayment(ctx: LedgerContext, raw: unknown): TillOutput<'getPayment'> {
  const input = parseCommandInput('getPayment', raw);
  const row = sql(
    ctx,
    'SELECT payment_id, state, amount, phone, sale_id, mpesa_receipt, result_code, cashier_message, updated_at FROM payments WHERE payment_id = ?',
  ).get(input.payment_id) as Record<string, unknown> | undefined;
  if (row === undefined) throw new PaymeError('not_found', 'payment_id: this till has not heard of this payment yet', 'payment_id');
  const record = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
  return record as TillOutput<'getPayment'>;
}

/** Who may log in on this till: the active staff the server synced, cashiers first, then by name. */
export function activeStaff(ctx: LedgerContext): StaffRecord[] {
  const rows = sql(ctx, "SELECT staff_id, name, role FROM staff WHERE active = 1 ORDER BY role = 'cashier' DESC, name").all();
  return rows.map((row) => staffRecord.parse(row));
}

/** The receipt counter of the till's own series: the number its next receipt takes. */
export function nextReceiptNumber(ctx: LedgerContext): number {
  return (sql(ctx, 'SELECT receipt_next FROM sync_state WHERE id = 1').get() as { receipt_next: number }).receipt_next;
}
