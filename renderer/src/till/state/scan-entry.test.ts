// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { looksLikeBarcode, readSearchEntry } from './scan-entry.js';

describe('reading the search box on Enter', () => {
  it('splits a quantity typed before * from the scan', () => {
    expect(readSearchEntry('3*6001087011111')).toEqual({ quantity_text: '3', term: '6001087011111' });
    expect(readSearchEntry(' 1.25 * sugar ')).toEqual({ quantity_text: '1.25', term: 'sugar' });
    expect(readSearchEntry('3*')).toEqual({ quantity_text: '3', term: '' });
    expect(readSearchEntry('milk')).toEqual({ quantity_text: undefined, term: 'milk' });
  });

  it('takes a barcode to be printable characters with a digit and no spaces', () => {
    expect(looksLikeBarcode('6001087011111')).toBe(true);
    expect(looksLikeBarcode('SUGAR-KG')).toBe(false);
    expect(looksLikeBarcode('milk 500')).toBe(false);
  });
});
