// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { cashTender, normalisePhone, remainingToPay } from './tenders.js';

describe('tenders', () => {
  it('cash pays up to what is left and the rest is change', () => {
    expect(cashTender(5_500, 10_000)).toEqual({ tender: { kind: 'cash', amount: 5_500, tendered: 10_000 }, change: 4_500 });
    expect(cashTender(11_000, 5_000)).toEqual({ tender: { kind: 'cash', amount: 5_000, tendered: 5_000 }, change: 0 });
  });

  it('what is left is the total minus every tender so far', () => {
    expect(remainingToPay(11_000, [{ tender: { kind: 'cash', amount: 5_000 } }, { tender: { kind: 'credit', amount: 1_000 } }])).toBe(5_000);
  });

  it('phone numbers become Daraja’s 2547… form; anything else is left for the schema to refuse', () => {
    expect(normalisePhone('0712 345 678')).toBe('254712345678');
    expect(normalisePhone('+254 110-345-678')).toBe('254110345678');
    expect(normalisePhone('712345678')).toBe('254712345678');
    expect(normalisePhone('12345')).toBe('12345');
  });
});
