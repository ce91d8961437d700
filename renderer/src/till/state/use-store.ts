/** React bindings for the vanilla zustand stores handed to the app. */
import { createContext, useContext, useMemo } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStoreApi } from './app-store.js';
import type { CartStore, CartStoreApi } from './cart-store.js';
import { priceCartPreview, type CartTotals } from '../pricing/cart-pricing.js';

export const StoresContext = createContext<{ app: AppStoreApi; cart: CartStoreApi } | null>(null);

function useStores() {
  const stores = useContext(StoresContext);
  if (stores === null) throw new Error('the till screens need a StoresContext provider (TillApp)');
  return stores;
}

export function useApp<T>(select: (state: AppState) => T): T {
  return useStore(useStores().app, select);
}
export function useCart<T>(select: (state: CartStore) => T): T {
  return useStore(useStores().cart, select);
}
export function useStoreApis() {
  return useStores();
}

/** The open cart priced (per line, remembered: see cart-pricing.ts), for the components that show it. */
export function useCartTotals(): CartTotals {
  const lines = useCart((s) => s.cart.lines);
  const discount_bp = useCart((s) => s.cart.discount_bp);
  return useMemo(() => priceCartPreview(lines, discount_bp), [lines, discount_bp]);
}
