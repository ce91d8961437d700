// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { encodeReceipt } from './escpos.js';
import { buildReceipt } from './receipt-model.js';
import { en } from '../i18n/en.js';
import type { SaleRecord } from '@payme/shared';
import { test_profile } from '../testing/fake-fixtures.js';

const record: SaleRecord = {
  sale: {
    sale_id: '0190a000-0000-7000-8000-00000000aaaa',
    receipt_no: 'T1-000042',
    lines: [{ line_id: '0190a000-0000-7000-8000-00000000bbbb', product_id: '0190a000-0000-7000-8000-000000000101', name: 'Sunlight Soap 175g', unit: 'piece', quantity: 2, unit_price: 5_500, discount: 0, gross: 11_000, vat_class: 'standard', vat: 1_517, net: 9_483 }],
    subtotal: 11_000, discount: 0, vat_total: 1_517, rounding: 0, total: 11_000,
    tenders: [{ kind: 'cash', amount: 11_000, tendered: 20_000, change: 9_000 }],
  },
  occurred_at: '2026-11-26T09:05:00.000Z',
  cashier_id: test_profile.staff[0]!.staff_id,
  status: 'completed',
  refunded_total: 0,
};

function indexOfBytes(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

describe('ESC/POS receipts', () => {
  const receipt = buildReceipt(record, test_profile, undefined);

  it('the receipt model carries what UX 4 asks for, in shop time', () => {
    expect(receipt).toMatchObject({ shop_name: 'Duka la Mama', kra_pin: 'P051234567Z', receipt_no: 'T1-000042', cashier: 'Amina Cashier', time: '26/11/2026 12:05', total: 'KSh 110.00', vat_total: 'KSh 15.17', change: 'KSh 90.00', opens_drawer: true });
  });

  it('starts with ESC @, holds the text and ends a cash sale with the drawer kick ESC p', () => {
    const bytes = encodeReceipt(receipt, en, { columns: 32, open_drawer: true });
    expect([...bytes.slice(0, 2)]).toEqual([0x1b, 0x40]);
    for (const text of ['Duka la Mama', 'KRA PIN P051234567Z', 'T1-000042', 'Sunlight Soap 175g', 'KSh 110.00', 'KSh 90.00']) {
      expect(indexOfBytes(bytes, ascii(text)), text).toBeGreaterThan(0);
    }
    expect(indexOfBytes(bytes, [0x1b, 0x70])).toBeGreaterThan(indexOfBytes(bytes, ascii('KSh 90.00')));
  });

  it('a reprint does not open the drawer', () => {
    expect(indexOfBytes(encodeReceipt(receipt, en, { columns: 32, open_drawer: false }), [0x1b, 0x70])).toBe(-1);
  });
});
