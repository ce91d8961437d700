/**
 * Issue 17: the receipt carries what UX 4 and DESIGN §3 ask for, and the screen's print view and
 * the ESC/POS bytes carry the same fields, for cash, M-Pesa (receipt number or "to follow"),
 * credit and split sales, new and reprinted.
 */
import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { SaleRecord } from '@payme/shared';
import { buildReceipt, receiptRows, type ReceiptExtras } from './receipt-model.js';
import { ascii, encodeReceipt } from './escpos.js';
import { ReceiptPaper } from '../screens/receipt/ReceiptView.js';
import { en } from '../i18n/en.js';
import { test_profile } from '../testing/fake-fixtures.js';

const profile = { ...test_profile, business_address: 'Moi Avenue, Nairobi', paper_mm: 80 as const };
const soap = { line_id: '0190a000-0000-7000-8000-00000000bbb1', product_id: '0190a000-0000-7000-8000-000000000101', name: 'Sunlight Soap 175g', unit: 'piece' as const, quantity: 10, unit_price: 5_500, discount: 0, gross: 55_000, vat_class: 'standard' as const, vat: 7_586, net: 47_414 };
const milk = { line_id: '0190a000-0000-7000-8000-00000000bbb2', product_id: '0190a000-0000-7000-8000-000000000102', name: 'Brookside Milk 500ml', unit: 'piece' as const, quantity: 5, unit_price: 6_250, discount: 0, gross: 31_250, vat_class: 'zero_rated' as const, vat: 0, net: 31_250 };

function sale(tenders: SaleRecord['sale']['tenders'], rounding = 0, customer_id?: string): SaleRecord {
  return {
    sale: {
      sale_id: '0190a000-0000-7000-8000-00000000aaaa', receipt_no: 'T1-000042', lines: [soap, milk],
      subtotal: 86_250, discount: 0, vat_total: 7_586, rounding, total: 86_250 + rounding, tenders,
      ...(customer_id !== undefined ? { customer_id } : {}),
    },
    occurred_at: '2026-11-26T09:05:00.000Z', cashier_id: test_profile.staff[0]!.staff_id, status: 'completed', refunded_total: 0,
  };
}

const cases: { name: string; record: SaleRecord; extras?: ReceiptExtras; must: string[] }[] = [
  { name: 'cash, KSh 1,000 given for KSh 862.50 rounded to 863', record: sale([{ kind: 'cash', amount: 86_300, tendered: 100_000, change: 13_700 }], 50), must: ['Cash given', 'KSh 1,000.00', 'KSh 137.00', 'Rounding', 'KSh 0.50'] },
  { name: 'M-Pesa with its receipt number', record: sale([{ kind: 'mpesa', amount: 86_250, payment_id: '0190a000-0000-7000-8000-00000000cccc', mpesa_receipt: 'NLJ7RT61SV' }]), must: ['NLJ7RT61SV'] },
  { name: 'M-Pesa whose receipt number is still to come', record: sale([{ kind: 'mpesa', amount: 86_250, payment_id: '0190a000-0000-7000-8000-00000000cccc' }]), must: ['M-Pesa receipt: to follow'] },
  { name: 'credit, naming the customer and the new balance', record: sale([{ kind: 'credit', amount: 86_250 }], 0, '0190a000-0000-7000-8000-00000000dddd'), extras: { customer: { name: 'Mama Wanjiku', balance: 211_250 } }, must: ['Mama Wanjiku', 'New credit balance', 'KSh 2,112.50'] },
  { name: 'split cash and M-Pesa, reprinted', record: sale([{ kind: 'cash', amount: 50_000 }, { kind: 'mpesa', amount: 36_250, claim_code: 'SKL4ABCD12' }]), extras: { copy: true }, must: ['*** COPY ***', 'KSh 500.00', 'SKL4ABCD12'] },
];

describe('receipts (issue 17)', () => {
  it.each(cases)('$name: shop, KRA PIN, till, number, cashier, time, lines, VAT per rate and tenders, on screen and on paper alike', ({ record, extras, must }) => {
    const model = buildReceipt(record, profile, extras);
    const rows = receiptRows(model, en);
    const screenText = render(<ReceiptPaper receipt={model} paper_mm={80} />).container.textContent ?? '';
    const paper = new TextDecoder('latin1').decode(encodeReceipt(model, en, { columns: 48, open_drawer: model.opens_drawer }));
    const fields = [
      'Duka la Mama', 'KRA PIN P051234567Z', 'Moi Avenue, Nairobi', 'T1-000042', 'Amina Cashier', '26/11/2026 12:05', 'Sunlight Soap 175g', 'Brookside Milk 500ml',
      'VAT 16 % on KSh 550.00', 'KSh 75.86', 'VAT 0 % on KSh 312.50', model.total, ...must,
    ];
    for (const field of fields) {
      expect(screenText, `screen: ${field}`).toContain(field);
      expect(paper, `paper: ${field}`).toContain(ascii(field));
    }
    // Every amount of the rows is on both: the two cannot drift apart.
    for (const row of rows) if (row.kind === 'pair') expect(paper).toContain(ascii(row.right));
    expect(model.copy).toBe(extras?.copy ?? false);
  });

  it('a reprint never opens the drawer; a new cash sale does', () => {
    const record = cases[0]!.record;
    expect(buildReceipt(record, profile).opens_drawer).toBe(true);
    expect(buildReceipt(record, profile, { copy: true }).opens_drawer).toBe(false);
  });

  it('a business that is not VAT-registered prints no VAT lines', () => {
    const rows = receiptRows(buildReceipt(cases[0]!.record, { ...profile, vat_registered: false }), en);
    expect(rows.some((row) => row.kind === 'pair' && row.left.startsWith('VAT'))).toBe(false);
  });
});
