/**
 * Who is at the till and what they are looking at. The cart lives in its own store; this one
 * holds the session (staff, lock, language) and which screen is open.
 */
import { createStore } from 'zustand/vanilla';
import type { StaffRecord, TillOutput } from '@payme/shared';
import type { Language } from '../i18n/i18n.js';
import { noteRequest, noteState, type RecentMpesaRequest } from './mpesa-recent.js';

export type Screen = 'sell' | 'pay' | 'receipt' | 'history' | 'customers' | 'stock' | 'shift';
export type SyncStatus = TillOutput<'syncStatus'>;

export interface AppState {
  staff: StaffRecord | null;
  locked: boolean;
  language: Language;
  screen: Screen;
  help_open: boolean;
  /** The sale the receipt view shows (just completed, or picked from history to reprint). */
  receipt_sale_id: string | null;
  /** Print at once: right after a sale completes (the drawer opens too), and on a reprint. */
  receipt_auto_print: boolean;
  /** A reprint from the sales history: marked COPY, no change panel, the drawer stays shut (issue 17). */
  receipt_copy: boolean;
  sync: SyncStatus | null;
  /** Parked sales waiting for M-Pesa, counted for the status strip. */
  mpesa_pending: number;
  /** STK requests of the last two minutes, for the duplicate check (mpesa-recent.ts). */
  mpesa_recent: RecentMpesaRequest[];
  noteMpesaRequest(request: RecentMpesaRequest): void;
  noteMpesaState(payment_id: string, state: RecentMpesaRequest['state']): void;
  loggedIn(staff: StaffRecord, language: Language): void;
  lock(): void;
  logout(): void;
  setLanguage(language: Language): void;
  show(screen: Screen): void;
  toggleHelp(open?: boolean): void;
  showReceipt(sale_id: string, autoPrint?: boolean, copy?: boolean): void;
  setSync(sync: SyncStatus | null, mpesa_pending: number): void;
}

export function createAppStore(language: Language = 'en') {
  return createStore<AppState>()((set) => ({
    staff: null,
    locked: false,
    language,
    screen: 'sell',
    help_open: false,
    receipt_sale_id: null,
    receipt_auto_print: false,
    receipt_copy: false,
    sync: null,
    mpesa_pending: 0,
    mpesa_recent: [],
    noteMpesaRequest: (request) => set((state) => ({ mpesa_recent: noteRequest(state.mpesa_recent, request) })),
    noteMpesaState: (payment_id, paymentState) => set((state) => ({ mpesa_recent: noteState(state.mpesa_recent, payment_id, paymentState) })),
    loggedIn: (staff, lang) => set({ staff, locked: false, language: lang, screen: 'sell' }),
    lock: () => set({ locked: true, help_open: false }),
    logout: () => set({ staff: null, locked: false, help_open: false }),
    setLanguage: (lang) => set({ language: lang }),
    show: (screen) => set({ screen, help_open: false }),
    toggleHelp: (open) => set((state) => ({ help_open: open ?? !state.help_open })),
    showReceipt: (sale_id, autoPrint = false, copy = false) => set({ receipt_sale_id: sale_id, receipt_auto_print: autoPrint, receipt_copy: copy, screen: 'receipt' }),
    setSync: (sync, mpesa_pending) => set({ sync, mpesa_pending }),
  }));
}
export type AppStoreApi = ReturnType<typeof createAppStore>;
