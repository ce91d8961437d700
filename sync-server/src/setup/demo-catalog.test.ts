import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '@payme/shared';
import { demoCatalog, ean13 } from './demo-catalog.js';
import { productCreateBody } from '../owner/products.js';

describe('demo catalog of Duka la Mfano', () => {
  const catalog = demoCatalog();

  it('has about 200 products, each one the owner API would accept', () => {
    expect(catalog.length).toBeGreaterThanOrEqual(190);
    expect(catalog.length).toBeLessThanOrEqual(260);
    for (const product of catalog) {
      const { id: _id, ...body } = product;
      expect(() => parseOrThrow(productCreateBody, body), product.name).not.toThrow();
    }
  });

  it('has unique SKUs and names, and unique valid EAN-13 barcodes', () => {
    expect(new Set(catalog.map((p) => p.sku)).size).toBe(catalog.length);
    expect(new Set(catalog.map((p) => p.name)).size).toBe(catalog.length);
    const barcodes = catalog.map((p) => p.barcode).filter((b): b is string => b !== null);
    expect(new Set(barcodes).size).toBe(barcodes.length);
    for (const barcode of barcodes) {
      expect(barcode).toMatch(/^616\d{10}$/);
      expect(ean13(barcode.slice(0, 12))).toBe(barcode);
    }
    expect(ean13('400638133393')).toBe('4006381333931'); // a published example EAN-13
    expect(() => ean13('123')).toThrow();
  });

  it('sells sugar, rice and beans loose by weight and oil by volume, under every VAT class', () => {
    const byWeight = catalog.filter((p) => p.unit === 'gram').map((p) => p.name);
    expect(byWeight.some((name) => /Sugar/.test(name))).toBe(true);
    expect(byWeight.some((name) => /Rice/.test(name))).toBe(true);
    expect(byWeight.some((name) => /Beans/.test(name))).toBe(true);
    expect(catalog.some((p) => p.unit === 'millilitre' && /Oil/.test(p.name))).toBe(true);
    expect(new Set(catalog.map((p) => p.vat_class))).toEqual(new Set(['standard', 'exempt', 'zero_rated']));
    for (const product of catalog) expect(product.cost_cents ?? 0).toBeLessThan(product.price_cents);
  });
});
