/**
 * The cashier app: login / lock, the screens, the always-visible status strip and the F-keys.
 * Everything it talks to is handed in (deps and stores), so tests run it against a fake till.
 */
import { useMemo, useState } from 'react';
import { uuidv7, type StaffRecord } from '@payme/shared';
import { DepsContext, useDeps, type TillDeps, type TillProfile } from './app-context.js';
import { LanguageContext, catalogues, languages, type Language } from './i18n/i18n.js';
import { StoresContext, useApp, useStoreApis } from './state/use-store.js';
import { createAppStore, type AppStoreApi, type Screen } from './state/app-store.js';
import { createCartStore, type CartStoreApi } from './state/cart-store.js';
import { ApprovalProvider } from './components/approval.js';
import { StatusStrip } from './components/StatusStrip.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { useHotkeys } from './use-hotkeys.js';
import { useMainFieldFocus } from './focus-main-field.js';
import { LoginScreen } from './screens/login/LoginScreen.js';
import { SellScreen } from './screens/sell/SellScreen.js';
import { PayScreen } from './screens/pay/PayScreen.js';
import { ReceiptView } from './screens/receipt/ReceiptView.js';
import { HistoryScreen } from './screens/history/HistoryScreen.js';
import { CustomersScreen } from './screens/customers/CustomersScreen.js';
import { StockScreen } from './screens/stock/StockScreen.js';
import { ShiftScreen } from './screens/shift/ShiftScreen.js';
import { ProfileGate } from './screens/first-run/ProfileGate.js';
import { storageParkedCarts } from './state/parked-carts.js';
import { storageHeldCarts } from './state/held-carts.js';
import { createBarcodeIndex } from './state/barcode-index.js';
import { useBarcodeIndexRefresh } from './state/use-barcode-index.js';

/** Where each person's language choice is kept on this PC. */
export interface LanguageMemory {
  get(staff_id: string): Language | undefined;
  set(staff_id: string, language: Language): void;
}

export function browserLanguageMemory(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): LanguageMemory {
  return {
    get: (staff_id) => {
      const value = storage?.getItem(`payme.language.${staff_id}`);
      return languages.find((lang) => lang === value);
    },
    set: (staff_id, language) => storage?.setItem(`payme.language.${staff_id}`, language),
  };
}

/**
 * What the app is handed; the profile is asked of the till unless a test already has one,
 * parked carts are kept in localStorage unless another memory is given, and the barcode index
 * reads the till's catalogue unless one (or null, none) is given.
 */
export type TillAppDeps = Omit<TillDeps, 'profile' | 'parked_carts' | 'held_carts' | 'barcode_index'> & {
  profile?: TillProfile | undefined;
  parked_carts?: TillDeps['parked_carts'];
  held_carts?: TillDeps['held_carts'];
  barcode_index?: TillDeps['barcode_index'];
};

export function TillApp({ deps, stores, languageMemory }: { deps: TillAppDeps; stores?: { app: AppStoreApi; cart: CartStoreApi }; languageMemory?: LanguageMemory }) {
  const [own] = useState(() => stores ?? { app: createAppStore(), cart: createCartStore(uuidv7(deps.clock, deps.random)) });
  const [memory] = useState(() => languageMemory ?? browserLanguageMemory(typeof localStorage === 'undefined' ? undefined : localStorage));
  const [parked_carts] = useState(() => deps.parked_carts ?? storageParkedCarts(typeof localStorage === 'undefined' ? undefined : localStorage));
  const [held_carts] = useState(() => deps.held_carts ?? storageHeldCarts(typeof localStorage === 'undefined' ? undefined : localStorage));
  const [barcode_index] = useState(() => (deps.barcode_index === undefined ? createBarcodeIndex(deps.till) : deps.barcode_index));
  const withMemory = useMemo(() => ({ ...deps, parked_carts, held_carts, barcode_index }), [deps, parked_carts, held_carts, barcode_index]);
  return (
    <StoresContext.Provider value={own}>
      <Shell deps={withMemory} memory={memory} />
    </StoresContext.Provider>
  );
}

type ShellDeps = TillAppDeps & Pick<TillDeps, 'parked_carts' | 'held_carts' | 'barcode_index'>;

function Shell({ deps, memory }: { deps: ShellDeps; memory: LanguageMemory }) {
  const language = useApp((s) => s.language);
  const setLanguage = useApp((s) => s.setLanguage);
  return (
    <LanguageContext.Provider value={language}>
      <ProfileGate till={deps.till} initial={deps.profile} poll_ms={deps.profile_poll_ms} language={language} onLanguage={setLanguage}>
        {(profile) => <WithProfile deps={deps} profile={profile} memory={memory} />}
      </ProfileGate>
    </LanguageContext.Provider>
  );
}

function WithProfile({ deps, profile, memory }: { deps: ShellDeps; profile: TillProfile; memory: LanguageMemory }) {
  const value = useMemo(() => ({ ...deps, profile }), [deps, profile]);
  return (
    <DepsContext.Provider value={value}>
      <ApprovalProvider>
        <Session memory={memory} />
        <StatusStrip />
      </ApprovalProvider>
    </DepsContext.Provider>
  );
}

const nav: { screen: Screen; key: string | null }[] = [
  { screen: 'sell', key: 'F2' },
  { screen: 'customers', key: 'F3' },
  { screen: 'history', key: 'F8' },
  { screen: 'stock', key: null },
  { screen: 'shift', key: 'F9' },
];

function Session({ memory }: { memory: LanguageMemory }) {
  const { app, cart } = useStoreApis();
  const { till } = useDeps();
  const state = useApp((s) => s);
  const t = catalogues[state.language];
  const loggedIn = state.staff !== null && !state.locked;

  const setLanguage = (language: Language) => {
    state.setLanguage(language);
    if (state.staff !== null) memory.set(state.staff.staff_id, language);
  };
  useHotkeys(
    {
      F1: () => state.toggleHelp(),
      F2: () => state.show('sell'),
      F3: () => state.show('customers'),
      // Read when pressed, not subscribed to: a scan re-renders the sell screen, not the whole session (issue 17).
      F4: () => cart.getState().cart.lines.length > 0 && state.show('pay'),
      F8: () => state.show('history'),
      F9: () => state.show('shift'),
      Escape: () => (state.help_open ? state.toggleHelp(false) : state.screen !== 'sell' && state.show('sell')),
    },
    loggedIn,
  );

  useMainFieldFocus(loggedIn, state.screen, state.help_open, state.receipt_sale_id);
  const catalogChangeNo = useBarcodeIndexRefresh(loggedIn);

  if (state.staff === null || state.locked) {
    const onLoggedIn = (staff: StaffRecord) => app.getState().loggedIn(staff, memory.get(staff.staff_id) ?? state.language);
    return <LoginScreen key={state.locked ? 'lock' : 'login'} lockedStaff={state.locked ? state.staff : null} language={state.language} onLanguage={setLanguage} onLoggedIn={onLoggedIn} />;
  }
  return (
    // data-catalog-change-no: how far the barcode index has read the ledger's catalogue changes.
    <div className="till" data-catalog-change-no={catalogChangeNo}>
      <header className="till-header">
        <nav aria-label={t.menu}>
          {nav.map(({ screen, key }) => (
            <button key={screen} type="button" aria-current={state.screen === screen ? 'page' : undefined} onClick={() => state.show(screen)}>
              {t.screen_name[screen]}{key !== null ? ` (${key})` : ''}
            </button>
          ))}
          <button type="button" onClick={() => state.toggleHelp(true)}>{t.help} (F1)</button>
        </nav>
        <span className="who">{state.staff.name}</span>
        <button type="button" onClick={() => setLanguage(state.language === 'en' ? 'sw' : 'en')}>{state.language === 'en' ? 'Kiswahili' : 'English'}</button>
        <button type="button" onClick={() => {
          // The screen locks at once; telling the till is best effort (it forgets the session).
          till.lock({}).catch(() => undefined);
          state.lock();
        }}>{t.lock}</button>
      </header>
      {state.screen === 'sell' && <SellScreen />}
      {state.screen === 'pay' && <PayScreen />}
      {state.screen === 'receipt' && state.receipt_sale_id !== null && <ReceiptView key={`${state.receipt_sale_id}-${state.receipt_copy}`} sale_id={state.receipt_sale_id} autoPrint={state.receipt_auto_print} copy={state.receipt_copy} />}
      {state.screen === 'history' && <HistoryScreen />}
      {state.screen === 'customers' && <CustomersScreen />}
      {state.screen === 'stock' && <StockScreen />}
      {state.screen === 'shift' && <ShiftScreen />}
      {state.help_open && <HelpOverlay onClose={() => state.toggleHelp(false)} />}
    </div>
  );
}
