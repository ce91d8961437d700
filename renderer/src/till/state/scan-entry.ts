/**
 * Reading what arrived in the search box when Enter was pressed. A USB scanner is a keyboard
 * wedge: it types the barcode and Enter. `3*` before a scan (or a name) sets the quantity, and
 * for goods sold by weight `1.25*` means 1.25 kg.
 */
export interface SearchEntry {
  /** The quantity typed before `*`, as text (read in the product's unit once it is known). */
  quantity_text: string | undefined;
  /** What to look up: a barcode or a name; empty when only `3*` was typed. */
  term: string;
}

const quantityPrefix = /^\s*(\d+(?:[.,]\d{1,3})?)\s*\*\s*(.*)$/;

export function readSearchEntry(text: string): SearchEntry {
  const match = quantityPrefix.exec(text);
  if (match) return { quantity_text: match[1], term: (match[2] ?? '').trim() };
  return { quantity_text: undefined, term: text.trim() };
}

/** Barcodes are printable characters without spaces; a name with a space is never one. */
export function looksLikeBarcode(term: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(term) && /\d/.test(term);
}
