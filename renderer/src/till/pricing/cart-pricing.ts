/**
 * The cart's totals as the cashier sees them before the ledger records the sale: the open cart
 * priced by @payme/shared's `priceSale`, the function the ledger prices the sale with, so the
 * figure on screen is the figure the ledger records (e2e/tests/pricing-agreement.test.ts checks
 * the two against each other).
 */
import { priceSale, type PricedSale } from '@payme/shared';
import type { CartLine, CartProduct } from '../state/cart-state.js';

export type CartTotals = PricedSale<CartProduct>;

export function priceCartPreview(lines: readonly CartLine[], saleDiscountBp = 0): CartTotals {
  return priceSale(lines, saleDiscountBp);
}
