/**
 * Bringing a parked sale (DESIGN §4: waiting for M-Pesa) back into the cart with its discounts.
 *
 * The ledger records the cart as the cashier built it with the parked sale (`discount_bp`, and
 * per line `line_terms`: the typed discount and, for an overridden price, the catalog price) and
 * the tenders taken before the M-Pesa request, so a resumed cart is rebuilt exactly from the
 * record, on any PC. Sales parked before the ledger recorded those come back without them: then
 * a cart remembered on this PC (localStorage, kept only as this fallback) is used when it prices
 * to exactly the parked total, else the lines are rebuilt from the charged cents (a line
 * discount becomes the percentage that gives the same cents when there is one). `exact` says
 * whether the resumed cart prices to the parked total; the screen warns when it does not.
 */
import { percentOf, type ParkedSaleRecord } from '@payme/shared';
import { priceCartPreview } from '../pricing/cart-pricing.js';
import type { CartLine, CartState, GatheredTender } from './cart-state.js';

/** Enough for a busy counter's open M-Pesa waits; the oldest is forgotten first. */
export const parked_carts_max = 50;
const storage_key = 'payme.parked-carts';

export interface ParkedCartMemory {
  save(cart: CartState, saved_at_ms: number): void;
  get(sale_id: string): CartState | undefined;
  forget(sale_id: string): void;
}

type Stored = Record<string, { saved_at_ms: number; cart: CartState }>;

function looksLikeCart(value: unknown): value is CartState {
  if (typeof value !== 'object' || value === null) return false;
  const cart = value as Partial<CartState>;
  return typeof cart.sale_id === 'string' && Array.isArray(cart.lines) && typeof cart.discount_bp === 'number';
}

export function storageParkedCarts(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): ParkedCartMemory {
  const read = (): Stored => {
    try {
      const parsed = JSON.parse(storage?.getItem(storage_key) ?? '{}') as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Stored) : {};
    } catch {
      return {};
    }
  };
  const write = (stored: Stored) => {
    try {
      storage?.setItem(storage_key, JSON.stringify(stored));
    } catch {
      // A full or refused storage loses only the exact percentages, never the sale: the record
      // in the ledger still rebuilds it.
    }
  };
  return {
    save(cart, saved_at_ms) {
      const stored = read();
      stored[cart.sale_id] = { saved_at_ms, cart };
      const newestFirst = Object.entries(stored).sort(([, a], [, b]) => b.saved_at_ms - a.saved_at_ms);
      write(Object.fromEntries(newestFirst.slice(0, parked_carts_max)));
    },
    get(sale_id) {
      const cart = read()[sale_id]?.cart;
      return looksLikeCart(cart) && cart.sale_id === sale_id ? cart : undefined;
    },
    forget(sale_id) {
      const stored = read();
      if (!(sale_id in stored)) return;
      delete stored[sale_id];
      write(stored);
    },
  };
}

/** The whole-number percentage (in basis points) that turns `amount` into exactly `discount` off. */
export function discountBpFor(amount: number, discount: number): number | undefined {
  if (discount <= 0 || amount <= 0) return undefined;
  const guess = Math.round((discount * 10_000) / amount);
  for (const bp of [guess, guess - 1, guess + 1, guess - 2, guess + 2]) {
    if (bp > 0 && bp <= 10_000 && percentOf(amount, bp) === discount) return bp;
  }
  return undefined;
}

/**
 * The record's charged price is sent as the line's price: the ledger treats it as an override
 * (asking a manager) only when it differs from the catalog's, exactly as when it was parked.
 */
function rebuiltLine(line: ParkedSaleRecord['lines'][number]): CartLine {
  const amount = line.gross + line.discount;
  return {
    product: { product_id: line.product_id, name: line.name, unit: line.unit, unit_price: line.unit_price, vat_class: line.vat_class },
    quantity: line.quantity,
    unit_price: line.unit_price,
    discount_bp: discountBpFor(amount, line.discount),
  };
}

type ParkedLine = ParkedSaleRecord['lines'][number];
type LineTerms = NonNullable<ParkedSaleRecord['line_terms']>[number];

/**
 * A line from the recorded terms. The charged price is sent as the line's price, as when it was
 * parked: the ledger asks a manager only where it differs from today's catalog price (an
 * override, or a catalog change since), so the customer pays what they were quoted.
 */
function recordedLine(line: ParkedLine, terms: LineTerms): CartLine {
  return {
    product: { product_id: line.product_id, name: line.name, unit: line.unit, unit_price: terms.catalog_unit_price ?? line.unit_price, vat_class: line.vat_class },
    quantity: line.quantity,
    unit_price: line.unit_price,
    discount_bp: terms.discount_bp,
  };
}

function gatheredTender(tender: NonNullable<ParkedSaleRecord['tenders']>[number]): GatheredTender {
  return {
    tender: {
      kind: tender.kind,
      amount: tender.amount,
      ...(tender.tendered !== undefined ? { tendered: tender.tendered } : {}),
      ...(tender.payment_id !== undefined ? { payment_id: tender.payment_id } : {}),
      ...(tender.claim_code !== undefined ? { claim_code: tender.claim_code } : {}),
    },
    ...(tender.mpesa_receipt !== undefined ? { mpesa_receipt: tender.mpesa_receipt } : {}),
  };
}

function resumed(record: ParkedSaleRecord, lines: CartLine[], discount_bp: number, tenders: GatheredTender[], customer: CartState['customer']) {
  const cart: CartState = { sale_id: record.sale_id, lines, selected: lines.length > 0 ? 0 : -1, discount_bp, customer, parked: true, tenders };
  return { cart, exact: priceCartPreview(lines, discount_bp).total === record.total };
}

/**
 * The cart to resume: from the record's terms when it has them, else the remembered one when
 * it prices to the parked total, else rebuilt. The record holds only the customer's id: the
 * screen attaches the customer (remembered here when this PC has it).
 */
export function cartFromParked(record: ParkedSaleRecord, remembered: CartState | undefined): { cart: CartState; exact: boolean } {
  const customer = remembered !== undefined && remembered.sale_id === record.sale_id ? remembered.customer : null;
  const terms = record.line_terms;
  if (terms !== undefined && terms.length === record.lines.length) {
    const lines = record.lines.map((line, index) => recordedLine(line, terms[index]!));
    return resumed(record, lines, record.discount_bp ?? 0, (record.tenders ?? []).map(gatheredTender), customer);
  }
  if (remembered !== undefined && remembered.sale_id === record.sale_id && priceCartPreview(remembered.lines, remembered.discount_bp).total === record.total) {
    // Tenders taken before the M-Pesa request (cash in the drawer) come back with it.
    return { cart: { ...remembered, selected: remembered.lines.length > 0 ? 0 : -1, parked: true, tenders: remembered.tenders ?? [] }, exact: true };
  }
  return resumed(record, record.lines.map(rebuiltLine), 0, [], null);
}
