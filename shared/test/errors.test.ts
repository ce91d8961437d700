/** The one error shape of DESIGN §6: `{code, message, field?, ...details}`. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { PaymeError, errorFromWire, fieldPath, isErrorCode, isPaymeError, parseOrThrow, validationError } from '../src/index.js';

const sale = z.object({
  till_id: z.string().min(1),
  lines: z.array(z.object({ quantity: z.number().int().positive(), unit_price_cents: z.number().int().nonnegative() })).max(3),
});

describe('PaymeError', () => {
  it('serialises to the error body with field and details', () => {
    const error = new PaymeError('invalid_quantity', 'too many', 'lines.0.quantity', { max: 10_000 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PaymeError');
    expect(error.toBody()).toEqual({ code: 'invalid_quantity', message: 'too many', field: 'lines.0.quantity', max: 10_000 });
    expect(JSON.parse(JSON.stringify(error.toBody()))).toEqual(error.toBody());
  });

  it('leaves out field when there is none, and details cannot override code or message', () => {
    const error = new PaymeError('seq_gap', 'expected 4', undefined, { expected_seq: 4, code: 'spoofed', message: 'spoofed' });
    const body = error.toBody();
    expect(body).toEqual({ code: 'seq_gap', message: 'expected 4', expected_seq: 4 });
    expect('field' in body).toBe(false);
  });

  it('is recognised by isPaymeError only', () => {
    expect(isPaymeError(new PaymeError('not_found', 'y'))).toBe(true);
    expect(isPaymeError(new Error('y'))).toBe(false);
    expect(isPaymeError({ code: 'x', message: 'y' })).toBe(false);
  });
});

describe('errorFromWire', () => {
  const fallback = { code: 'internal' as const, message: 'The server answered with an error' };

  it('keeps a known code, its words, field and details', () => {
    const error = errorFromWire({ code: 'seq_gap', message: 'expected 4', field: 'events', expected_seq: 4 }, fallback);
    expect(error.toBody()).toEqual({ code: 'seq_gap', message: 'expected 4', field: 'events', expected_seq: 4 });
  });

  it('turns a code this version does not know into the fallback, keeping the words and the code it came with', () => {
    const error = errorFromWire({ code: 'from_a_newer_server', message: 'Something new' }, fallback);
    expect(error.toBody()).toEqual({ code: 'internal', message: 'Something new', received_code: 'from_a_newer_server' });
    expect(isErrorCode('from_a_newer_server')).toBe(false);
  });

  it('answers the fallback for a body that is not an error body', () => {
    for (const body of [null, 'oops', { code: 7, message: 'x' }, { code: 'seq_gap' }]) {
      expect(errorFromWire(body, fallback).toBody()).toEqual({ code: 'internal', message: 'The server answered with an error' });
    }
  });
});

describe('validationError and parseOrThrow', () => {
  it('name the first failing field path', () => {
    const result = sale.safeParse({ till_id: 't-1', lines: [{ quantity: 1, unit_price_cents: 5 }, { quantity: 0, unit_price_cents: -1 }] });
    expect(result.success).toBe(false);
    if (result.success) return;
    const error = validationError(result.error);
    expect(error.code).toBe('invalid_input');
    expect(error.field).toBe('lines.1.quantity');
    expect(error.message.startsWith('lines.1.quantity: ')).toBe(true);
    const issues = error.toBody().issues as Array<{ field: string }>;
    expect(issues.map((issue) => issue.field)).toEqual(['lines.1.quantity', 'lines.1.unit_price_cents']);
  });

  it('parseOrThrow returns the data or throws the named error', () => {
    const good = { till_id: 't-1', lines: [] };
    expect(parseOrThrow(sale, good)).toEqual(good);
    expect(() => parseOrThrow(sale, { lines: [] })).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'till_id' }));
  });

  it('names the input itself when the root value is wrong', () => {
    let error: unknown;
    try {
      parseOrThrow(sale, 'not an object');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PaymeError);
    expect((error as PaymeError).field).toBeUndefined();
    expect((error as PaymeError).message.startsWith('input: ')).toBe(true);
  });

  it('falls back to a generic message for an error without issues', () => {
    const error = validationError(new z.ZodError([]));
    expect(error.toBody()).toEqual({ code: 'invalid_input', message: 'input: Invalid input', issues: [] });
  });

  it('fieldPath joins keys and indexes with dots', () => {
    expect(fieldPath(['lines', 0, 'quantity'])).toBe('lines.0.quantity');
    expect(fieldPath([])).toBe('');
  });
});
