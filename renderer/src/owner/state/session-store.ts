/**
 * Who is signed in to the owner view and in which language: the session answer (business, time
 * zone, day cutoff, role, CSRF token), why the last session ended, and the language picked on
 * this browser. Server data lives in TanStack Query, not here.
 */
import { createStore } from 'zustand/vanilla';
import type { SessionResponse } from '@payme/shared';
import { isLanguage, type Language } from '../../common/language.js';

export type SessionStatus = 'checking' | 'signed_in' | 'signed_out';

export interface SessionState {
  status: SessionStatus;
  session: SessionResponse | null;
  /** The server's code for why the view signed out (`session_expired`, …), or `logged_out`. */
  signed_out_reason: string | null;
  language: Language;
  signedIn(session: SessionResponse): void;
  signedOut(reason: string | null): void;
  setLanguage(language: Language): void;
}

/** Where the language choice is remembered on this browser (not a secret, not server state). */
export interface LanguageMemory {
  load(): Language | null;
  save(language: Language): void;
}

export function browserLanguageMemory(storage: Pick<Storage, 'getItem' | 'setItem'> | null): LanguageMemory {
  const key = 'payme.owner.language';
  return {
    load: () => {
      const value = storage?.getItem(key);
      return isLanguage(value) ? value : null;
    },
    save: (language) => storage?.setItem(key, language),
  };
}

export function createSessionStore(memory: LanguageMemory) {
  return createStore<SessionState>((set) => ({
    status: 'checking',
    session: null,
    signed_out_reason: null,
    language: memory.load() ?? 'en',
    signedIn: (session) => set({ status: 'signed_in', session, signed_out_reason: null }),
    signedOut: (reason) => set({ status: 'signed_out', session: null, signed_out_reason: reason }),
    setLanguage: (language) => {
      memory.save(language);
      set({ language });
    },
  }));
}

export type SessionStoreApi = ReturnType<typeof createSessionStore>;
