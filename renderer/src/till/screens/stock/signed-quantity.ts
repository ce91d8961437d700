/** A signed stock change typed at the counter (`-3`, `+1.5` kg) in the product's unit. */
import { PaymeError, parseQuantity, type QuantityUnit } from '@payme/shared';

export function parseSignedQuantity(text: string, unit: QuantityUnit, field: string): number {
  const trimmed = text.trim();
  const negative = trimmed.startsWith('-');
  const magnitude = trimmed.replace(/^[+-]\s*/, '');
  if (magnitude === '') throw new PaymeError('invalid_quantity', `${field}: type a change like -3 or 5`, field);
  const value = parseQuantity(magnitude, unit, field);
  return negative ? -value : value;
}
