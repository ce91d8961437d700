/**
 * TEST DOUBLE pricing for the fake till, written from DESIGN §3 independently of the screen's
 * preview (pricing/cart-pricing.ts) so that a mistake in one shows up against the other.
 */
import { PaymeError, lineAmount, roundToShilling, splitVat, type ProductRecord, type SaleLinePayload } from '@payme/shared';

export function priceFakeSale(
  products: readonly ProductRecord[],
  lines: readonly { product_id: string; quantity: number; unit_price?: number | undefined; discount_bp?: number | undefined }[],
  saleBp: number,
) {
  const priced: Omit<SaleLinePayload, 'line_id'>[] = lines.map((line, index) => {
    const product = products.find((p) => p.product_id === line.product_id);
    if (product === undefined) throw new PaymeError('not_found', `lines.${index}.product_id: not on sale here`, `lines.${index}.product_id`);
    const unit_price = line.unit_price ?? product.unit_price;
    const amount = lineAmount(unit_price, line.quantity, product.unit);
    // Basis points of an amount, halves away from zero (the money rule), done by hand here.
    const bp = (value: number, points: number) => Math.floor((value * points + 5_000) / 10_000);
    const lineDiscount = bp(amount, line.discount_bp ?? 0);
    const discount = lineDiscount + bp(amount - lineDiscount, saleBp);
    const gross = amount - discount;
    const { net, vat } = splitVat(gross, product.vat_class);
    return { product_id: product.product_id, name: product.name, unit: product.unit, quantity: line.quantity, unit_price, discount, gross, vat_class: product.vat_class, vat, net };
  });
  const subtotal = priced.reduce((sum, line) => sum + line.gross + line.discount, 0);
  const discount = priced.reduce((sum, line) => sum + line.discount, 0);
  const vat_total = priced.reduce((sum, line) => sum + line.vat, 0);
  const { payable, rounding } = roundToShilling(subtotal - discount);
  return { lines: priced, subtotal, discount, vat_total, rounding, total: payable };
}
