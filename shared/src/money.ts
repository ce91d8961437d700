/**
 * Money in integer cents (KES minor units). No floats: every operation takes and returns safe
 * integers, and every division rounds by the one rule below.
 *
 * Rounding rule (the only one in PayMe): when an amount in cents has a fractional part, it is
 * rounded to the nearest cent, halves away from zero. VAT, discounts and weighed lines all use
 * `divideRounded`; a sale's payable total is rounded to whole shillings by the same rule.
 */
import { PaymeError } from './errors.js';
import { cents_per_shilling } from './limits.js';

/** An integer number of cents. */
export type Cents = number;

export function isCents(value: unknown): value is Cents {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function assertCents(value: number, field = 'amount'): Cents {
  if (!isCents(value)) {
    throw new PaymeError('invalid_amount', `${field} must be a whole number of cents`, field);
  }
  return value;
}

/**
 * numerator / denominator rounded to the nearest integer, halves away from zero.
 * Both must be safe integers and the denominator positive.
 */
export function divideRounded(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('divideRounded needs safe integers and a positive denominator');
  }
  const magnitude = Math.abs(numerator);
  const quotient = Math.floor(magnitude / denominator);
  const remainder = magnitude - quotient * denominator;
  const rounded = remainder * 2 >= denominator ? quotient + 1 : quotient;
  // A negative numerator that rounds to zero gives 0, never IEEE −0.
  return numerator < 0 && rounded !== 0 ? -rounded : rounded;
}

/** Multiplies two integers, refusing a product outside the safe-integer range. */
export function multiplySafe(a: number, b: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) throw new RangeError('amount out of range');
  return product;
}

export function addCents(...amounts: Cents[]): Cents {
  let total = 0;
  for (const amount of amounts) {
    total += assertCents(amount);
  }
  return assertCents(total, 'total');
}

/** A percentage in basis points (1 % = 100 bp) of an amount, by the rounding rule. */
export function percentOf(amount: Cents, basisPoints: number): Cents {
  assertCents(amount);
  if (!Number.isSafeInteger(basisPoints)) throw new PaymeError('invalid_discount', 'discount must be whole basis points', 'discount_bp');
  const product = amount * basisPoints;
  if (Number.isSafeInteger(product)) return divideRounded(product, 10_000);
  // A line of up to 10,000 units at the unit-price limit is 10^12 cents, and times 10,000 bp it
  // passes 2^53: the same half-up rule in exact integers, whose result fits again.
  return divideRoundedBig(BigInt(amount) * BigInt(basisPoints), 10_000n);
}

function divideRoundedBig(numerator: bigint, denominator: bigint): number {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const quotient = magnitude / denominator;
  const rounded = (magnitude - quotient * denominator) * 2n >= denominator ? quotient + 1n : quotient;
  const result = Number(numerator < 0n ? -rounded : rounded);
  if (!Number.isSafeInteger(result)) throw new RangeError('amount out of range');
  return result === 0 ? 0 : result;
}

/** The discount amount and what remains after a percentage discount (0–10,000 bp). */
export function applyPercentDiscount(amount: Cents, basisPoints: number): { discount: Cents; net: Cents } {
  if (basisPoints < 0 || basisPoints > 10_000) {
    throw new PaymeError('invalid_discount', 'discount must be between 0 % and 100 %', 'discount_bp');
  }
  const discount = percentOf(amount, basisPoints);
  return { discount, net: amount - discount };
}

/** VAT classes of Kenyan goods. Prices are VAT-inclusive. */
export type VatClass = 'standard' | 'exempt' | 'zero_rated';
export const vat_classes = ['standard', 'exempt', 'zero_rated'] as const satisfies readonly VatClass[];

/** VAT rates in basis points: standard 16 %; exempt and zero-rated carry none. */
export const vat_rate_bp: Readonly<Record<VatClass, number>> = { standard: 1600, exempt: 0, zero_rated: 0 };

/**
 * Splits a VAT-inclusive gross into net and VAT: VAT = gross × rate / (1 + rate), rounded by
 * the rule above, and net = gross − VAT, so the parts always sum to the gross exactly.
 */
export function splitVat(gross: Cents, vatClass: VatClass): { net: Cents; vat: Cents } {
  assertCents(gross, 'gross');
  const rate = vat_rate_bp[vatClass];
  const vat = rate === 0 ? 0 : divideRounded(multiplySafe(gross, rate), 10_000 + rate);
  return { net: gross - vat, vat };
}

/**
 * Rounds a payable total to whole shillings by the rounding rule, and returns the visible
 * "rounding" line (payable − total, between −50 and +49 cents… or +50 on an exact half).
 */
export function roundToShilling(total: Cents): { payable: Cents; rounding: Cents } {
  assertCents(total, 'total');
  const payable = divideRounded(total, cents_per_shilling) * cents_per_shilling;
  return { payable, rounding: payable - total };
}

const grouping = /\B(?=(\d{3})+(?!\d))/g;

/** Formats cents as `KSh 1,234.50` (en-KE); negatives as `-KSh 1,234.50`. */
export function formatKes(amount: Cents): string {
  assertCents(amount);
  const magnitude = Math.abs(amount);
  const shillings = Math.floor(magnitude / cents_per_shilling);
  const cents = magnitude - shillings * cents_per_shilling;
  const text = `KSh ${String(shillings).replace(grouping, ',')}.${String(cents).padStart(2, '0')}`;
  return amount < 0 ? `-${text}` : text;
}

const amountPattern = /^(-)?\s*(?:KSh|KES|Ksh|ksh|kes)?\s*(-)?\s*(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d{1,2}))?$/;

/**
 * Parses what a person types or what `formatKes` printed: `1234.5`, `1,234.50`, `KSh 1,234.50`,
 * `-KSh 12`, `KES 40`. More than two decimals, stray characters or an empty amount are refused
 * with `invalid_amount` naming the field.
 */
export function parseKes(text: string, field = 'amount'): Cents {
  const trimmed = text.trim();
  const match = amountPattern.exec(trimmed);
  const [, signBefore, signAfter, whole, fraction] = match ?? [];
  if (!match || (whole === undefined && fraction === undefined) || (signBefore && signAfter)) {
    throw new PaymeError('invalid_amount', `${field}: type an amount like 1,234.50`, field);
  }
  const shillings = Number((whole ?? '0').replaceAll(',', ''));
  const cents = Number((fraction ?? '').padEnd(2, '0'));
  const magnitude = shillings * cents_per_shilling + cents;
  if (!Number.isSafeInteger(magnitude)) {
    throw new PaymeError('invalid_amount', `${field}: the amount is too large`, field);
  }
  // `-0.00` is zero, not IEEE negative zero (which would print and compare oddly downstream).
  return (signBefore || signAfter) && magnitude !== 0 ? -magnitude : magnitude;
}
