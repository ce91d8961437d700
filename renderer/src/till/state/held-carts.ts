/**
 * Carts put aside with F6 on the sell screen (issue 17, UX 3): a customer who went back for
 * something they forgot. No money has been taken on a held cart, so it lives on this PC only
 * (localStorage), never in the ledger; a sale parked while M-Pesa waits is the ledger's
 * (parked-carts.ts). The oldest held cart is forgotten first past `held_carts_max`.
 */
import type { CartState } from './cart-state.js';

export const held_carts_max = 20;
const storage_key = 'payme.held-carts';

export interface HeldCart {
  cart: CartState;
  held_at_ms: number;
}

export interface HeldCartMemory {
  list(): HeldCart[];
  hold(cart: CartState, held_at_ms: number): void;
  /** The held cart with this sale id, removed from the list; undefined when it is not held. */
  take(sale_id: string): CartState | undefined;
}

function looksHeld(value: unknown): value is HeldCart {
  if (typeof value !== 'object' || value === null) return false;
  const held = value as Partial<HeldCart>;
  return typeof held.held_at_ms === 'number' && typeof held.cart?.sale_id === 'string' && Array.isArray(held.cart.lines);
}

export function storageHeldCarts(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): HeldCartMemory {
  const read = (): HeldCart[] => {
    try {
      const parsed = JSON.parse(storage?.getItem(storage_key) ?? '[]') as unknown;
      return Array.isArray(parsed) ? parsed.filter(looksHeld) : [];
    } catch {
      return [];
    }
  };
  const write = (carts: HeldCart[]) => storage?.setItem(storage_key, JSON.stringify(carts.slice(-held_carts_max)));
  return {
    list: read,
    hold: (cart, held_at_ms) => write([...read().filter((held) => held.cart.sale_id !== cart.sale_id), { cart, held_at_ms }]),
    take(sale_id) {
      const carts = read();
      const found = carts.find((held) => held.cart.sale_id === sale_id);
      if (found !== undefined) write(carts.filter((held) => held !== found));
      return found?.cart;
    },
  };
}
