/**
 * What Enter in the search box finds for a term (UX 2): a barcode the catalog knows, a weighing
 * scale's label (the item by its catalog code, the weight from the label), or the products whose
 * name, SKU or barcode match. Screen-free, so each outcome is one value the box shows.
 */
import type { ProductRecord, TillInput, TillOutput } from '@payme/shared';
import type { Messages } from '../../i18n/i18n.js';
import { looksLikeBarcode } from '../../state/scan-entry.js';
import { readScaleLabel, type ScaleLabel } from '../../state/scale-label.js';

/** Type-ahead and Enter show at most this many matches. */
export const search_results_max = 8;

export interface ProductFinder {
  lookupBarcode(input: TillInput<'lookupBarcode'>): Promise<TillOutput<'lookupBarcode'>>;
  searchProducts(input: TillInput<'searchProducts'>): Promise<TillOutput<'searchProducts'>>;
}

export type FoundProducts =
  /** One product to add; `weighed` is the weight a scale label gave, in grams or millilitres. */
  | { kind: 'product'; product: ProductRecord; weighed?: number }
  /** Several matches for the cashier to pick from. */
  | { kind: 'choices'; products: ProductRecord[] }
  /** Nothing to add, and why, in the cashier's words. */
  | { kind: 'message'; text: string };

export async function findProducts(till: ProductFinder, term: string, t: Messages): Promise<FoundProducts> {
  if (looksLikeBarcode(term)) {
    const { product } = await till.lookupBarcode({ barcode: term });
    if (product !== null) return { kind: 'product', product };
    const label = readScaleLabel(term);
    if (label !== null) return findScaleItem(till, label, t);
  }
  const { products } = await till.searchProducts({ query: term, limit: search_results_max });
  if (products.length === 1 && products[0] !== undefined) return { kind: 'product', product: products[0] };
  if (products.length === 0) return { kind: 'message', text: t.not_found(term) };
  return { kind: 'choices', products };
}

async function findScaleItem(till: ProductFinder, label: ScaleLabel, t: Messages): Promise<FoundProducts> {
  if (label.kind === 'misread') return { kind: 'message', text: t.scale_label_misread };
  for (const barcode of label.catalog_barcodes) {
    const { product } = await till.lookupBarcode({ barcode });
    if (product === null) continue;
    if (product.unit === 'piece') return { kind: 'message', text: t.scale_label_for_piece(product.name) };
    if (label.grams === 0) return { kind: 'message', text: t.scale_label_no_weight(product.name) };
    return { kind: 'product', product, weighed: label.grams };
  }
  return { kind: 'message', text: t.scale_item_unknown(label.item_code) };
}
