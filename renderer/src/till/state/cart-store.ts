/** The zustand store around the pure cart reducer: screens dispatch, tests read the state. */
import { createStore } from 'zustand/vanilla';
import { cartReducer, emptyCart, type CartAction, type CartState } from './cart-state.js';

export interface CartStore {
  cart: CartState;
  dispatch(action: CartAction): void;
}

export function createCartStore(sale_id: string) {
  return createStore<CartStore>()((set) => ({
    cart: emptyCart(sale_id),
    dispatch: (action) => set((store) => ({ cart: cartReducer(store.cart, action) })),
  }));
}
export type CartStoreApi = ReturnType<typeof createCartStore>;
