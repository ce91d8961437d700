/**
 * Quantities are integers in the product's unit: pieces, or grams / millilitres for goods sold
 * by weight or volume, whose price is per kilogram / litre. So 1.25 kg of sugar is 1250 g and
 * sells exactly.
 */
import { PaymeError } from './errors.js';
import { divideRounded, multiplySafe, type Cents } from './money.js';
import { line_quantity_milli_max, line_quantity_pieces_max } from './limits.js';

export type QuantityUnit = 'piece' | 'gram' | 'millilitre';
export const quantity_units = ['piece', 'gram', 'millilitre'] as const satisfies readonly QuantityUnit[];

/** How many quantity units the unit price is quoted for: 1 piece, 1,000 g (1 kg), 1,000 ml (1 l). */
export const price_basis: Readonly<Record<QuantityUnit, number>> = { piece: 1, gram: 1000, millilitre: 1000 };

/** The largest quantity on one line, in the product's unit. */
export function lineQuantityMax(unit: QuantityUnit): number {
  return unit === 'piece' ? line_quantity_pieces_max : line_quantity_milli_max;
}

/** Refuses a quantity that is not a positive integer within the line limit, naming the field. */
export function assertLineQuantity(quantity: number, unit: QuantityUnit, field = 'quantity'): number {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    throw new PaymeError('invalid_quantity', `${field} must be a whole number above zero (in ${unit}s)`, field);
  }
  const max = lineQuantityMax(unit);
  if (quantity > max) {
    throw new PaymeError('invalid_quantity', `${field} may be at most ${max} ${unit}s`, field, { max });
  }
  return quantity;
}

/** Gross amount of a line: unit price × quantity ÷ price basis, by the money rounding rule. */
export function lineAmount(unitPrice: Cents, quantity: number, unit: QuantityUnit): Cents {
  return divideRounded(multiplySafe(unitPrice, quantity), price_basis[unit]);
}

/**
 * Reads a typed quantity in the unit people use at the counter: pieces as a whole number,
 * weight in kg and volume in litres with up to three decimals after a point (`1.25` kg → 1250 g;
 * a comma is refused, since in en-KE it separates thousands and `1,250` would be ambiguous). The unit
 * word `formatQuantity` prints (`1.25 kg`, `0.5 l`) may follow, so printed quantities read back.
 */
export function parseQuantity(text: string, unit: QuantityUnit, field = 'quantity'): number {
  const trimmed = text.trim();
  const pattern =
    unit === 'piece'
      ? /^(\d+)$/
      : unit === 'gram'
        ? /^(\d+)?(?:\.(\d{1,3}))?(?:\s*kg)?$/i
        : /^(\d+)?(?:\.(\d{1,3}))?(?:\s*l)?$/i;
  const match = pattern.exec(trimmed);
  if (!match || trimmed === '' || (match[1] === undefined && match[2] === undefined)) {
    const example = unit === 'piece' ? '3' : '1.25';
    throw new PaymeError('invalid_quantity', `${field}: type a quantity like ${example}`, field);
  }
  const value =
    unit === 'piece'
      ? Number(match[1])
      : Number(match[1] ?? '0') * price_basis[unit] + Number((match[2] ?? '').padEnd(3, '0'));
  return assertLineQuantity(value, unit, field);
}

/** Shows a quantity in counter units: `3`, `1.25 kg`, `0.5 l`. */
export function formatQuantity(quantity: number, unit: QuantityUnit): string {
  if (unit === 'piece') return String(quantity);
  const basis = price_basis[unit];
  const whole = Math.trunc(quantity / basis);
  const part = Math.abs(quantity - whole * basis);
  const sign = quantity < 0 && whole === 0 ? '-' : '';
  const fraction = part === 0 ? '' : `.${String(part).padStart(3, '0').replace(/0+$/, '')}`;
  return `${sign}${whole}${fraction} ${unit === 'gram' ? 'kg' : 'l'}`;
}
