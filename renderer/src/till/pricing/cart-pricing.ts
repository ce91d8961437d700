/**
 * The cart's totals as the cashier sees them before the ledger records the sale: the open cart
 * priced by @payme/shared's `priceLine` and `totalPricedLines` (what `priceSale`, the function
 * the ledger prices the sale with, is made of), so the figure on screen is the figure the ledger
 * records (e2e/tests/pricing-agreement.test.ts checks the two against each other).
 *
 * A scan changes one line object and keeps the others (the cart reducer copies only what
 * changes), so each line's pricing is remembered per line object and sale discount: a scan into
 * a 200-line cart prices one line and adds up the rest (issue 17), not 200 lines again.
 */
import { priceLine, totalPricedLines, type PricedLine, type PricedSale } from '@payme/shared';
import type { CartLine, CartProduct } from '../state/cart-state.js';

export type CartTotals = PricedSale<CartProduct>;

const priced_lines = new WeakMap<CartLine, { sale_discount_bp: number; priced: PricedLine<CartProduct> }>();

function pricedLine(line: CartLine, sale_discount_bp: number): PricedLine<CartProduct> {
  const known = priced_lines.get(line);
  if (known !== undefined && known.sale_discount_bp === sale_discount_bp) return known.priced;
  const priced = priceLine(line, sale_discount_bp);
  priced_lines.set(line, { sale_discount_bp, priced });
  return priced;
}

export function priceCartPreview(lines: readonly CartLine[], saleDiscountBp = 0): CartTotals {
  return totalPricedLines(lines.map((line) => pricedLine(line, saleDiscountBp)));
}
