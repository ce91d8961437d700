/**
 * Prices a cart from the catalog (DESIGN §3) with the one pricing rule of @payme/shared, the
 * same function the cashier's screen previews the cart with, and adds the ledger's own checks.
 */
import {
  PaymeError,
  lineQuantityMax,
  priceSale,
  sale_total_cents_max,
  uuidv7,
  type PricedLine,
  type PricingLine,
  type QuantityUnit,
  type SaleLinePayload,
  type StockPolicy,
  type VatClass,
} from '@payme/shared';
import { sql, type LedgerContext } from './context.js';
import { valueRows } from './balances.js';
import { cashierDiscountBpMax } from './settings.js';
import type { CommandAuth } from './staff.js';

export interface CartLine {
  product_id: string;
  quantity: number;
  unit_price?: number | undefined;
  discount_bp?: number | undefined;
}

export interface ProductRow {
  product_id: string;
  name: string;
  sku: string | null;
  barcode: string | null;
  unit: QuantityUnit;
  unit_price: number;
  vat_class: VatClass;
  stock_policy: StockPolicy;
  active: number;
  on_hand: number;
}

export interface PricedCart {
  lines: SaleLinePayload[];
  products: ProductRow[];
  subtotal: number;
  discount: number;
  vat_total: number;
  rounding: number;
  total: number;
}

const product_columns = 'product_id, name, sku, barcode, unit, unit_price, vat_class, stock_policy, active, on_hand';

export function productRow(ctx: LedgerContext, product_id: string): ProductRow | undefined {
  return sql(
    ctx,
    `SELECT ${product_columns} FROM products WHERE product_id = ?`,
  ).get(product_id) as ProductRow | undefined;
}

/** The rows of several products in one query (a cart's lines), by id; unknown ids are absent. */
export function productRows(ctx: LedgerContext, product_ids: readonly string[]): Map<string, ProductRow> {
  const distinct = [...new Set(product_ids)];
  const placeholders = valueRows(1, distinct.length);
  const rows = sql(ctx, `SELECT ${product_columns} FROM products WHERE product_id IN ${placeholders}`).all(distinct) as ProductRow[];
  return new Map(rows.map((row) => [row.product_id, row]));
}

/**
 * Prices the cart by the one rule in @payme/shared (`priceSale`), from the catalog rows, and
 * checks what pricing does not: the product is on sale here, the quantity and the total are within
 * their limits, and a price override or a discount above the cashier's allowance has a manager
 * (`auth.requireManager`), who is recorded on the line.
 */
export function priceCart(ctx: LedgerContext, cart: { lines: readonly CartLine[]; discount_bp?: number | undefined }, auth: CommandAuth): PricedCart {
  const allowance = cashierDiscountBpMax(ctx);
  const saleBp = cart.discount_bp ?? 0;
  const saleApprover = saleBp > allowance ? auth.requireManager('A sale discount above the cashier allowance') : undefined;
  const rows = productRows(ctx, cart.lines.map((line) => line.product_id));
  const approvers: (string | undefined)[] = [];
  const pricing = cart.lines.map((line, index): PricingLine<ProductRow> => {
    const product = onSaleProduct(rows, line, `lines.${index}`);
    let approver: string | undefined = saleApprover;
    const overridden = line.unit_price !== undefined && line.unit_price !== product.unit_price;
    if (overridden) approver = auth.requireManager('A price override');
    if ((line.discount_bp ?? 0) > allowance) approver = auth.requireManager('A line discount above the cashier allowance');
    approvers.push(overridden || (line.discount_bp ?? 0) > 0 || saleBp > 0 ? approver : undefined);
    return { product, quantity: line.quantity, unit_price: line.unit_price, discount_bp: line.discount_bp };
  });
  const priced = priceSale(pricing, saleBp);
  if (priced.total > sale_total_cents_max) {
    throw new PaymeError('invalid_amount', `lines: the sale total may be at most ${sale_total_cents_max} cents`, 'lines');
  }
  const lines = priced.lines.map((line, index) => saleLinePayload(ctx, line, approvers[index]));
  return { lines, products: priced.lines.map((line) => line.product), subtotal: priced.subtotal, discount: priced.discount, vat_total: priced.vat_total, rounding: priced.rounding, total: priced.total };
}

function onSaleProduct(rows: ReadonlyMap<string, ProductRow>, line: CartLine, field: string): ProductRow {
  const product = rows.get(line.product_id);
  if (product === undefined || product.active !== 1) {
    throw new PaymeError('not_found', `${field}.product_id: this product is not on sale at this till`, `${field}.product_id`);
  }
  const max = lineQuantityMax(product.unit);
  if (line.quantity > max) {
    throw new PaymeError('invalid_quantity', `${field}.quantity: may be at most ${max} ${product.unit}s`, `${field}.quantity`, { max });
  }
  return product;
}

/** A priced line as the sale event records it: its own id, the catalog's names, who approved its terms. */
function saleLinePayload(ctx: LedgerContext, line: PricedLine<ProductRow>, approver: string | undefined): SaleLinePayload {
  const { product } = line;
  const payload: SaleLinePayload = {
    line_id: uuidv7(ctx.clock, ctx.random),
    product_id: product.product_id,
    name: product.name,
    unit: product.unit,
    quantity: line.quantity,
    unit_price: line.unit_price,
    discount: line.discount,
    gross: line.gross,
    vat_class: product.vat_class,
    vat: line.vat,
    net: line.net,
  };
  if (product.sku !== null) payload.sku = product.sku;
  if (approver !== undefined) payload.override_approved_by = approver;
  return payload;
}

/**
 * The cart priced as completeSale would price it now, without approvals, stock checks or any
 * write: what the cashier screen shows before payment, so tenders can add up exactly. A line
 * that would need a manager is priced as asked and marked `needs_approval`.
 */
export function quoteCart(ctx: LedgerContext, cart: { lines: readonly CartLine[]; discount_bp?: number | undefined }) {
  let needs_approval = false;
  const quoteAuth: CommandAuth = {
    actor: { staff_id: '', name: '', role: 'cashier' },
    approver_id: undefined,
    requireManager() {
      needs_approval = true;
      return '';
    },
  };
  const priced = priceCart(ctx, cart, quoteAuth);
  const lines = priced.lines.map(({ override_approved_by: _approver, line_id: _line, ...line }) => line);
  return { lines, subtotal: priced.subtotal, discount: priced.discount, vat_total: priced.vat_total, rounding: priced.rounding, total: priced.total, needs_approval };
}
