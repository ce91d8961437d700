/**
 * The one pricing rule (DESIGN §3): worked examples a cashier could check on a receipt, and the
 * relations every priced sale keeps whatever its lines, checked against BigInt arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceSale, vat_classes, type PricingProduct } from '../src/index.js';

const soap: PricingProduct = { product_id: 'soap', name: 'Sunlight Soap 175g', unit: 'piece', unit_price: 5_500, vat_class: 'standard' };
const milk: PricingProduct = { product_id: 'milk', name: 'Brookside Milk 500ml', unit: 'piece', unit_price: 6_250, vat_class: 'zero_rated' };
const sugar: PricingProduct = { product_id: 'sugar', name: 'Sugar (loose)', unit: 'gram', unit_price: 18_000, vat_class: 'standard' };

describe('priceSale', () => {
  it('prices a mixed cart the way the receipt shows it: VAT per line, rounding to the shilling', () => {
    const sale = priceSale([
      { product: soap, quantity: 2 },
      { product: milk, quantity: 1 },
      { product: sugar, quantity: 333 }, // 0.333 kg × KSh 180.00 = KSh 59.94
    ]);
    expect(sale.subtotal).toBe(11_000 + 6_250 + 5_994);
    // 23,244 cents → KSh 232.00, a rounding line of −44 cents.
    expect(sale.total).toBe(23_200);
    expect(sale.rounding).toBe(-44);
    // soap 11,000 × 16/116 = 1,517.24 → 1,517; milk zero-rated; sugar 5,994 × 16/116 = 826.76 → 827.
    expect(sale.vat_total).toBe(1_517 + 827);
    expect(sale.lines.map((line) => line.gross)).toEqual([11_000, 6_250, 5_994]);
  });

  it('takes the line discount first and shares the sale discount out on what it left', () => {
    // Soap ×2 = 11,000; 10 % line discount = 1,100; 5 % of the remaining 9,900 = 495.
    const sale = priceSale([{ product: soap, quantity: 2, discount_bp: 1_000 }, { product: milk, quantity: 1 }], 500);
    expect(sale.lines[0]).toMatchObject({ amount: 11_000, discount: 1_595, gross: 9_405 });
    // Milk: 5 % of 6,250 = 312.5 → 313 (halves away from zero).
    expect(sale.lines[1]).toMatchObject({ amount: 6_250, discount: 313, gross: 5_937 });
    expect(sale.discount).toBe(1_595 + 313);
    expect(sale.total).toBe(15_300); // 15,342 → KSh 153.00
  });

  it('charges an overridden price instead of the catalog one', () => {
    const sale = priceSale([{ product: soap, quantity: 3, unit_price: 5_000 }]);
    expect(sale.lines[0]).toMatchObject({ unit_price: 5_000, amount: 15_000 });
    expect(sale.total).toBe(15_000);
  });

  it('keeps its relations for any cart: gross = amount − discount = net + VAT, and the total is whole shillings within 50 cents', () => {
    const product = fc.record({
      product_id: fc.constant('p'),
      name: fc.constant('Product'),
      unit: fc.constantFrom('piece' as const, 'gram' as const, 'millilitre' as const),
      unit_price: fc.integer({ min: 0, max: 100_000_000 }),
      vat_class: fc.constantFrom(...vat_classes),
    });
    const line = fc.record({
      product,
      quantity: fc.integer({ min: 1, max: 10_000 }),
      unit_price: fc.option(fc.integer({ min: 0, max: 100_000_000 }), { nil: undefined }),
      discount_bp: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 10_000 }), (lines, bp) => {
        const sale = priceSale(lines, bp);
        for (const priced of sale.lines) {
          expect(priced.gross).toBe(priced.amount - priced.discount);
          expect(priced.net + priced.vat).toBe(priced.gross);
          expect(priced.gross).toBeGreaterThanOrEqual(0);
          const divisor = priced.product.unit === 'piece' ? 1n : 1_000n;
          const exact = BigInt(priced.unit_price) * BigInt(priced.quantity);
          const off = BigInt(priced.amount) * divisor - exact;
          expect((off < 0n ? -off : off) <= divisor / 2n).toBe(true);
        }
        const charged = sale.lines.reduce((sum, priced) => sum + priced.gross, 0);
        expect(sale.subtotal - sale.discount).toBe(charged);
        expect(sale.total).toBe(charged + sale.rounding);
        expect(sale.total % 100).toBe(0);
        expect(Math.abs(sale.rounding)).toBeLessThanOrEqual(50);
      }),
      { numRuns: 300 },
    );
  });
});
