/** React bindings for the vanilla zustand stores handed to the app. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStoreApi } from './app-store.js';
import type { CartStore, CartStoreApi } from './cart-store.js';

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
