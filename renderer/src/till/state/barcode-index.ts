/**
 * The catalogue's barcodes in the renderer's memory (issue 17): a scan is found here instead of
 * by a round trip to the till program, which was most of the time from the scanner's Enter to
 * the line on screen. Loaded page by page after the first sign-in, then kept up to date from the
 * ledger's change numbers (`barcodeIndex`): a price the owner changed, once synced, and this
 * till's own stock movements come back on the next refresh. The index only finds products; the
 * ledger still prices and checks every sale when it completes. A barcode the index does not know
 * (not loaded yet, a scale label, an unknown code) is asked of the till as before.
 */
import type { ProductRecord, TillInput, TillOutput } from '@payme/shared';
import type { ProductFinder } from '../screens/sell/find-product.js';

/** How often the index asks the ledger what changed while someone is signed in. */
export const barcode_index_refresh_ms = 1_000;

export interface BarcodeIndexSource {
  barcodeIndex(input: TillInput<'barcodeIndex'>): Promise<TillOutput<'barcodeIndex'>>;
}

export interface BarcodeIndex {
  /** The active product with this barcode, or undefined when the index does not know one. */
  find(barcode: string): ProductRecord | undefined;
  /**
   * Reads every change after the last one read (the whole catalogue the first time). Calls made
   * while a refresh runs share one further read, so none of them misses a change made meanwhile.
   */
  refresh(): Promise<void>;
  /** The ledger's change number the index holds everything up to (0 before the first read). */
  readonly change_no: number;
  /** Products with a barcode in the index. */
  readonly size: number;
}

export function createBarcodeIndex(source: BarcodeIndexSource): BarcodeIndex {
  const byBarcode = new Map<string, ProductRecord>();
  const barcodeOf = new Map<string, string>();
  let change_no = 0;
  let running: Promise<void> | null = null;
  let again: Promise<void> | null = null;

  const put = ({ active, ...product }: TillOutput<'barcodeIndex'>['products'][number]) => {
    const old = barcodeOf.get(product.product_id);
    if (old !== undefined && byBarcode.get(old)?.product_id === product.product_id) byBarcode.delete(old);
    barcodeOf.delete(product.product_id);
    if (!active || product.barcode === undefined) return;
    byBarcode.set(product.barcode, product);
    barcodeOf.set(product.product_id, product.barcode);
  };

  const readChanges = async () => {
    for (;;) {
      const page = await source.barcodeIndex({ since: change_no });
      if (page.reset) {
        byBarcode.clear();
        barcodeOf.clear();
      }
      page.products.forEach(put);
      change_no = page.change_no;
      if (!page.more) return;
    }
  };

  const refresh = (): Promise<void> => {
    if (running === null) {
      running = readChanges().finally(() => {
        running = null;
      });
      return running;
    }
    again ??= running.catch(() => undefined).then(() => {
      again = null;
      return refresh();
    });
    return again;
  };

  return {
    find: (barcode) => byBarcode.get(barcode),
    refresh,
    get change_no() {
      return change_no;
    },
    get size() {
      return byBarcode.size;
    },
  };
}

/** The till's product finder with barcodes answered from the index when it knows them. */
export function indexedFinder(till: ProductFinder, index: Pick<BarcodeIndex, 'find'> | null): ProductFinder {
  if (index === null) return till;
  return {
    lookupBarcode: (input) => {
      const product = index.find(input.barcode);
      return product === undefined ? till.lookupBarcode(input) : Promise.resolve({ product });
    },
    searchProducts: (input) => till.searchProducts(input),
  };
}
