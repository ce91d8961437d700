// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PaymeError, error_codes } from '@payme/shared';
import { errorWords, fieldInWords } from './error-words.js';
import { TillCallError } from './transport/transport.js';
import { en } from './i18n/en.js';
import { sw } from './i18n/sw.js';

const field_path = /\b[a-z_]+\.\d+\.[a-z_]+\b/;

describe("the cashier's error words (issue 17)", () => {
  it('say a thing once: the till message that repeats the words is not added in brackets', () => {
    expect(errorWords(new TillCallError('pin_invalid', 'Wrong PIN'), en)).toBe('Wrong PIN.');
    expect(errorWords(new TillCallError('shift_not_open', 'Open a shift (count the float) before taking money'), en)).toBe('Open a shift first (F9).');
    expect(errorWords(new TillCallError('shift_not_open', 'Open a shift (count the float) before taking money'), sw)).toBe(sw.error_codes.shift_not_open);
  });

  it('name the field in words, never as a path, and keep the reason only the till knows', () => {
    const refused = new TillCallError('sale_not_refundable', 'lines.0.quantity: only 2 left to refund on this line', 'lines.0.quantity', { left: 2 });
    const words = errorWords(refused, en);
    expect(words).toBe('This sale cannot be refunded that way. Line 1, quantity: only 2 left to refund on this line.');
    expect(words).not.toMatch(field_path);
    expect(errorWords(refused, sw)).toMatch(/^.+ Mstari 1, idadi: only 2 left/);
    expect(errorWords(new PaymeError('invalid_amount', 'tenders.1.tendered: less cash was handed over than the amount', 'tenders.1.tendered'), en)).toBe(
      'That amount is not right: check it and try again. Payment 2, cash given: less cash was handed over than the amount.',
    );
    expect(errorWords(new PaymeError('invalid_discount', 'discount must be between 0 % and 100 %', 'discount_bp'), en)).toBe(
      'That discount is not allowed: use 0 % to 100 %. Discount: discount must be between 0 % and 100 %.',
    );
    expect(fieldInWords('some_field', en)).toBe('Some field');
  });

  it('an error that is not a till answer reads as the unexpected one', () => {
    expect(errorWords(new Error('boom'), en)).toBe(en.error_unexpected);
  });

  it('never show the same words twice, nor a field path, whatever the message (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...error_codes),
        fc.constantFrom(en, sw),
        fc.constantFrom('', 'lines.3.quantity', 'tenders.0.amount', 'pin'),
        fc.oneof(fc.constant('own'), fc.string({ maxLength: 30 }).filter((text) => !field_path.test(text))),
        (code, t, field, text) => {
          const own = t.error_codes[code];
          const message = text === 'own' ? own : field === '' ? text : `${field}: ${text}`;
          const words = errorWords(new TillCallError(code, message, field === '' ? undefined : field), t);
          expect(words.startsWith(own)).toBe(true);
          expect(words.slice(own.length)).not.toContain(own);
          expect(words).not.toMatch(field_path);
        },
      ),
      { numRuns: 500 },
    );
  });
});
