/** TEST HELPER: renders the whole cashier app against a FakeTill, optionally logged in. */
import { render } from '@testing-library/react';
import { vi } from 'vitest';
import { SeededRandom, uuidv7 } from '@payme/shared';
import { TillApp, type LanguageMemory } from '../TillApp.js';
import { createAppStore } from '../state/app-store.js';
import { createCartStore } from '../state/cart-store.js';
import { createTillClient } from '../transport/till-client.js';
import type { Language } from '../i18n/i18n.js';
import { FakeTill } from './fake-transport.js';
import { storageParkedCarts } from '../state/parked-carts.js';
import { storageHeldCarts } from '../state/held-carts.js';
import { test_profile } from './fake-fixtures.js';

export { test_profile };

/** `askProfile`: start as the real app does, asking the fake till for its profile (first run). */
/** A Storage stand-in, so each rendered app has its own (jsdom's localStorage is shared). */
export function mapStorage(): Pick<Storage, 'getItem' | 'setItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

export function renderTill(options: { fake?: FakeTill; loggedIn?: boolean; language?: Language; askProfile?: boolean; storage?: ReturnType<typeof mapStorage>; status_poll_ms?: number; barcodeIndex?: boolean } = {}) {
  const fake = options.fake ?? new FakeTill();
  const random = new SeededRandom(42);
  const app = createAppStore(options.language ?? 'en');
  const cart = createCartStore(uuidv7(fake.clock, random));
  const cashier = test_profile.staff[0];
  if (options.loggedIn !== false && cashier !== undefined) app.getState().loggedIn(cashier, options.language ?? 'en');
  const print = { printReceipt: vi.fn(async () => undefined), printEscPos: undefined };
  const remembered = new Map<string, Language>();
  const languageMemory: LanguageMemory = { get: (id) => remembered.get(id), set: (id, lang) => void remembered.set(id, lang) };
  const deps = {
    till: createTillClient(fake),
    clock: fake.clock,
    random,
    profile: options.askProfile === true ? undefined : test_profile,
    print,
    profile_poll_ms: 20,
    status_poll_ms: options.status_poll_ms ?? 60_000,
    payment_poll_ms: 20,
    mpesa_wait_seconds: 60,
    parked_carts: storageParkedCarts(options.storage ?? mapStorage()),
    held_carts: storageHeldCarts(options.storage ?? mapStorage()),
    // Scans ask the fake till unless a test is about the barcode index (then the app makes one).
    barcode_index: options.barcodeIndex === true ? undefined : null,
  };
  const view = render(<TillApp deps={deps} stores={{ app, cart }} languageMemory={languageMemory} />);
  return { ...view, fake, app, cart, print, remembered };
}
