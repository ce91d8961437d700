/**
 * The cart's totals as the cashier sees them before the ledger prices the sale. It applies the
 * same rules from @payme/shared in the same order as the ledger (line discount, then the sale
 * discount shared out per line, VAT split on what each line charged, whole-shilling rounding),
 * so the figure on screen is the figure the ledger records.
 */
import { lineAmount, percentOf, roundToShilling, splitVat } from '@payme/shared';
import type { CartLine } from '../state/cart-state.js';

export interface PricedLine {
  amount: number;
  discount: number;
  gross: number;
  vat: number;
}

export interface CartTotals {
  lines: PricedLine[];
  subtotal: number;
  discount: number;
  vat_total: number;
  rounding: number;
  total: number;
}

export function priceCartPreview(lines: readonly CartLine[], saleDiscountBp = 0): CartTotals {
  const priced = lines.map((line): PricedLine => {
    const unitPrice = line.unit_price ?? line.product.unit_price;
    const amount = lineAmount(unitPrice, line.quantity, line.product.unit);
    const lineDiscount = percentOf(amount, line.discount_bp ?? 0);
    const discount = lineDiscount + percentOf(amount - lineDiscount, saleDiscountBp);
    const gross = amount - discount;
    return { amount, discount, gross, vat: splitVat(gross, line.product.vat_class).vat };
  });
  const subtotal = priced.reduce((sum, line) => sum + line.amount, 0);
  const discount = priced.reduce((sum, line) => sum + line.discount, 0);
  const vat_total = priced.reduce((sum, line) => sum + line.vat, 0);
  const { payable, rounding } = roundToShilling(subtotal - discount);
  return { lines: priced, subtotal, discount, vat_total, rounding, total: payable };
}
