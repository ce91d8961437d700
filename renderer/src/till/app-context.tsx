/**
 * What every screen is handed (STYLE: services are passed in, not imported as singletons): the
 * till client, the clock and randomness for command ids, the till's profile and the print hooks.
 */
import { createContext, useContext } from 'react';
import { uuidv7, type Clock, type Random, type TillProfileRecord } from '@payme/shared';
import type { TillClient } from './transport/till-client.js';
import type { ParkedCartMemory } from './state/parked-carts.js';
import type { HeldCartMemory } from './state/held-carts.js';
import type { BarcodeIndex } from './state/barcode-index.js';

/**
 * Facts about this till the receipt, the login and the first-run screens need (the till API's
 * `tillProfile`): shop and till names, who may log in, whether the till is enrolled.
 */
export type TillProfile = TillProfileRecord;

export interface PrintHooks {
  /** Prints the receipt view: silent in Electron, the print dialog in a browser. */
  printReceipt(): Promise<void> | void;
  /** Sends ESC/POS bytes (receipt and drawer kick) to a thermal printer, when the host has one. */
  printEscPos?: ((bytes: Uint8Array) => Promise<void>) | undefined;
}

export interface TillDeps {
  till: TillClient;
  clock: Clock;
  random: Random;
  profile: TillProfile;
  print: PrintHooks;
  /** How often the till's profile is asked for again while the staff list has not arrived. */
  profile_poll_ms: number;
  /** How often the status strip asks the till for its sync status. */
  status_poll_ms: number;
  /** How often a waiting M-Pesa payment is checked. */
  payment_poll_ms: number;
  /** How long the cashier is shown a countdown for the customer to answer the STK prompt. */
  mpesa_wait_seconds: number;
  /** Parked carts with their discounts, kept on this PC until the sale is resumed. */
  parked_carts: ParkedCartMemory;
  /** Carts put aside with F6 on the sell screen (held-carts.ts). */
  held_carts: HeldCartMemory;
  /** The catalogue's barcodes in memory (barcode-index.ts); null: every scan asks the till. */
  barcode_index: BarcodeIndex | null;
}

export const DepsContext = createContext<TillDeps | null>(null);

export function useDeps(): TillDeps {
  const deps = useContext(DepsContext);
  if (deps === null) throw new Error('useDeps needs a DepsContext provider (TillApp)');
  return deps;
}

/** A fresh client-generated id for a command or a record (DESIGN §4). */
export function useNewId(): () => string {
  const { clock, random } = useDeps();
  return () => uuidv7(clock, random);
}
