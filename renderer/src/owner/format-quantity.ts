/**
 * Quantities as the till shows them (shared's formatQuantity): pieces as a number, weight in kg
 * and volume in litres (`1.25 kg`), never the stored grams with the unit's code name
 * ("1250 gram"). The owner API answers the unit as text; one this build does not know is shown
 * as it came.
 */
import { formatQuantity, quantity_units, type QuantityUnit } from '@payme/shared';

const isQuantityUnit = (unit: string): unit is QuantityUnit => (quantity_units as readonly string[]).includes(unit);

export function quantityText(quantity: number, unit: string): string {
  return isQuantityUnit(unit) ? formatQuantity(quantity, unit) : `${quantity} ${unit}`;
}

/** A stock change with its sign: `+3`, `-0.5 kg`. */
export function quantityChangeText(delta: number, unit: string): string {
  return delta > 0 ? `+${quantityText(delta, unit)}` : quantityText(delta, unit);
}
