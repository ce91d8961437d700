/**
 * Quantities are integers in the product's unit; weighed and measured goods are priced per kg /
 * litre and sell exactly. Limits of DESIGN §3 are refused with the field named.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PaymeError,
  assertLineQuantity,
  discount_bp_max,
  formatQuantity,
  lineAmount,
  lineQuantityMax,
  line_quantity_milli_max,
  line_quantity_pieces_max,
  mpesa_amount_shillings_max,
  mpesa_amount_shillings_min,
  name_chars_max,
  parseQuantity,
  quantity_units,
  reason_chars_max,
  sale_lines_max,
  sale_total_cents_max,
  unit_price_cents_max,
  type QuantityUnit,
} from '../src/index.js';

const runs = { numRuns: 1000 };

function caught(run: () => unknown): PaymeError {
  try {
    run();
  } catch (error) {
    if (error instanceof PaymeError) return error;
    throw error;
  }
  throw new Error('expected a PaymeError');
}

/** Units priced per 1 piece, per 1,000 g and per 1,000 ml, written here independently of the code. */
const basis: Record<QuantityUnit, bigint> = { piece: 1n, gram: 1000n, millilitre: 1000n };

function referenceLineAmount(unitPrice: number, quantity: number, unit: QuantityUnit): number {
  const exact = BigInt(unitPrice) * BigInt(quantity);
  const d = basis[unit];
  return Number(exact / d + ((exact % d) * 2n >= d ? 1n : 0n));
}

describe('DESIGN §3 limits', () => {
  it('are the numbers the design states', () => {
    expect(unit_price_cents_max).toBe(1_000_000 * 100);
    expect(line_quantity_pieces_max).toBe(10_000);
    expect(line_quantity_milli_max).toBe(10_000 * 1_000);
    expect(sale_lines_max).toBe(500);
    expect(sale_total_cents_max).toBe(10_000_000 * 100);
    expect(name_chars_max).toBe(120);
    expect(reason_chars_max).toBe(500);
    expect([mpesa_amount_shillings_min, mpesa_amount_shillings_max]).toEqual([1, 250_000]);
    expect(discount_bp_max).toBe(10_000);
  });
});

describe('lineAmount', () => {
  it('sells weighed goods exactly: 1250 g at KSh 180/kg is KSh 225.00', () => {
    expect(lineAmount(18_000, 1_250, 'gram')).toBe(22_500);
    expect(lineAmount(32_000, 500, 'millilitre')).toBe(16_000);
    expect(lineAmount(5_500, 3, 'piece')).toBe(16_500);
    // 333 g at KSh 1.00/kg = 33.3 cents → 33; 5 g at KSh 1.00/kg = 0.5 cents → 1.
    expect(lineAmount(100, 333, 'gram')).toBe(33);
    expect(lineAmount(100, 5, 'gram')).toBe(1);
  });

  it('is exact (BigInt reference) for every price and quantity within the limits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...quantity_units), fc.integer({ min: 0, max: unit_price_cents_max }), fc.nat(), (unit, price, seed) => {
        const quantity = 1 + (seed % lineQuantityMax(unit));
        const amount = lineAmount(price, quantity, unit);
        expect(Number.isSafeInteger(amount)).toBe(true);
        expect(amount).toBe(referenceLineAmount(price, quantity, unit));
      }),
      runs,
    );
  });

  it('is exact at the largest price and quantity', () => {
    expect(lineAmount(unit_price_cents_max, line_quantity_pieces_max, 'piece')).toBe(1_000_000_000_000);
    expect(lineAmount(unit_price_cents_max, line_quantity_milli_max, 'gram')).toBe(1_000_000_000_000);
  });
});

describe('assertLineQuantity', () => {
  it('accepts whole quantities from 1 to the unit limit', () => {
    expect(assertLineQuantity(1, 'piece')).toBe(1);
    expect(assertLineQuantity(10_000, 'piece')).toBe(10_000);
    expect(assertLineQuantity(10_000_000, 'gram')).toBe(10_000_000);
    expect(lineQuantityMax('millilitre')).toBe(10_000_000);
  });

  it('refuses zero, negatives, fractions and NaN, naming the field', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = caught(() => assertLineQuantity(bad, 'gram', 'lines.3.quantity'));
      expect(error.code).toBe('invalid_quantity');
      expect(error.field).toBe('lines.3.quantity');
    }
  });

  it('refuses quantities over the limit with the field and the maximum', () => {
    const pieces = caught(() => assertLineQuantity(10_001, 'piece', 'lines.0.quantity'));
    expect(pieces.toBody()).toMatchObject({ code: 'invalid_quantity', field: 'lines.0.quantity', max: 10_000 });
    const grams = caught(() => assertLineQuantity(10_000_001, 'gram'));
    expect(grams.toBody()).toMatchObject({ code: 'invalid_quantity', field: 'quantity', max: 10_000_000 });
  });
});

describe('parseQuantity and formatQuantity', () => {
  it('round-trip every valid quantity of every unit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...quantity_units), fc.nat(), (unit, seed) => {
        const quantity = 1 + (seed % lineQuantityMax(unit));
        expect(parseQuantity(formatQuantity(quantity, unit), unit)).toBe(quantity);
      }),
      runs,
    );
  });

  it('format in counter units', () => {
    expect(formatQuantity(3, 'piece')).toBe('3');
    expect(formatQuantity(1_250, 'gram')).toBe('1.25 kg');
    expect(formatQuantity(1_000, 'gram')).toBe('1 kg');
    expect(formatQuantity(5, 'gram')).toBe('0.005 kg');
    expect(formatQuantity(500, 'millilitre')).toBe('0.5 l');
    // Signed stock deltas print too.
    expect(formatQuantity(-1_500, 'gram')).toBe('-1.5 kg');
    expect(formatQuantity(-500, 'millilitre')).toBe('-0.5 l');
  });

  it('refuse a comma, which in en-KE separates thousands and would make 1,250 kg ambiguous', () => {
    expect(() => parseQuantity('1,25', 'gram')).toThrow(expect.objectContaining({ code: 'invalid_quantity', field: 'quantity' }));
  });

  it('read what cashiers type', () => {
    expect(parseQuantity('3', 'piece')).toBe(3);
    expect(parseQuantity(' 1.25 ', 'gram')).toBe(1_250);
    expect(parseQuantity('.5', 'millilitre')).toBe(500);
    expect(parseQuantity('2', 'millilitre')).toBe(2_000);
    expect(parseQuantity('0.75 KG', 'gram')).toBe(750);
    expect(parseQuantity('1.5 l', 'millilitre')).toBe(1_500);
  });

  it('refuse malformed or out-of-range input naming the field', () => {
    const cases: Array<[string, QuantityUnit]> = [
      ['', 'piece'],
      ['1.5', 'piece'],
      ['abc', 'gram'],
      ['1.2345', 'gram'],
      ['0', 'piece'],
      ['0.000', 'gram'],
      ['-1', 'gram'],
      ['1.5 l', 'gram'],
      ['1 kg', 'millilitre'],
      [' kg', 'gram'],
      ['10001', 'piece'],
      ['10000.001', 'gram'],
    ];
    for (const [text, unit] of cases) {
      const error = caught(() => parseQuantity(text, unit, 'lines.1.quantity'));
      expect(error.code, `${text} ${unit}`).toBe('invalid_quantity');
      expect(error.field, `${text} ${unit}`).toBe('lines.1.quantity');
    }
  });
});
