// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { percentOf, type ParkedSaleRecord } from '@payme/shared';
import { priceCartPreview } from '../pricing/cart-pricing.js';
import { mapStorage } from '../testing/render-till.js';
import { cartReducer, emptyCart, type CartProduct, type CartState } from './cart-state.js';
import { cartFromParked, discountBpFor, parked_carts_max, storageParkedCarts } from './parked-carts.js';

const soap: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000101', name: 'Soap', unit: 'piece', unit_price: 5_500, vat_class: 'standard' };
const milk: CartProduct = { product_id: '0190a000-0000-7000-8000-000000000102', name: 'Milk', unit: 'piece', unit_price: 6_250, vat_class: 'zero_rated' };
const sale_id = '0190a000-0000-7000-8000-00000000aaaa';

/** 3 soap with 10 % off the line, 1 milk, 5 % off the sale. */
function discountedCart(): CartState {
  return [
    { type: 'add', product: soap, quantity: 3 },
    { type: 'setLineDiscount', index: 0, discount_bp: 1_000 },
    { type: 'add', product: milk },
    { type: 'setSaleDiscount', discount_bp: 500 },
  ].reduce((state, action) => cartReducer(state, action as Parameters<typeof cartReducer>[1]), emptyCart(sale_id));
}

/** What the ledger's parked record holds for a cart: charged prices and discounts in cents. */
function parkedRecordOf(cart: CartState): ParkedSaleRecord {
  const totals = priceCartPreview(cart.lines, cart.discount_bp);
  return {
    sale_id: cart.sale_id,
    payment_id: '0190a000-0000-7000-8000-00000000bbbb',
    lines: cart.lines.map((line, i) => {
      const priced = totals.lines[i]!;
      return {
        line_id: `0190a000-0000-7000-8000-0000000000${10 + i}`,
        product_id: line.product.product_id,
        name: line.product.name,
        unit: line.product.unit,
        quantity: line.quantity,
        unit_price: line.unit_price ?? line.product.unit_price,
        discount: priced.discount,
        gross: priced.gross,
        vat_class: line.product.vat_class,
        vat: priced.vat,
        net: priced.gross - priced.vat,
      };
    }),
    total: totals.total,
    parked_at: '2026-11-26T07:00:00.000Z',
    payment_state: 'succeeded',
  };
}

describe('a parked sale back in the cart', () => {
  it('the remembered cart keeps its line and sale discounts (and a cash tender taken first)', () => {
    const cart = cartReducer(discountedCart(), { type: 'addTender', tender: { tender: { kind: 'cash', amount: 2_000, tendered: 2_000 } } });
    const { cart: resumed, exact } = cartFromParked(parkedRecordOf(cart), cart);
    expect(exact).toBe(true);
    expect(resumed).toMatchObject({ parked: true, discount_bp: 500, lines: [{ discount_bp: 1_000, quantity: 3 }, { quantity: 1 }], tenders: [{ tender: { kind: 'cash', amount: 2_000 } }] });
  });

  it('a remembered cart that does not price to the parked total is not trusted', () => {
    const cart = discountedCart();
    const stale = cartReducer(cart, { type: 'setSaleDiscount', discount_bp: 0 });
    const { cart: resumed } = cartFromParked(parkedRecordOf(cart), stale);
    expect(resumed.discount_bp).toBe(0);
    expect(resumed.lines[0]?.discount_bp).toBeDefined();
  });

  it('without memory, each line discount is rebuilt as the percentage giving the same cents', () => {
    const cart = cartReducer(emptyCart(sale_id), { type: 'add', product: soap, quantity: 3 });
    const discounted = cartReducer(cart, { type: 'setLineDiscount', index: 0, discount_bp: 1_250 });
    const { cart: rebuilt, exact } = cartFromParked(parkedRecordOf(discounted), undefined);
    expect(exact).toBe(true);
    expect(percentOf(16_500, rebuilt.lines[0]!.discount_bp!)).toBe(percentOf(16_500, 1_250));
  });

  it('says when the rebuilt cart cannot price to the parked total', () => {
    const record = parkedRecordOf(discountedCart());
    // A discount of 1 cent on 165.00 has no whole-basis-point percentage.
    const odd = { ...record, lines: record.lines.map((line, i) => (i === 0 ? { ...line, discount: 1, gross: 16_499, vat: 0, net: 16_499 } : line)), total: 99_999 };
    expect(discountBpFor(16_500, 1)).toBeUndefined();
    expect(cartFromParked(odd, undefined).exact).toBe(false);
  });
});

describe('a parked sale with its terms recorded by the ledger', () => {
  it('comes back exactly on any PC: line discounts, sale discount, price overrides and early tenders', () => {
    const built = [
      { type: 'add', product: soap, quantity: 3 },
      { type: 'setLineDiscount', index: 0, discount_bp: 1_000 },
      { type: 'add', product: milk },
      { type: 'setPrice', index: 1, unit_price: 6_000 },
      { type: 'setSaleDiscount', discount_bp: 500 },
    ].reduce((state, action) => cartReducer(state, action as Parameters<typeof cartReducer>[1]), emptyCart(sale_id));
    const record: ParkedSaleRecord = {
      ...parkedRecordOf(built),
      payment_state: 'failed',
      discount_bp: 500,
      line_terms: [{ discount_bp: 1_000 }, { catalog_unit_price: milk.unit_price }],
      tenders: [{ kind: 'cash', amount: 2_000, tendered: 5_000, change: 3_000 }],
    };
    const { cart, exact } = cartFromParked(record, undefined);
    expect(exact).toBe(true);
    expect(cart).toMatchObject({
      parked: true,
      discount_bp: 500,
      customer: null,
      lines: [
        { product: { unit_price: 5_500 }, unit_price: 5_500, discount_bp: 1_000, quantity: 3 },
        { product: { unit_price: 6_250 }, unit_price: 6_000, discount_bp: undefined, quantity: 1 },
      ],
      tenders: [{ tender: { kind: 'cash', amount: 2_000, tendered: 5_000 } }],
    });
    expect(priceCartPreview(cart.lines, cart.discount_bp).total).toBe(priceCartPreview(built.lines, built.discount_bp).total);
  });

  it('prefers the record to a stale remembered cart, keeping only its customer', () => {
    const built = discountedCart();
    const record: ParkedSaleRecord = { ...parkedRecordOf(built), discount_bp: 500, line_terms: [{ discount_bp: 1_000 }, {}] };
    const stale = { ...cartReducer(built, { type: 'setSaleDiscount', discount_bp: 0 }), customer: { customer_id: sale_id, name: 'Wanjiku', credit_limit: 0, balance: 0 } };
    const { cart, exact } = cartFromParked(record, stale);
    expect(exact).toBe(true);
    expect(cart.discount_bp).toBe(500);
    expect(cart.customer?.name).toBe('Wanjiku');
  });
});

describe('the parked cart memory', () => {
  it('keeps carts across instances on the same storage (a restart), forgets on request', () => {
    const storage = mapStorage();
    storageParkedCarts(storage).save(discountedCart(), 1);
    const again = storageParkedCarts(storage);
    expect(again.get(sale_id)?.discount_bp).toBe(500);
    again.forget(sale_id);
    expect(storageParkedCarts(storage).get(sale_id)).toBeUndefined();
  });

  it('keeps only the newest carts, and survives damaged storage', () => {
    const storage = mapStorage();
    const memory = storageParkedCarts(storage);
    for (let i = 0; i < parked_carts_max + 3; i += 1) memory.save(emptyCart(`sale-${i}`), i);
    expect(memory.get('sale-0')).toBeUndefined();
    expect(memory.get(`sale-${parked_carts_max + 2}`)).toBeDefined();
    storage.items.set('payme.parked-carts', '{not json');
    expect(memory.get('sale-1')).toBeUndefined();
    memory.save(discountedCart(), 99);
    expect(memory.get(sale_id)?.lines).toHaveLength(2);
  });
});
