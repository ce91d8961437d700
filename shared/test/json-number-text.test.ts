import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJsonWithNumberText } from '../src/json-number-text.js';
import { callbackItems, c2bAmountCents, c2bTransactionSchema, darajaResultCallbackSchema, parseMpesaAmount, resultAmountCents, stkCallbackSchema } from '../src/schemas/daraja.js';
import { darajaSamples as samples } from './schemas-fixtures.js';

describe('JSON numbers as written (issue 12)', () => {
  it('keeps each number’s text by its path, nested, in arrays, after escaped keys and strings', () => {
    const parsed = parseJsonWithNumberText('{"a":1.00,"b":[2,{"c":1e2,"d\\"x":-0.5}],"s":"[1,\\"2\\"]","n":null,"t":true,"z":100.0000000000000001}');
    expect(parsed.value).toEqual({ a: 1, b: [2, { c: 100, 'd"x': -0.5 }], s: '[1,"2"]', n: null, t: true, z: 100 });
    expect(parsed.numberText(['a'])).toBe('1.00');
    expect(parsed.numberText(['b', 0])).toBe('2');
    expect(parsed.numberText(['b', 1, 'c'])).toBe('1e2');
    expect(parsed.numberText(['b', 1, 'd"x'])).toBe('-0.5');
    expect(parsed.numberText(['z'])).toBe('100.0000000000000001');
    expect(parsed.numberText(['s'])).toBeUndefined();
    expect(parseJsonWithNumberText('7').numberText([])).toBe('7');
    // A repeated key keeps its last number, as JSON.parse keeps its last value.
    expect(parseJsonWithNumberText('{"a":1,"a":2.50}').numberText(['a'])).toBe('2.50');
  });

  it('refuses what JSON.parse refuses, and nests deeply without overflowing', () => {
    expect(() => parseJsonWithNumberText('{"a":')).toThrow(SyntaxError);
    const deep = `${'['.repeat(50_000)}3${']'.repeat(50_000)}`;
    expect(parseJsonWithNumberText(deep).numberText(Array.from({ length: 50_000 }, () => 0))).toBe('3');
  });

  it('finds every number of any JSON value under its path', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const parsed = parseJsonWithNumberText(text);
        const walk = (node: unknown, path: (string | number)[]): void => {
          if (typeof node === 'number') expect(Number(parsed.numberText(path))).toBe(node === 0 ? 0 : node);
          else if (Array.isArray(node)) node.forEach((child, index) => walk(child, [...path, index]));
          else if (node !== null && typeof node === 'object') for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
        };
        walk(parsed.value, []);
      }),
      { numRuns: 300 },
    );
  });
});

describe('M-Pesa amounts judged by their digits where money enters (issue 12)', () => {
  const stkWithAmount = (amount: string) => {
    const text = JSON.stringify(samples.stkCallbackSuccess()).replace(/"Name":"Amount","Value":[^}]+/, `"Name":"Amount","Value":${amount}`);
    const parsed = parseJsonWithNumberText(text);
    return () => callbackItems(stkCallbackSchema.parse(parsed.value), parsed.numberText).amount_cents;
  };

  it('STK callback Amount: 200 and 200.00 are money; 200.0000000000000001, 2e2 and 199.5 are not', () => {
    expect(stkWithAmount('200')()).toBe(20_000);
    expect(stkWithAmount('200.00')()).toBe(20_000);
    for (const bad of ['200.0000000000000001', '2e2', '199.5', '250001', '0']) expect(stkWithAmount(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
    // Without the text, the double 200.0000000000000001 would pass as 200: the text is what refuses it.
    expect(JSON.parse('200.0000000000000001')).toBe(200);
  });

  it('C2B TransAmount as a JSON number is judged by its digits too', () => {
    const text = JSON.stringify({ ...samples.c2bConfirmation(), TransAmount: 0 }).replace('"TransAmount":0', '"TransAmount":500.0000000000000001');
    const parsed = parseJsonWithNumberText(text);
    const body = c2bTransactionSchema.parse(parsed.value);
    expect(c2bAmountCents(body)).toBe(50_000);
    expect(() => c2bAmountCents(body, parsed.numberText)).toThrow(expect.objectContaining({ code: 'invalid_amount', field: 'TransAmount' }));
  });

  it('Transaction Status and Reversal Amount: in a list or alone, as text or number, refused past what M-Pesa carries', () => {
    const judge = (text: string) => {
      const parsed = parseJsonWithNumberText(text);
      return () => resultAmountCents(darajaResultCallbackSchema.parse(parsed.value), parsed.numberText);
    };
    const sample = samples.transactionStatusResult();
    const listed = JSON.stringify(sample);
    expect(judge(listed)()).toBe(20_000);
    expect(judge(listed.replace('"Amount","Value":200', '"Amount","Value":200.000000000000001'))).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
    expect(judge(listed.replace('"Amount","Value":200', '"Amount","Value":"200.5"'))).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
    const alone = (value: string) => JSON.stringify({ Result: { ...sample.Result, ResultParameters: { ResultParameter: { Key: 'Amount', Value: 0 } } } }).replace('"Value":0', `"Value":${value}`);
    expect(judge(alone('"300.00"'))()).toBe(30_000);
    expect(judge(alone('3e2'))).toThrow(expect.objectContaining({ code: 'invalid_amount' }));
    expect(judge(JSON.stringify({ Result: { ...sample.Result, ResultParameters: undefined } }))()).toBeUndefined();
  });

  it('STK initiation cents: whole as written, whole shillings, within range', () => {
    expect(parseMpesaAmount('10000', 'amount', 'cents')).toBe(10_000);
    expect(parseMpesaAmount(25_000_000, 'amount', 'cents')).toBe(25_000_000);
    for (const bad of ['10000.000000000001', '1e4', '10000.0', '10050', '99', '25000100', '-100', 10_050, 100.5]) {
      expect(() => parseMpesaAmount(bad, 'amount', 'cents'), String(bad)).toThrow(/written as a whole number of cents/);
    }
  });
});
