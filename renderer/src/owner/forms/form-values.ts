/**
 * What a form field holds (text) and what the API takes (cents, whole numbers, null for blank),
 * both ways. Amounts go through shared's money functions only: shown as `formatKes` shows them
 * (without the `KSh`, the label says it), read back by `parseKes`, which names the field it
 * refuses.
 */
import { formatQuantity, formatKes, parseKes, price_basis, type QuantityUnit } from '@payme/shared';

/** `123450` → `1,234.50`, the way an amount field shows a saved amount. */
export function amountText(cents: number): string {
  return formatKes(cents).replace('KSh ', '');
}

/** Blank is null (no amount); anything else must be an amount, or the field is refused. */
export function optionalAmount(text: string, field: string): number | null {
  return text.trim() === '' ? null : parseKes(text, field);
}

/** Blank is null; digits are the number; anything else is NaN, which the schema refuses by field. */
export function optionalWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** A stock level in counter units, as the till shows it but without the unit word (the hint says it): `10`, `2.5` (kg). */
export function stockLevelText(level: number, unit: QuantityUnit): string {
  return formatQuantity(level, unit).replace(/ (kg|l)$/, '');
}

/**
 * A stock level typed in counter units, back into the product's unit: pieces as digits, kg or
 * litres with up to three decimals (`2.5` kg → 2500 g; the unit word may follow). Blank is null;
 * anything else is NaN.
 */
export function optionalStockLevel(text: string, unit: QuantityUnit): number | null {
  const trimmed = text.trim();
  if (unit === 'piece' || trimmed === '') return optionalWholeNumber(trimmed);
  const match = /^(\d{1,12})(?:\.(\d{1,3}))?(?:\s*(?:kg|l))?$/i.exec(trimmed);
  return match === null ? Number.NaN : Number(match[1]) * price_basis[unit] + Number((match[2] ?? '').padEnd(3, '0'));
}
