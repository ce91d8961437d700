/**
 * Primitive schemas every PayMe boundary reuses, built on the limits of DESIGN §3.
 *
 * Schemas used inside events never transform their input (no trimming, no coercion), so a parsed
 * event is byte-for-byte the event that was hashed. Till API inputs may use the `…Input`
 * variants, which trim what a person typed before checking it.
 */
import { z } from 'zod';
import {
  barcode_chars_max,
  discount_bp_max,
  line_quantity_milli_max,
  mpesa_amount_shillings_max,
  mpesa_amount_shillings_min,
  name_chars_max,
  reason_chars_max,
  sale_total_cents_max,
  signed_amount_cents_max,
  sku_chars_max,
  stock_delta_max,
  tender_amount_cents_max,
  unit_price_cents_max,
  cents_per_shilling,
  pin_digits_max,
  pin_digits_min,
} from '../limits.js';
import { lineQuantityMax, quantity_units, type QuantityUnit } from '../quantity.js';
import { vat_classes } from '../money.js';
import { uuid_pattern } from '../ids.js';
import { hash_pattern } from '../hash-chain.js';

/** Says "is required" for a missing value and `wrongType` for anything else of the wrong type. */
function typeError(wrongType: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : wrongType);
}

/** A whole number between min and max with plain-words messages. */
export function boundedInt(min: number, max: number, what = 'a whole number') {
  return z
    .number({ error: typeError(`must be ${what}`) })
    .int({ error: `must be ${what}` })
    .min(min, { error: min === 0 ? 'may not be negative' : `must be at least ${min}` })
    .max(max, { error: `may be at most ${max}` });
}

/** A lowercase RFC 4122 hex UUID (any version: commands and events use v7, older data may not). */
export const uuid = z
  .string({ error: typeError('must be an id (a lowercase UUID)') })
  .regex(uuid_pattern, { error: 'must be an id (a lowercase UUID)' });

/** Non-negative whole cents, any safe size. */
export const cents = boundedInt(0, Number.MAX_SAFE_INTEGER, 'a whole number of cents');
/** Cents strictly above zero (payments, pay-ins). */
export const positiveCents = (max: number) => boundedInt(1, max, 'a whole number of cents');

/** A signed amount (adjustments, variances), bounded both ways by the sale ceiling. */
export const signedCents = boundedInt(-signed_amount_cents_max, signed_amount_cents_max, 'a whole number of cents');
/** A signed amount that must not be zero (an adjustment of nothing is a mistake). */
export const nonZeroSignedCents = signedCents.refine((value) => value !== 0, { error: 'may not be zero' });

export const unitPrice = boundedInt(0, unit_price_cents_max, 'a whole number of cents');
export const saleTotal = boundedInt(0, sale_total_cents_max, 'a whole number of cents');
export const tenderAmount = boundedInt(0, tender_amount_cents_max, 'a whole number of cents');

/** M-Pesa amounts are whole shillings, 1 to 250,000 KES, carried in cents like every other amount. */
export const mpesaAmountCents = boundedInt(
  mpesa_amount_shillings_min * cents_per_shilling,
  mpesa_amount_shillings_max * cents_per_shilling,
  'a whole number of cents',
).refine((value) => value % cents_per_shilling === 0, { error: 'M-Pesa amounts must be whole shillings' });

/** Discounts in basis points: 0 to 10,000 (100 %). */
export const discountBp = boundedInt(0, discount_bp_max, 'whole basis points (100 bp = 1 %)');

export const quantityUnit = z.enum(quantity_units, { error: 'must be piece, gram or millilitre' });
export const vatClass = z.enum(vat_classes, { error: 'must be standard, exempt or zero_rated' });

/** A line quantity before its unit is known: positive, at most the largest line limit. */
export const lineQuantity = boundedInt(1, line_quantity_milli_max, 'a whole number in the product unit');

/** The line limit for one unit: 10,000 pieces, or 10,000 kg / l in grams / millilitres. */
export function quantityFor(unit: QuantityUnit) {
  return boundedInt(1, lineQuantityMax(unit), `a whole number of ${unit}s`);
}

/** Refinement for objects holding `{unit, quantity}`: the quantity respects its unit's limit. */
export function checkQuantityForUnit(line: { unit: QuantityUnit; quantity: number }, ctx: z.RefinementCtx, path: PropertyKey[] = ['quantity']) {
  const max = lineQuantityMax(line.unit);
  if (line.quantity > max) {
    ctx.addIssue({ code: 'custom', path, message: `may be at most ${max} ${line.unit}s` });
  }
}

/** A stock movement size (receipts, adjustments, counts) in the product's unit. */
export const stockQuantity = boundedInt(0, stock_delta_max, 'a whole number in the product unit');
export const stockDelta = boundedInt(-stock_delta_max, stock_delta_max, 'a whole number in the product unit').refine(
  (value) => value !== 0,
  { error: 'may not be zero' },
);
/** An on-hand figure may be negative after overselling across tills. */
export const stockLevel = boundedInt(-stock_delta_max, stock_delta_max, 'a whole number in the product unit');

function boundedText(max: number, what: string) {
  return z
    .string({ error: typeError(`must be ${what}`) })
    .min(1, { error: 'may not be empty' })
    .max(max, { error: `may be at most ${max} characters` })
    .refine((text) => text.trim() === text, { error: 'may not start or end with spaces' })
    // Control characters (NUL above all, which PostgreSQL cannot store) never belong in a name
    // or a reason; line breaks in reasons are fine.
    .refine((text) => !control_characters.test(text), { error: 'may not contain control characters' });
}

// eslint-disable-next-line no-control-regex -- the point is to match control characters
const control_characters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Names (products, customers, staff): 1 to 120 characters, no surrounding spaces. */
export const name = boundedText(name_chars_max, 'a name');
/** Free-text reasons: 1 to 500 characters. */
export const reason = boundedText(reason_chars_max, 'a reason');
/** Trimming variants for what a person typed. */
export const nameInput = z.string({ error: typeError('must be a name') }).trim().pipe(name);
export const reasonInput = z.string({ error: typeError('must be a reason') }).trim().pipe(reason);

/** SKUs and barcodes: printable characters without spaces (EAN/UPC digits, Code 128 text). */
const printable = /^[\x21-\x7e]+$/;
export const sku = z
  .string({ error: typeError('must be a SKU') })
  .min(1, { error: 'may not be empty' })
  .max(sku_chars_max, { error: `may be at most ${sku_chars_max} characters` })
  .regex(printable, { error: 'may hold only letters, digits and symbols, no spaces' });
export const barcode = z
  .string({ error: typeError('must be a barcode') })
  .min(1, { error: 'may not be empty' })
  .max(barcode_chars_max, { error: `may be at most ${barcode_chars_max} characters` })
  .regex(printable, { error: 'may hold only letters, digits and symbols, no spaces' });

/** A Kenyan mobile number as Daraja wants it: 2547XXXXXXXX or 2541XXXXXXXX. */
export const phone = z
  .string({ error: typeError('must be a phone number like 254712345678') })
  .regex(/^254[17]\d{8}$/, { error: 'must be a phone number like 254712345678' });

/** An ISO-8601 UTC timestamp (`2026-11-26T09:30:00.000Z`). */
export const isoTimestamp = z.iso
  .datetime({ error: typeError('must be a UTC time like 2026-11-26T09:30:00.000Z') })
  // The pattern alone lets 2026-02-30 or year 0000 through, which PostgreSQL refuses: the date
  // must exist in the calendar.
  .refine((text) => isRealInstant(text), { error: 'must be a date that exists, like 2026-11-26T09:30:00.000Z' });

function isRealInstant(text: string): boolean {
  const instant = new Date(text);
  return !Number.isNaN(instant.getTime()) && instant.getUTCFullYear() >= 1 && instant.toISOString().slice(0, 19) === text.slice(0, 19);
}

/** A lowercase hex SHA-256. */
export const hash = z
  .string({ error: typeError('must be a SHA-256 hash (64 lowercase hex characters)') })
  .regex(hash_pattern, { error: 'must be a SHA-256 hash (64 lowercase hex characters)' });

/** An M-Pesa receipt number / C2B TransID: 10 uppercase letters and digits (`SKL4ABCD12`). */
export const mpesaReceipt = z
  .string({ error: typeError('must be an M-Pesa code like SKL4ABCD12') })
  .regex(/^[A-Z0-9]{10}$/, { error: 'must be an M-Pesa code like SKL4ABCD12 (10 capital letters and digits)' });

/** A staff PIN: 4 to 6 digits. */
export const pin = z
  .string({ error: typeError('must be a PIN') })
  .regex(new RegExp(`^\\d{${pin_digits_min},${pin_digits_max}}$`), {
    error: `must be ${pin_digits_min} to ${pin_digits_max} digits`,
  });

/** A till receipt number: the till's prefix, a dash and a gapless counter (`T3-000123`). */
export const receiptNo = z
  .string({ error: typeError('must be a receipt number like T3-000123') })
  .regex(/^[A-Z0-9]{1,8}-\d{6,10}$/, { error: 'must be a receipt number like T3-000123' });

export const roles = ['owner', 'manager', 'cashier'] as const;
export const role = z.enum(roles, { error: 'must be owner, manager or cashier' });
export type Role = z.infer<typeof role>;

export const tender_kinds = ['cash', 'mpesa', 'credit'] as const;
export const tenderKind = z.enum(tender_kinds, { error: 'must be cash, mpesa or credit' });
export type TenderKind = z.infer<typeof tenderKind>;

export const stock_policies = ['block', 'allow_with_override'] as const;
export const stockPolicy = z.enum(stock_policies, { error: 'must be block or allow_with_override' });
export type StockPolicy = z.infer<typeof stockPolicy>;

/** A manager's approval carried by a command that needs one. */
export const approval = strictObject({ manager_id: uuid, pin });
export type Approval = z.infer<typeof approval>;

/** A client-generated command id (UUIDv7 by convention; any lowercase UUID is accepted). */
export const commandId = uuid;

/**
 * A strict object: unknown keys are refused (a typo must not silently drop data), with messages
 * in plain words. Every PayMe-owned input uses it.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `unknown field: ${issue.keys.join(', ')}`;
      return issue.input === undefined ? 'is required' : 'must be an object';
    },
  });
}

/** An array with a bounded length and plain-words messages. */
export function boundedArray<T extends z.ZodType>(item: T, min: number, max: number) {
  return z
    .array(item, { error: typeError('must be a list') })
    .min(min, { error: min === 1 ? 'may not be empty' : `needs at least ${min} items` })
    .max(max, { error: `may hold at most ${max} items` });
}

/**
 * Adds cross-field rules that run only once every field is valid, so the rules can do
 * arithmetic on values already known to be safe integers within their limits (a plain
 * `superRefine` would also run on half-invalid objects).
 */
export function withRules<T extends z.ZodType>(schema: T, rules: (value: z.output<T>, ctx: z.RefinementCtx) => void) {
  return schema.pipe(z.custom<z.output<T>>().superRefine(rules));
}
