import { describe, expect, it } from 'vitest';
import type { BarcodeIndexEntry, TillInput, TillOutput } from '@payme/shared';
import { createBarcodeIndex, indexedFinder } from './barcode-index.js';
import { fake_products } from '../testing/fake-fixtures.js';

const [soap, milk] = fake_products.filter((p) => p.barcode !== undefined) as [BarcodeIndexEntry, BarcodeIndexEntry];

/** A ledger's change log as the barcodeIndex query reads it: one entry per change, pages of `page`. */
function changeLog(page: number) {
  const log: BarcodeIndexEntry[] = [];
  const calls: number[] = [];
  return {
    log,
    calls,
    source: {
      barcodeIndex: async ({ since = 0 }: TillInput<'barcodeIndex'>): Promise<TillOutput<'barcodeIndex'>> => {
        calls.push(since);
        const reset = since > log.length;
        const from = reset ? 0 : since;
        const products = log.slice(from, from + page);
        return { products, change_no: from + products.length, more: from + page < log.length, reset };
      },
    },
  };
}

describe('barcode index', () => {
  it('loads page by page, then finds a changed price, a changed barcode and a removed product', async () => {
    const ledger = changeLog(1);
    ledger.log.push({ ...soap, active: true }, { ...milk, active: true });
    const index = createBarcodeIndex(ledger.source);
    expect(index.find(soap.barcode!)).toBeUndefined();
    await index.refresh();
    expect(ledger.calls).toEqual([0, 1]);
    expect(index.find(soap.barcode!)).toMatchObject({ product_id: soap.product_id, unit_price: soap.unit_price });
    expect(index.find(soap.barcode!)).not.toHaveProperty('active');

    ledger.log.push({ ...soap, unit_price: soap.unit_price + 1_000, active: true });
    ledger.log.push({ ...milk, barcode: '6009999999994', active: true });
    await index.refresh();
    expect(index.find(soap.barcode!)?.unit_price).toBe(soap.unit_price + 1_000);
    expect(index.find(milk.barcode!)).toBeUndefined();
    expect(index.find('6009999999994')?.product_id).toBe(milk.product_id);

    ledger.log.push({ ...soap, active: false });
    await index.refresh();
    expect(index.find(soap.barcode!)).toBeUndefined();
    expect(index.size).toBe(1);
    expect(index.change_no).toBe(5);
  });

  it('a ledger that starts again (reset) replaces what the index held', async () => {
    const ledger = changeLog(10);
    ledger.log.push({ ...soap, active: true }, { ...milk, active: true });
    const index = createBarcodeIndex(ledger.source);
    await index.refresh();
    ledger.log.splice(0, ledger.log.length, { ...milk, active: true });
    await index.refresh();
    expect(index.find(soap.barcode!)).toBeUndefined();
    expect(index.find(milk.barcode!)).toBeDefined();
  });

  it('refreshes asked for while one runs share one more read, which sees the change made meanwhile', async () => {
    const ledger = changeLog(10);
    ledger.log.push({ ...soap, active: true });
    const index = createBarcodeIndex(ledger.source);
    const first = index.refresh();
    ledger.log.push({ ...milk, active: true });
    const [second, third] = [index.refresh(), index.refresh()];
    expect(second).toBe(third);
    await Promise.all([first, second]);
    expect(ledger.calls).toEqual([0, 1]);
    expect(index.find(milk.barcode!)).toBeDefined();
  });

  it('the finder asks the till only for barcodes the index does not know', async () => {
    const ledger = changeLog(10);
    ledger.log.push({ ...soap, active: true });
    const index = createBarcodeIndex(ledger.source);
    await index.refresh();
    const asked: string[] = [];
    const finder = indexedFinder({ lookupBarcode: async ({ barcode }) => (asked.push(barcode), { product: null }), searchProducts: async () => ({ products: [] }) }, index);
    expect((await finder.lookupBarcode({ barcode: soap.barcode! })).product?.product_id).toBe(soap.product_id);
    expect((await finder.lookupBarcode({ barcode: '2000123012506' })).product).toBeNull();
    expect(asked).toEqual(['2000123012506']);
  });
});
