// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { SaleRecord } from '@payme/shared';
import { isWholeSale, refundTenders } from './refund-plan.js';

function sale(kinds: ('cash' | 'mpesa' | 'credit')[], refunded_total = 0): SaleRecord {
  return {
    sale: {
      sale_id: 's', receipt_no: 'T1-000001', lines: [{ line_id: 'a', quantity: 2 }, { line_id: 'b', quantity: 1 }],
      tenders: kinds.map((kind) => ({ kind, amount: 100 })),
    },
    refunded_total,
  } as unknown as SaleRecord;
}

describe('refund tenders', () => {
  it('an M-Pesa sale is refunded in cash, or by a reversal only for the whole, untouched sale', () => {
    expect(refundTenders(sale(['mpesa']), true)).toEqual(['cash', 'mpesa_reversal']);
    expect(refundTenders(sale(['mpesa']), false)).toEqual(['cash']);
    expect(refundTenders(sale(['mpesa'], 50), true)).toEqual(['cash']);
  });

  it('credit goes back to the account, cash to the drawer', () => {
    expect(refundTenders(sale(['credit']), true)).toEqual(['credit']);
    expect(refundTenders(sale(['cash']), false)).toEqual(['cash']);
  });

  it('a whole sale means every line at its full quantity', () => {
    expect(isWholeSale(sale(['cash']), new Map([['a', 2], ['b', 1]]))).toBe(true);
    expect(isWholeSale(sale(['cash']), new Map([['a', 1], ['b', 1]]))).toBe(false);
  });
});
