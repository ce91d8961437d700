import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { PaymeError } from '../src/errors.js';
import { line_quantity_milli_max, line_quantity_pieces_max, signed_amount_cents_max } from '../src/limits.js';
import {
  barcode,
  cents,
  discountBp,
  isoTimestamp,
  mpesaReceipt,
  phone,
  quantityFor,
  receiptNo,
  role,
  signedCents,
  sku,
  stockPolicy,
  strictObject,
  tenderKind,
  uuid,
} from '../src/schemas/common.js';
import { error_codes, errorBodySchema, parseInput, schemaError } from '../src/schemas/errors.js';

const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe('primitives', () => {
  it('uuid: any lowercase RFC 4122 hex UUID, not upper case or braces', () => {
    expect(accepts(uuid, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b')).toBe(true);
    expect(accepts(uuid, '123e4567-e89b-12d3-a456-426614174000')).toBe(true);
    expect(accepts(uuid, '0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B')).toBe(false);
    expect(accepts(uuid, '{0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}')).toBe(false);
  });

  it('cents: whole, non-negative, safe', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (value) => accepts(cents, value)));
    for (const bad of [-1, 0.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, '5']) expect(accepts(cents, bad)).toBe(false);
  });

  it('signed cents are bounded both ways by the signed ceiling', () => {
    expect(accepts(signedCents, -signed_amount_cents_max)).toBe(true);
    expect(accepts(signedCents, signed_amount_cents_max + 1)).toBe(false);
    expect(accepts(signedCents, -signed_amount_cents_max - 1)).toBe(false);
  });

  it('quantity limits per unit', () => {
    expect(accepts(quantityFor('piece'), line_quantity_pieces_max)).toBe(true);
    expect(accepts(quantityFor('piece'), line_quantity_pieces_max + 1)).toBe(false);
    expect(accepts(quantityFor('gram'), line_quantity_milli_max)).toBe(true);
    expect(accepts(quantityFor('millilitre'), 0)).toBe(false);
  });

  it('discounts are 0..10,000 basis points', () => {
    expect(accepts(discountBp, 10_000)).toBe(true);
    expect(accepts(discountBp, 10_001)).toBe(false);
    expect(accepts(discountBp, 12.5)).toBe(false);
  });

  it('phone numbers are Kenyan MSISDNs 2547… or 2541…', () => {
    for (const ok of ['254712345678', '254112345678']) expect(accepts(phone, ok)).toBe(true);
    for (const bad of ['0712345678', '+254712345678', '254812345678', '25471234567', '2547123456789']) expect(accepts(phone, bad)).toBe(false);
  });

  it('M-Pesa codes, receipt numbers, SKUs and barcodes', () => {
    expect(accepts(mpesaReceipt, 'NLJ7RT61SV')).toBe(true);
    expect(accepts(mpesaReceipt, 'NLJ7RT61S')).toBe(false);
    expect(accepts(mpesaReceipt, 'nlj7rt61sv')).toBe(false);
    expect(accepts(receiptNo, 'T3-000123')).toBe(true);
    expect(accepts(receiptNo, 'T3-12')).toBe(false);
    expect(accepts(sku, 'SUG-1KG')).toBe(true);
    expect(accepts(sku, 'SUG 1KG')).toBe(false);
    expect(accepts(barcode, '6161101600019')).toBe(true);
    expect(accepts(barcode, '9'.repeat(65))).toBe(false);
  });

  it('timestamps are ISO-8601 UTC', () => {
    expect(accepts(isoTimestamp, '2026-11-26T09:30:00.000Z')).toBe(true);
    expect(accepts(isoTimestamp, '2026-11-26T09:30:00Z')).toBe(true);
    expect(accepts(isoTimestamp, '2026-11-26T12:30:00+03:00')).toBe(false);
    expect(accepts(isoTimestamp, '26/11/2026')).toBe(false);
  });

  it('enums: roles, tenders, stock policies', () => {
    expect(role.options).toEqual(['owner', 'manager', 'cashier']);
    expect(tenderKind.options).toEqual(['cash', 'mpesa', 'credit']);
    expect(stockPolicy.options).toEqual(['block', 'allow_with_override']);
    expect(accepts(role, 'admin')).toBe(false);
  });
});

describe('errors', () => {
  it('the error shape keeps details and refuses a body without code or message', () => {
    const body = new PaymeError('seq_gap', 'expected seq 3', undefined, { expected_seq: 3 }).toBody();
    expect(errorBodySchema.parse(body)).toEqual(body);
    expect(errorBodySchema.safeParse({ message: 'x' }).success).toBe(false);
    expect(errorBodySchema.safeParse({ code: 'x' }).success).toBe(false);
  });

  it('lists the stable codes PayMe relies on, each once', () => {
    for (const code of ['invalid_input', 'not_found', 'unauthorized', 'forbidden', 'stock_insufficient', 'credit_limit_exceeded', 'approval_required', 'pin_invalid', 'pin_locked', 'command_conflict', 'idempotency_key_reused', 'chain_conflict', 'seq_gap', 'till_fenced', 'rate_limited', 'payment_transition_refused', 'payment_already_used']) {
      expect(error_codes).toContain(code);
    }
    expect(new Set(error_codes).size).toBe(error_codes.length);
  });

  it('names the field of the first issue, an unknown key by its own name, and the whole input when there is no path', () => {
    const schema = strictObject({ outer: strictObject({ amount: cents }) });
    expect(() => parseInput(schema, { outer: { amount: -1 } })).toThrow(expect.objectContaining({ field: 'outer.amount', message: 'outer.amount: may not be negative' }));
    expect(() => parseInput(schema, { outer: { amount: 1, colour: 'red' } })).toThrow(expect.objectContaining({ field: 'outer.colour' }));
    expect(() => parseInput(schema, { outer: 'x' })).toThrow(expect.objectContaining({ field: 'outer', message: 'outer: must be an object' }));
    expect(() => parseInput(schema, {})).toThrow(expect.objectContaining({ field: 'outer', message: 'outer: is required' }));
    const whole = schemaError(cents.safeParse('x').error!);
    expect(whole.field).toBeUndefined();
    expect(whole.message).toMatch(/^input: /);
    expect(schemaError(new z.ZodError([])).message).toBe('input: Invalid input');
  });
});

describe('names and reasons refuse control characters', () => {
  it.each(['Sukari\u0000', 'Un\u0007ga', 'Maziwa\u001b[31m'])('refuses %j with a field-naming error', async (text) => {
    const { name, reason } = await import('../src/schemas/common.js');
    expect(name.safeParse(text).success).toBe(false);
    expect(reason.safeParse(text).success).toBe(false);
  });

  it('keeps line breaks and tabs in a reason and accepts ordinary Swahili names', async () => {
    const { name, reason } = await import('../src/schemas/common.js');
    expect(reason.safeParse('Imeharibika\nkwenye usafiri').success).toBe(true);
    expect(name.safeParse('Mama Njeri — Duka la Ūmoja').success).toBe(true);
  });
});

describe('timestamps must exist in the calendar', () => {
  it.each(['2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-11-26T24:00:00Z'])('refuses %s', async (text) => {
    const { isoTimestamp } = await import('../src/schemas/common.js');
    expect(isoTimestamp.safeParse(text).success).toBe(false);
  });

  it('accepts a real instant with or without milliseconds', async () => {
    const { isoTimestamp } = await import('../src/schemas/common.js');
    expect(isoTimestamp.safeParse('2024-02-29T23:59:59.999Z').success).toBe(true);
    expect(isoTimestamp.safeParse('2026-11-26T09:30:00Z').success).toBe(true);
  });
});
