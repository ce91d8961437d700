/**
 * The open cart (DESIGN §4: in memory until the sale completes or is parked) as a pure reducer,
 * so every rule the cashier relies on — a repeat scan adds one, `3*` sets the next quantity —
 * is tested without a screen.
 */
import type { CustomerRecord, ProductRecord, TillInput } from '@payme/shared';
import { lineQuantityMax } from '@payme/shared';

/** What the cart keeps of a product: enough to show and price the line. */
export type CartProduct = Pick<ProductRecord, 'product_id' | 'name' | 'unit' | 'unit_price' | 'vat_class'> & { barcode?: string | undefined };

/** The product as the till API answered it (search, barcode, favourites), as the cart keeps it. */
export function toCartProduct(product: ProductRecord): CartProduct {
  return { product_id: product.product_id, name: product.name, unit: product.unit, unit_price: product.unit_price, vat_class: product.vat_class, barcode: product.barcode };
}

/** A product added without a typed quantity: one piece, or 1 kg / 1 l of weighed goods, ready for `*` to correct. */
export function defaultQuantity(product: Pick<ProductRecord, 'unit'>): number {
  return product.unit === 'piece' ? 1 : 1000;
}

export interface CartLine {
  product: CartProduct;
  quantity: number;
  /** A price override (the ledger asks for a manager). */
  unit_price?: number | undefined;
  /** A line discount in basis points. */
  discount_bp?: number | undefined;
}

export type TenderInput = TillInput<'completeSale'>['tenders'][number];

/** A tender gathered on the pay screen, plus what the cashier should see about it. */
export interface GatheredTender {
  tender: TenderInput;
  mpesa_receipt?: string | undefined;
}

export interface CartState {
  sale_id: string;
  lines: CartLine[];
  /** Index of the line Del, `*`, `+` and `-` act on, or -1. */
  selected: number;
  discount_bp: number;
  customer: CustomerRecord | null;
  /** The sale was parked (waiting for M-Pesa) and resumed: completing it says `parked: true`. */
  parked: boolean;
  /**
   * Tenders taken so far (a split payment in progress). They belong to the sale, not to the pay
   * screen: leaving it to pick a credit customer (F3) or to fix the cart must not forget money
   * the customer already handed over or paid by M-Pesa.
   */
  tenders: GatheredTender[];
}

export type CartAction =
  | { type: 'add'; product: CartProduct; quantity?: number | undefined }
  | { type: 'setQuantity'; index: number; quantity: number }
  | { type: 'adjustQuantity'; index: number; by: 1 | -1 }
  | { type: 'setPrice'; index: number; unit_price: number | undefined }
  | { type: 'setLineDiscount'; index: number; discount_bp: number | undefined }
  | { type: 'remove'; index: number }
  | { type: 'select'; index: number }
  | { type: 'setSaleDiscount'; discount_bp: number }
  | { type: 'attachCustomer'; customer: CustomerRecord | null }
  | { type: 'addTender'; tender: GatheredTender }
  | { type: 'removeTender'; index: number }
  | { type: 'load'; state: CartState }
  | { type: 'reset'; sale_id: string };

export function emptyCart(sale_id: string): CartState {
  return { sale_id, lines: [], selected: -1, discount_bp: 0, customer: null, parked: false, tenders: [] };
}

/** One step for a repeat scan or `+`: one piece, or for weighed goods nothing sensible, so 1 unit. */
function clampQuantity(quantity: number, line: CartLine): number {
  return Math.min(Math.max(1, quantity), lineQuantityMax(line.product.unit));
}

function updateLine(state: CartState, index: number, change: (line: CartLine) => CartLine): CartState {
  const line = state.lines[index];
  if (line === undefined) return state;
  const lines = state.lines.slice();
  lines[index] = change(line);
  return { ...state, lines };
}

export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case 'add': {
      // A repeat scan of a piece item (without a price override) adds to its line; weighed goods
      // get a line per weighing, since each is a separate bag on the scale.
      const index = state.lines.findIndex(
        (line) => line.product.product_id === action.product.product_id && line.unit_price === undefined && line.product.unit === 'piece',
      );
      const quantity = action.quantity ?? 1;
      if (index >= 0 && action.product.unit === 'piece') {
        const next = updateLine(state, index, (line) => ({ ...line, quantity: clampQuantity(line.quantity + quantity, line) }));
        return { ...next, selected: index };
      }
      const line: CartLine = { product: action.product, quantity: 0 };
      line.quantity = clampQuantity(quantity, line);
      return { ...state, lines: [...state.lines, line], selected: state.lines.length };
    }
    case 'setQuantity':
      return updateLine(state, action.index, (line) => ({ ...line, quantity: clampQuantity(action.quantity, line) }));
    case 'adjustQuantity':
      return updateLine(state, action.index, (line) => ({ ...line, quantity: clampQuantity(line.quantity + action.by, line) }));
    case 'setPrice':
      return updateLine(state, action.index, (line) => ({ ...line, unit_price: action.unit_price }));
    case 'setLineDiscount':
      return updateLine(state, action.index, (line) => ({ ...line, discount_bp: action.discount_bp || undefined }));
    case 'remove': {
      if (state.lines[action.index] === undefined) return state;
      const lines = state.lines.filter((_, i) => i !== action.index);
      return { ...state, lines, selected: Math.min(state.selected, lines.length - 1) };
    }
    case 'select':
      return state.lines[action.index] === undefined ? state : { ...state, selected: action.index };
    case 'setSaleDiscount':
      return { ...state, discount_bp: action.discount_bp };
    case 'attachCustomer':
      return { ...state, customer: action.customer };
    case 'addTender':
      return { ...state, tenders: [...state.tenders, action.tender] };
    case 'removeTender':
      return { ...state, tenders: state.tenders.filter((_, i) => i !== action.index) };
    case 'load':
      return action.state;
    case 'reset':
      return emptyCart(action.sale_id);
  }
}

/** The cart as the till API's `lines` input. */
export function cartLinesInput(state: CartState) {
  return state.lines.map((line) => ({
    product_id: line.product.product_id,
    quantity: line.quantity,
    ...(line.unit_price !== undefined ? { unit_price: line.unit_price } : {}),
    ...(line.discount_bp !== undefined ? { discount_bp: line.discount_bp } : {}),
  }));
}
