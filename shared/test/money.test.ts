/**
 * Money: integer cents, one rounding rule (nearest cent, halves away from zero). Properties are
 * checked against BigInt reference arithmetic so no float can hide a wrong cent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PaymeError,
  addCents,
  applyPercentDiscount,
  assertCents,
  divideRounded,
  formatKes,
  isCents,
  multiplySafe,
  parseKes,
  percentOf,
  roundToShilling,
  sale_total_cents_max,
  splitVat,
  vat_classes,
} from '../src/index.js';

const runs = { numRuns: 1000 };
const gross = fc.integer({ min: -sale_total_cents_max, max: sale_total_cents_max });
const safe = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });

/** Reference: n / d rounded to nearest, halves away from zero, in exact BigInt arithmetic. */
function referenceDivide(n: bigint, d: bigint): bigint {
  const magnitude = n < 0n ? -n : n;
  const quotient = magnitude / d;
  const rounded = (magnitude % d) * 2n >= d ? quotient + 1n : quotient;
  return n < 0n ? -rounded : rounded;
}

function caught(run: () => unknown): PaymeError {
  try {
    run();
  } catch (error) {
    if (error instanceof PaymeError) return error;
    throw error;
  }
  throw new Error('expected a PaymeError');
}

describe('divideRounded', () => {
  it('matches the BigInt reference over the whole safe range', () => {
    fc.assert(
      fc.property(safe, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n, d) => {
        expect(divideRounded(n, d)).toBe(Number(referenceDivide(BigInt(n), BigInt(d))));
      }),
      runs,
    );
  });

  it('matches the reference for small denominators, where halves are common', () => {
    fc.assert(
      fc.property(safe, fc.integer({ min: 1, max: 200 }), (n, d) => {
        expect(divideRounded(n, d)).toBe(Number(referenceDivide(BigInt(n), BigInt(d))));
      }),
      runs,
    );
  });

  it('rounds halves away from zero', () => {
    expect(divideRounded(5, 2)).toBe(3);
    expect(divideRounded(-5, 2)).toBe(-3);
    expect(divideRounded(7, 2)).toBe(4);
    expect(divideRounded(149, 100)).toBe(1);
    expect(divideRounded(150, 100)).toBe(2);
    expect(divideRounded(-150, 100)).toBe(-2);
    expect(divideRounded(-149, 100)).toBe(-1);
    expect(divideRounded(0, 7)).toBe(0);
  });

  it('refuses non-integers, unsafe integers and non-positive denominators', () => {
    expect(() => divideRounded(1, 0)).toThrow(RangeError);
    expect(() => divideRounded(1, -2)).toThrow(RangeError);
    expect(() => divideRounded(1.5, 2)).toThrow(RangeError);
    expect(() => divideRounded(1, 2.5)).toThrow(RangeError);
    expect(() => divideRounded(Number.MAX_SAFE_INTEGER + 1, 2)).toThrow(RangeError);
    expect(() => divideRounded(Number.NaN, 2)).toThrow(RangeError);
  });
});

describe('cents arithmetic', () => {
  it('recognises whole cents only', () => {
    expect(isCents(0)).toBe(true);
    expect(isCents(-12)).toBe(true);
    expect(isCents(1.5)).toBe(false);
    expect(isCents('12')).toBe(false);
    expect(isCents(Number.MAX_SAFE_INTEGER + 1)).toBe(false);
    expect(assertCents(12)).toBe(12);
    const error = caught(() => assertCents(0.5, 'tenders.0.amount'));
    expect(error.code).toBe('invalid_amount');
    expect(error.field).toBe('tenders.0.amount');
  });

  it('adds exactly and refuses fractional parts or an unsafe total', () => {
    expect(addCents()).toBe(0);
    expect(addCents(150, -50, 1)).toBe(101);
    expect(caught(() => addCents(1, 0.1)).field).toBe('amount');
    expect(caught(() => addCents(Number.MAX_SAFE_INTEGER, 1)).field).toBe('total');
  });

  it('multiplies only within the safe range', () => {
    expect(multiplySafe(100_000_000, 10_000)).toBe(1_000_000_000_000);
    expect(() => multiplySafe(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
    expect(() => multiplySafe(2 ** 27, 2 ** 27)).toThrow(RangeError);
  });
});

describe('splitVat', () => {
  it('parts always sum to the gross, for every VAT class', () => {
    fc.assert(
      fc.property(gross, fc.constantFrom(...vat_classes), (amount, vatClass) => {
        const { net, vat } = splitVat(amount, vatClass);
        expect(Number.isSafeInteger(net) && Number.isSafeInteger(vat)).toBe(true);
        expect(net + vat).toBe(amount);
      }),
      runs,
    );
  });

  it('standard VAT is within half a cent of gross × 16/116 (exact integer check)', () => {
    fc.assert(
      fc.property(gross, (amount) => {
        const { vat } = splitVat(amount, 'standard');
        // |vat − gross·16/116| ≤ 1/2  ⇔  |2·(116·vat − 16·gross)| ≤ 116
        const error = 2n * (116n * BigInt(vat) - 16n * BigInt(amount));
        expect(error <= 116n && error >= -116n).toBe(true);
        expect(vat).toBe(Number(referenceDivide(16n * BigInt(amount), 116n)));
      }),
      runs,
    );
  });

  it('exempt and zero-rated goods carry no VAT', () => {
    fc.assert(
      fc.property(gross, fc.constantFrom('exempt' as const, 'zero_rated' as const), (amount, vatClass) => {
        expect(splitVat(amount, vatClass)).toEqual({ net: amount, vat: 0 });
      }),
      runs,
    );
  });

  it('works a worked example and refuses fractional cents', () => {
    // KSh 116.00 gross at 16 % is KSh 100.00 net + KSh 16.00 VAT.
    expect(splitVat(11_600, 'standard')).toEqual({ net: 10_000, vat: 1_600 });
    // 1 cent: 16/116 of a cent rounds to 0.
    expect(splitVat(1, 'standard')).toEqual({ net: 1, vat: 0 });
    expect(caught(() => splitVat(10.5, 'standard')).field).toBe('gross');
  });
});

describe('percentage discounts', () => {
  const amount = fc.integer({ min: 0, max: sale_total_cents_max });
  const bp = fc.integer({ min: 0, max: 10_000 });

  it('never produce fractional cents, and discount + net = amount', () => {
    fc.assert(
      fc.property(amount, bp, (value, basisPoints) => {
        const { discount, net } = applyPercentDiscount(value, basisPoints);
        expect(Number.isSafeInteger(discount)).toBe(true);
        expect(Number.isSafeInteger(net)).toBe(true);
        expect(discount + net).toBe(value);
        expect(discount).toBeGreaterThanOrEqual(0);
        expect(discount).toBeLessThanOrEqual(value);
        expect(discount).toBe(Number(referenceDivide(BigInt(value) * BigInt(basisPoints), 10_000n)));
      }),
      runs,
    );
  });

  it('0 bp takes nothing and 10,000 bp takes the whole amount', () => {
    fc.assert(
      fc.property(amount, (value) => {
        expect(applyPercentDiscount(value, 0)).toEqual({ discount: 0, net: value });
        expect(applyPercentDiscount(value, 10_000)).toEqual({ discount: value, net: 0 });
      }),
      runs,
    );
  });

  it('rounds a worked example by the rule and refuses bad percentages naming discount_bp', () => {
    // 12.5 % of KSh 0.99 = 12.375 cents → 12.
    expect(applyPercentDiscount(99, 1_250)).toEqual({ discount: 12, net: 87 });
    // 50 % of 1 cent = 0.5 → 1 (halves away from zero).
    expect(percentOf(1, 5_000)).toBe(1);
    for (const bad of [-1, 10_001, 5.5, Number.NaN]) {
      const error = caught(() => applyPercentDiscount(1_000, bad));
      expect(error.code).toBe('invalid_discount');
      expect(error.field).toBe('discount_bp');
    }
    expect(caught(() => percentOf(10.5, 100)).code).toBe('invalid_amount');
  });

  it('takes a percentage of the largest line the limits allow, past 2^53 in between, by the same rule', () => {
    // 10,000 units at KSh 1,000,000 less 1 cent: 999,999,990,000 cents; × 9,999 bp passes 2^53.
    const amount = 10_000 * 99_999_999;
    expect(amount * 9_999).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
    const exact = (BigInt(amount) * 9_999n * 2n + 10_000n) / 20_000n;
    expect(percentOf(amount, 9_999)).toBe(Number(exact));
    expect(percentOf(-amount, 9_999)).toBe(-Number(exact));
    expect(applyPercentDiscount(amount, 10_000)).toEqual({ discount: amount, net: 0 });
  });
});

describe('roundToShilling', () => {
  it('gives a multiple of 100 with a rounding line of at most 50 cents', () => {
    fc.assert(
      fc.property(gross, (total) => {
        const { payable, rounding } = roundToShilling(total);
        expect(payable % 100 === 0).toBe(true);
        expect(Math.abs(rounding)).toBeLessThanOrEqual(50);
        expect(payable - rounding).toBe(total);
      }),
      runs,
    );
  });

  it('rounds half a shilling away from zero', () => {
    expect(roundToShilling(12_349)).toEqual({ payable: 12_300, rounding: -49 });
    expect(roundToShilling(12_350)).toEqual({ payable: 12_400, rounding: 50 });
    expect(roundToShilling(-150)).toEqual({ payable: -200, rounding: -50 });
    expect(roundToShilling(100)).toEqual({ payable: 100, rounding: 0 });
  });
});

describe('formatKes and parseKes', () => {
  it('formatting then parsing returns the same cents for every safe amount', () => {
    fc.assert(
      fc.property(safe, (cents) => {
        expect(parseKes(formatKes(cents))).toBe(cents);
      }),
      runs,
    );
  });

  it('formats en-KE style', () => {
    expect(formatKes(123_450)).toBe('KSh 1,234.50');
    expect(formatKes(-123_450)).toBe('-KSh 1,234.50');
    expect(formatKes(5)).toBe('KSh 0.05');
    expect(formatKes(0)).toBe('KSh 0.00');
    expect(formatKes(100_000_000_000)).toBe('KSh 1,000,000,000.00');
  });

  it('reads what people type', () => {
    expect(parseKes('1234.5')).toBe(123_450);
    expect(parseKes('1,234.50')).toBe(123_450);
    expect(parseKes('KSh 1,234.50')).toBe(123_450);
    expect(parseKes('  KES 40 ')).toBe(4_000);
    expect(parseKes('-KSh 12')).toBe(-1_200);
    expect(parseKes('KSh -12.05')).toBe(-1_205);
    expect(parseKes('.5')).toBe(50);
    expect(parseKes('1,000,000')).toBe(100_000_000);
    expect(Object.is(parseKes('-0.00'), 0)).toBe(true);
  });

  it('reads typed amounts with or without grouping and prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.boolean(),
        fc.constantFrom('', 'KSh ', 'KES ', 'ksh'),
        (shillings, cents, grouped, prefix) => {
          const whole = grouped ? shillings.toLocaleString('en-US') : String(shillings);
          const text = `${prefix}${whole}.${String(cents).padStart(2, '0')}`;
          expect(parseKes(text)).toBe(shillings * 100 + cents);
        },
      ),
      runs,
    );
  });

  it('refuses malformed amounts with invalid_amount naming the field', () => {
    for (const bad of ['1.234', '12,34', 'abc', '', '   ', 'KSh', '-', '--1', '-KSh -1', '1,2345', '1.2.3', '12a', '1 234']) {
      const error = caught(() => parseKes(bad, 'tenders.0.amount'));
      expect(error.code, bad).toBe('invalid_amount');
      expect(error.field, bad).toBe('tenders.0.amount');
      expect(error.message, bad).toContain('tenders.0.amount');
    }
    expect(caught(() => parseKes('abc')).field).toBe('amount');
  });

  it('refuses amounts beyond the safe range', () => {
    const error = caught(() => parseKes('99,999,999,999,999,999.00', 'total'));
    expect(error.code).toBe('invalid_amount');
    expect(error.field).toBe('total');
    expect(() => formatKes(0.5)).toThrow(PaymeError);
  });
});
