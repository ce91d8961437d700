// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { priceSale } from '@payme/shared';
import { cartReducer, emptyCart, type CartAction, type CartProduct } from '../state/cart-state.js';
import { priceCartPreview } from './cart-pricing.js';

const soap: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000101', name: 'Soap', unit: 'piece', unit_price: 5_500, vat_class: 'standard' };
const sugar: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000103', name: 'Sugar', unit: 'gram', unit_price: 18_000, vat_class: 'standard' };
const bread: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000104', name: 'Bread', unit: 'piece', unit_price: 6_333, vat_class: 'exempt' };

describe('the cart preview, priced per line and remembered', () => {
  it('agrees with priceSale after every step, as lines, prices and discounts change', () => {
    const steps: CartAction[] = [
      { type: 'add', product: soap },
      { type: 'add', product: sugar, quantity: 750 },
      { type: 'add', product: bread },
      { type: 'add', product: soap },
      { type: 'setSaleDiscount', discount_bp: 1_250 },
      { type: 'setPrice', index: 2, unit_price: 6_000 },
      { type: 'setLineDiscount', index: 0, discount_bp: 333 },
      { type: 'adjustQuantity', index: 1, by: 1 },
      { type: 'remove', index: 1 },
      { type: 'setSaleDiscount', discount_bp: 0 },
      { type: 'add', product: sugar, quantity: 1_125 },
    ];
    let cart = emptyCart('0190a000-0000-7000-8000-00000000ffff');
    const seen = new Set<number>();
    for (const step of steps) {
      cart = cartReducer(cart, step);
      const preview = priceCartPreview(cart.lines, cart.discount_bp);
      expect(preview).toEqual(priceSale(cart.lines, cart.discount_bp));
      // The same cart again (a re-render) gives the same figures from what was remembered.
      expect(priceCartPreview(cart.lines, cart.discount_bp)).toEqual(preview);
      seen.add(preview.total);
    }
    // The steps did change the totals (a preview stuck on a remembered figure would not).
    expect(seen.size).toBeGreaterThan(6);
  });
});
