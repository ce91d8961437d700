// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ean13CheckDigit, readScaleLabel } from './scale-label.js';

describe('scale labels (2 + format digit + item code + grams + check digit)', () => {
  it('computes the EAN-13 check digit of real barcodes', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1); // 4006381333931
    expect(ean13CheckDigit('978030640615')).toBe(7); // ISBN 978-0-306-40615-7
  });

  it('reads the item code and the weight, and names the catalog codes to look up', () => {
    expect(readScaleLabel('2000123012506')).toEqual({ kind: 'label', item_code: '00123', grams: 1_250, catalog_barcodes: ['2000123000008', '00123'] });
    expect(readScaleLabel('2999999999991')).toMatchObject({ item_code: '99999', grams: 99_999 });
  });

  it('a label with a wrong check digit is a misread, never a weight', () => {
    expect(readScaleLabel('2000123012507')).toEqual({ kind: 'misread' });
    // One digit of the weight smudged: the check digit catches it.
    expect(readScaleLabel('2000123012606')).toEqual({ kind: 'misread' });
  });

  it('other codes are not scale labels', () => {
    for (const code of ['6001087011111', '200012301250', '20001230125066', '2000123a12506', '']) expect(readScaleLabel(code)).toBeNull();
  });
});
