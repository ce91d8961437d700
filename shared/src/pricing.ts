/**
 * The one pricing rule of a sale (DESIGN §3), pure and isomorphic: the till's ledger prices a
 * sale with it when it records one, and the cashier's screen prices the open cart with it before
 * payment, so the figure on screen is the figure the ledger records and tenders add up exactly.
 *
 * In this order, per line: the line amount from the unit price and quantity (per kg / l for
 * goods sold by weight or volume); the line discount in basis points of that amount; the sale
 * discount in basis points of what the line discount left, so it is shared out per line; VAT
 * split on what the line actually charged. Then the payable total rounded to whole shillings,
 * with the difference shown as the rounding line. Every division rounds by the money rule.
 *
 * Who may set a price or a discount, and the limits, are the ledger's rules, not pricing's.
 */
import { percentOf, roundToShilling, splitVat, type Cents, type VatClass } from './money.js';
import { lineAmount, type QuantityUnit } from './quantity.js';

/** What pricing needs of a product (the catalog's price is the one charged unless overridden). */
export interface PricingProduct {
  product_id: string;
  name: string;
  unit: QuantityUnit;
  unit_price: Cents;
  vat_class: VatClass;
}

export interface PricingLine<P extends PricingProduct = PricingProduct> {
  product: P;
  /** In the product's unit: pieces, grams or millilitres. */
  quantity: number;
  /** A price override; the catalog price when absent. */
  unit_price?: Cents | undefined;
  /** The line discount in basis points (1 % = 100 bp). */
  discount_bp?: number | undefined;
}

export interface PricedLine<P extends PricingProduct = PricingProduct> {
  product: P;
  quantity: number;
  /** The price charged per unit (per kg / l by weight or volume). */
  unit_price: Cents;
  /** Before any discount. */
  amount: Cents;
  /** The line's discount plus its share of the sale discount. */
  discount: Cents;
  /** What the line charges: amount − discount, VAT included. */
  gross: Cents;
  vat: Cents;
  net: Cents;
}

export interface PricedSale<P extends PricingProduct = PricingProduct> {
  lines: PricedLine<P>[];
  /** The lines' amounts before discounts. */
  subtotal: Cents;
  discount: Cents;
  vat_total: Cents;
  /** payable − (subtotal − discount): the whole-shilling rounding, signed. */
  rounding: Cents;
  /** The payable total, in whole shillings. */
  total: Cents;
}

export function priceLine<P extends PricingProduct>(line: PricingLine<P>, sale_discount_bp: number): PricedLine<P> {
  const unit_price = line.unit_price ?? line.product.unit_price;
  const amount = lineAmount(unit_price, line.quantity, line.product.unit);
  const lineDiscount = percentOf(amount, line.discount_bp ?? 0);
  const discount = lineDiscount + percentOf(amount - lineDiscount, sale_discount_bp);
  const gross = amount - discount;
  const { net, vat } = splitVat(gross, line.product.vat_class);
  return { product: line.product, quantity: line.quantity, unit_price, amount, discount, gross, vat, net };
}

export function priceSale<P extends PricingProduct>(lines: readonly PricingLine<P>[], sale_discount_bp = 0): PricedSale<P> {
  return totalPricedLines(lines.map((line) => priceLine(line, sale_discount_bp)));
}

/** The sale's totals from its lines priced by `priceLine` (for a caller that keeps priced lines). */
export function totalPricedLines<P extends PricingProduct>(priced: PricedLine<P>[]): PricedSale<P> {
  let subtotal = 0;
  let discount = 0;
  let vat_total = 0;
  for (const line of priced) {
    subtotal += line.amount;
    discount += line.discount;
    vat_total += line.vat;
  }
  const { payable, rounding } = roundToShilling(subtotal - discount);
  return { lines: priced, subtotal, discount, vat_total, rounding, total: payable };
}
