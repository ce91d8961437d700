/**
 * Labels printed by a shop's weighing scale (weighed goods: loose sugar, meat, vegetables). The
 * scale prints an EAN-13 in the GS1 "restricted circulation" range that starts with 2. DESIGN
 * and UX fix no layout, so this is the common one: `2` + the scale's format digit + 5-digit item
 * code + 5-digit weight in grams + check digit (20 00123 01250 6 = item 00123, 1.250 kg). The
 * check digit is verified: a smudged label must not sell the wrong weight.
 *
 * Which catalog barcode is the item: the label with its weight digits zeroed and the check digit
 * recomputed (how catalogs commonly store a scale item: 2000123000008), else the bare item code
 * (`00123`, the scale's PLU number). A code the catalog knows exactly is never read as a label:
 * the caller looks it up first.
 */
export const scale_label_prefix = '2';
export const scale_item_digits = 5;
export const scale_weight_digits = 5;

export type ScaleLabel =
  | { kind: 'label'; item_code: string; grams: number; catalog_barcodes: [string, string] }
  /** Looks like a scale label but the check digit is wrong: a misread, to scan again. */
  | { kind: 'misread' };

/** The EAN-13 check digit of the first 12 digits (weights 1, 3, 1, 3, … from the left). */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

const label_pattern = new RegExp(`^(${scale_label_prefix}\\d)(\\d{${scale_item_digits}})(\\d{${scale_weight_digits}})(\\d)$`);

/** The label read from a scanned code, or null when the code is not a scale label at all. */
export function readScaleLabel(code: string): ScaleLabel | null {
  const match = label_pattern.exec(code);
  if (match === null) return null;
  const [, format = '', item_code = '', weight = '', check = ''] = match;
  if (ean13CheckDigit(code.slice(0, 12)) !== Number(check)) return { kind: 'misread' };
  const zeroed = `${format}${item_code}${'0'.repeat(scale_weight_digits)}`;
  return {
    kind: 'label',
    item_code,
    grams: Number(weight),
    catalog_barcodes: [`${zeroed}${ean13CheckDigit(zeroed)}`, item_code],
  };
}
