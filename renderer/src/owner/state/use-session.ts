/** React bindings for the session store handed to the owner view. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { SessionState, SessionStoreApi } from './session-store.js';

export const SessionContext = createContext<SessionStoreApi | null>(null);

export function useSessionStoreApi(): SessionStoreApi {
  const store = useContext(SessionContext);
  if (store === null) throw new Error('the owner pages need a SessionContext provider (OwnerApp)');
  return store;
}

export function useSession<T>(select: (state: SessionState) => T): T {
  return useStore(useSessionStoreApi(), select);
}

/** The signed-in session; only pages behind the sign-in call it. */
export function useSignedIn() {
  const session = useSession((state) => state.session);
  if (session === null) throw new Error('useSignedIn outside the signed-in shell');
  return session;
}
