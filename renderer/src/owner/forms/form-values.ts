/**
 * What a form field holds (text) and what the API takes (cents, whole numbers, null for blank),
 * both ways. Amounts go through shared's money functions only: shown as `formatKes` shows them
 * (without the `KSh`, the label says it), read back by `parseKes`, which names the field it
 * refuses.
 */
import { formatKes, parseKes } from '@payme/shared';

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
