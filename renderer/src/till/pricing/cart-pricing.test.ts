// @vitest-environment node
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { priceCartPreview } from './cart-pricing.js';
import { priceFakeSale } from '../testing/fake-pricing.js';
import { fake_products } from '../testing/fake-fixtures.js';
import type { CartLine } from '../state/cart-state.js';

const [soap, milk, sugar] = fake_products;

describe('the cart preview', () => {
  it('prices a mixed cart the way the receipt will: VAT per line, rounding to the shilling', () => {
    const lines: CartLine[] = [
      { product: soap!, quantity: 2 },
      { product: milk!, quantity: 1 },
      { product: sugar!, quantity: 333 }, // 0.333 kg × 180.00 = 59.94
    ];
    const totals = priceCartPreview(lines);
    expect(totals.subtotal).toBe(11_000 + 6_250 + 5_994);
    // 23,244 cents → 232.44 → KSh 232.00, rounding −44 cents
    expect(totals.total).toBe(23_200);
    expect(totals.rounding).toBe(-44);
    // VAT: soap 11,000 × 16/116 = 1,517.24 → 1,517; milk zero-rated; sugar 5,994 × 16/116 = 826.76 → 827
    expect(totals.vat_total).toBe(1_517 + 827);
  });

  it('agrees with an independent pricing of the same cart for any quantities and discounts', () => {
    const products = [soap!, milk!, sugar!];
    fc.assert(
      fc.property(
        fc.array(fc.record({ index: fc.integer({ min: 0, max: 2 }), quantity: fc.integer({ min: 1, max: 5_000 }), discount_bp: fc.integer({ min: 0, max: 10_000 }) }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 10_000 }),
        (raw, saleBp) => {
          const lines: CartLine[] = raw.map(({ index, quantity, discount_bp }) => ({ product: products[index]!, quantity, discount_bp }));
          const preview = priceCartPreview(lines, saleBp);
          const fake = priceFakeSale(products, lines.map((line) => ({ product_id: line.product.product_id, quantity: line.quantity, discount_bp: line.discount_bp })), saleBp);
          expect([preview.subtotal, preview.discount, preview.vat_total, preview.rounding, preview.total]).toEqual([fake.subtotal, fake.discount, fake.vat_total, fake.rounding, fake.total]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
