// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cartLinesInput, cartReducer, emptyCart, type CartProduct, type CartState } from './cart-state.js';

const soap: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000101', name: 'Soap', unit: 'piece', unit_price: 5_500, vat_class: 'standard' };
const sugar: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000103', name: 'Sugar', unit: 'gram', unit_price: 18_000, vat_class: 'standard' };
const sale_id = '0190a000-0000-7000-8000-00000000ffff';

function run(...actions: Parameters<typeof cartReducer>[1][]): CartState {
  return actions.reduce(cartReducer, emptyCart(sale_id));
}

describe('the cart reducer', () => {
  it('a repeat scan of a piece item adds to its line and selects it', () => {
    const state = run({ type: 'add', product: soap }, { type: 'add', product: sugar, quantity: 500 }, { type: 'add', product: soap, quantity: 2 });
    expect(state.lines.map((line) => [line.product.name, line.quantity])).toEqual([['Soap', 3], ['Sugar', 500]]);
    expect(state.selected).toBe(0);
  });

  it('each weighing of loose goods is its own line', () => {
    const state = run({ type: 'add', product: sugar, quantity: 500 }, { type: 'add', product: sugar, quantity: 750 });
    expect(state.lines.map((line) => line.quantity)).toEqual([500, 750]);
  });

  it('a line with a changed price is not merged with a new scan', () => {
    const state = run({ type: 'add', product: soap }, { type: 'setPrice', index: 0, unit_price: 5_000 }, { type: 'add', product: soap });
    expect(state.lines).toHaveLength(2);
  });

  it('quantities stay between 1 and the line limit', () => {
    let state = run({ type: 'add', product: soap }, { type: 'adjustQuantity', index: 0, by: -1 });
    expect(state.lines[0]?.quantity).toBe(1);
    state = cartReducer(state, { type: 'setQuantity', index: 0, quantity: 50_000 });
    expect(state.lines[0]?.quantity).toBe(10_000);
  });

  it('removing the last line moves the selection up; removing from an empty cart changes nothing', () => {
    const state = run({ type: 'add', product: soap }, { type: 'add', product: sugar, quantity: 1000 }, { type: 'remove', index: 1 });
    expect(state.selected).toBe(0);
    expect(cartReducer(emptyCart(sale_id), { type: 'remove', index: 0 })).toEqual(emptyCart(sale_id));
  });

  it('a discount of 0 clears the line discount; reset starts a new sale id', () => {
    let state = run({ type: 'add', product: soap }, { type: 'setLineDiscount', index: 0, discount_bp: 500 });
    expect(state.lines[0]?.discount_bp).toBe(500);
    state = cartReducer(state, { type: 'setLineDiscount', index: 0, discount_bp: 0 });
    expect(state.lines[0]?.discount_bp).toBeUndefined();
    expect(cartReducer(state, { type: 'reset', sale_id: 'x' })).toEqual(emptyCart('x'));
  });

  it('the cart becomes the till API lines, with overrides only where set', () => {
    const state = run({ type: 'add', product: soap }, { type: 'add', product: sugar, quantity: 250 }, { type: 'setPrice', index: 1, unit_price: 17_000 }, { type: 'setLineDiscount', index: 0, discount_bp: 250 });
    expect(cartLinesInput(state)).toEqual([
      { product_id: soap.product_id, quantity: 1, discount_bp: 250 },
      { product_id: sugar.product_id, quantity: 250, unit_price: 17_000 },
    ]);
  });
});
